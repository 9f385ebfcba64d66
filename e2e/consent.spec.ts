/**
 * Consent before anything is stored (issue 14): the widget in consent mode (`data-consent=
 * "required"`, public/examples/consent.html) with the shop's own banner and with a TCF v2.2
 * consent platform (a stub `__tcfapi`, see tcf-stub.ts), and the storefront's `?consent=required`
 * banner. Each scenario reads IndexedDB and Cache Storage directly, and runs under the privacy
 * guard of `fixtures.ts`.
 */
import type { Page } from '@playwright/test';
import type { ShelfwiseWindow } from '../src/widget/api-types';
import { expect, test } from './fixtures';
import { CONSENT_PATH, EXAMPLE_PRODUCTS, WidgetPage } from './pages/widget';
import { inspectStorage, storageNames } from './storage';
import { installStubCmp, type StubCmpOptions, type StubCmpWindow } from './tcf-stub';

const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const NOTHING_STORED = { databases: [], caches: [] };

/** Opens the consent-mode example page, with a stub CMP if given, and waits for its carousels. */
async function openShop(page: Page, cmp?: StubCmpOptions): Promise<WidgetPage> {
  if (cmp) await page.addInitScript(installStubCmp, cmp);
  const widget = new WidgetPage(page);
  await widget.open(CONSENT_PATH);
  await widget.whenCarouselsShown(['because-you-viewed', 'trending']);
  return widget;
}

/** Without consent: events refused, nothing in IndexedDB or Cache Storage, lists non-personal. */
async function expectNothingStored(page: Page, widget: WidgetPage): Promise<void> {
  expect(await widget.track('view', EXAMPLE_PRODUCTS[0])).toBe(false);
  await widget.product(EXAMPLE_PRODUCTS[1]).getByRole('button', { name: 'Add to cart' }).click();
  await widget.whenIdle();
  expect((await widget.status()).consent).toBe('not-given');
  expect(await widget.eventCount()).toBe(0);
  expect((await widget.recommend('for-you')).personal).toBe(false);
  expect(await storageNames(page)).toEqual(NOTHING_STORED);
}

/** With consent: three views are stored in IndexedDB and For you becomes personal. */
async function expectRecording(page: Page, widget: WidgetPage): Promise<void> {
  await expect.poll(async () => (await widget.status()).consent).toBe('given');
  for (const id of EXAMPLE_PRODUCTS.slice(0, 3)) expect(await widget.track('view', id)).toBe(true);
  await widget.whenIdle();
  expect(await widget.eventCount()).toBe(3);
  expect((await inspectStorage(page)).events).toHaveLength(3);
  expect((await widget.recommend('for-you')).personal).toBe(true);
}

/** After withdrawal: the database and the caches are gone, and lists are non-personal at once. */
async function expectErased(page: Page, widget: WidgetPage): Promise<void> {
  await expect.poll(async () => (await widget.status()).consent).toBe('not-given');
  await widget.whenIdle();
  await expect.poll(() => storageNames(page)).toEqual(NOTHING_STORED);
  expect(await widget.eventCount()).toBe(0);
  expect((await widget.recommend('for-you')).personal).toBe(false);
  expect(await widget.track('view', EXAMPLE_PRODUCTS[0])).toBe(false);
}

test('the shop\'s banner: nothing is stored before Accept, recording starts with it, Decline erases everything', async ({ page }) => {
  const widget = await openShop(page);
  const banner = page.getByRole('region', { name: 'May we remember what you look at?' });

  await test.step('before an answer: carousels, non-personal; nothing stored; the panel says why', async () => {
    await expect(banner).toBeVisible();
    await expectNothingStored(page, widget);
    await expect(page.locator('shelfwise-your-data [data-consent="not-given"]')).toHaveCount(1);
  });

  await test.step('Accept: recording starts, the history is in IndexedDB', async () => {
    await banner.getByRole('button', { name: 'Accept' }).click();
    await expect(banner).toBeHidden();
    await expectRecording(page, widget);
  });

  await test.step('a reload keeps the history, and the model files are kept in Cache Storage', async () => {
    await page.reload();
    await widget.whenCarouselsShown();
    expect(await widget.eventCount()).toBe(3);
    await expect.poll(async () => (await storageNames(page)).caches.length).toBeGreaterThan(0);
  });

  await test.step('Decline from the privacy choices: everything is erased at once', async () => {
    await page.getByRole('button', { name: 'Privacy choices' }).click();
    await banner.getByRole('button', { name: 'Decline' }).click();
    await expectErased(page, widget);
  });

  await test.step('the same through the API, timed: consent(true), one event, consent(false)', async () => {
    const ms = await page.evaluate(async () => {
      const api = (globalThis as unknown as ShelfwiseWindow).shelfwise;
      let t = performance.now();
      await api.consent(true);
      const given = performance.now() - t;
      await api.track('view', 'vg-460');
      await api.whenIdle();
      t = performance.now();
      await api.consent(false);
      return { given, withdrawn: performance.now() - t };
    });
    console.log(`consent: consent(true) applied in ${ms.given.toFixed(0)} ms; consent(false) (database deleted, caches emptied) in ${ms.withdrawn.toFixed(0)} ms`);
    expect(await storageNames(page)).toEqual(NOTHING_STORED);
  });
});

test('shelfwise.consent() outside consent mode changes nothing and says so', async ({ page }) => {
  const widget = new WidgetPage(page);
  const warnings: string[] = [];
  page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
  await widget.open();
  await widget.whenCarouselsShown();
  expect((await widget.consent(false)).state).toBe('not-required');
  expect(await widget.track('view', EXAMPLE_PRODUCTS[0])).toBe(true);
  expect(warnings.some((w) => w.includes('consent() does nothing'))).toBe(true);
});

test.describe('a TCF v2.2 consent platform', () => {
  test('consent stored earlier (tcloaded, purposes 1, 5, 6): recording from the first page', async ({ page }) => {
    const widget = await openShop(page, { gdprApplies: true, atLoad: { eventStatus: 'tcloaded', purposes: ALL_PURPOSES } });
    await expectRecording(page, widget);
    await expect.poll(async () => (await storageNames(page)).caches.length).toBeGreaterThan(0);
  });

  test('denied (purposes 5 and 6 refused): nothing is stored', async ({ page }) => {
    const widget = await openShop(page, { gdprApplies: true, atLoad: { eventStatus: 'tcloaded', purposes: [1, 2, 3, 4, 7, 8, 9, 10, 11] } });
    await expectNothingStored(page, widget);
  });

  test('granted later in the CMP\'s UI, then withdrawn there: recording starts, then everything is erased', async ({ page }) => {
    const widget = await openShop(page, { gdprApplies: true, atLoad: { eventStatus: 'cmpuishown' } });
    await test.step('while the CMP asks: nothing stored', () => expectNothingStored(page, widget));
    await test.step('the shopper accepts in the CMP', async () => {
      await page.evaluate((p) => (globalThis as unknown as StubCmpWindow).__stubCmp.answer('useractioncomplete', p), ALL_PURPOSES);
      await expectRecording(page, widget);
    });
    await test.step('the shopper withdraws in the CMP (purpose 1 only)', async () => {
      await page.evaluate(() => (globalThis as unknown as StubCmpWindow).__stubCmp.answer('useractioncomplete', [1]));
      await expectErased(page, widget);
    });
  });

  test('gdprApplies false: no consent is needed, Shelfwise records as outside consent mode', async ({ page }) => {
    const widget = await openShop(page, { gdprApplies: false, atLoad: 'never' });
    await expectRecording(page, widget);
  });

  test('a CMP that never answers: nothing is stored, and the console says why', async ({ page }) => {
    const warnings: string[] = [];
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
    const widget = await openShop(page, { gdprApplies: true, atLoad: 'never' });
    await expectNothingStored(page, widget);
    expect(await page.evaluate(() => (globalThis as unknown as StubCmpWindow).__stubCmp.listeners())).toBe(1);
    await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toContain('has not answered in 5 s');
    expect(warnings.join('\n')).toContain('events are not recorded until the shopper consents');
  });
});

test('the storefront\'s own banner (?consent=required): nothing before Accept; remembered across reloads; Decline erases', async ({ storefront, page }) => {
  const banner = page.getByRole('region', { name: 'May this shop remember what you look at?' });
  await storefront.open('consent=required');
  await storefront.whenIdle();

  await test.step('before an answer: a product view is not stored', async () => {
    await expect(banner).toBeVisible();
    const [first] = await storefront.recommend('trending', 1);
    await storefront.track('view', first);
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(0);
    expect((await storefront.status()).consent).toBe('not-given');
    expect(await storageNames(page)).toEqual(NOTHING_STORED);
  });

  await test.step('Accept: views are stored and For you becomes personal', async () => {
    await banner.getByRole('button', { name: 'Accept' }).click();
    await expect(banner).toBeHidden();
    await expect.poll(async () => (await storefront.status()).consent).toBe('given');
    for (const id of await storefront.recommend('trending', 3)) await storefront.track('view', id);
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(3);
    expect((await inspectStorage(page)).events).toHaveLength(3);
    expect((await storefront.recommendations('for-you')).personal).toBe(true);
  });

  await test.step('a reload asks no more and keeps the history; the mode survives navigation', async () => {
    await page.reload();
    await storefront.whenIdle();
    await expect(banner).toHaveCount(0);
    expect(await storefront.eventCount()).toBe(3);
    await page.getByRole('link', { name: 'Your data' }).click();
    expect(new URL(page.url()).searchParams.get('consent')).toBe('required');
  });

  await test.step('Privacy choices → Decline: everything is erased, lists are non-personal', async () => {
    await page.getByRole('button', { name: 'Privacy choices' }).click();
    await banner.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(async () => (await storefront.status()).consent).toBe('not-given');
    await storefront.whenIdle();
    await expect.poll(() => storageNames(page)).toEqual(NOTHING_STORED);
    expect(await storefront.eventCount()).toBe(0);
    expect((await storefront.recommendations('for-you')).personal).toBe(false);
    await expect(storefront.yourData.state).toHaveAttribute('data-consent', 'not-given');
  });
});
