/**
 * The shopper's "Your data" panel (`?view=data`): what is stored, the interests learned (as bars),
 * export, erase (nothing left in IndexedDB or Cache Storage) and pause. Every scenario runs under
 * the privacy guard of `fixtures.ts`: the export is made on the device, nothing is uploaded.
 */
import { readFile } from 'node:fs/promises';
import type { ExportedData } from '../src/shared/protocol';
import { loadCatalog, UNKNOWN_CATEGORY, type TestCatalog } from './catalog';
import { expect, test } from './fixtures';
import { inspectStorage } from './storage';

const CATEGORY = 'Nintendo DS';

/** Two products of CATEGORY and one of the largest other (known) category. */
function pickItems(catalog: TestCatalog) {
  const ds = catalog.items.filter((i) => i.category === CATEGORY).slice(0, 2);
  const otherCategory = catalog.categories.find((c) => c.name !== CATEGORY && c.name !== UNKNOWN_CATEGORY)!.name;
  const other = catalog.items.find((i) => i.category === otherCategory)!;
  expect(ds).toHaveLength(2);
  return { ds, other, otherCategory };
}


test('the panel shows the counts, recent events and the interests learned', async ({ storefront, page, request }) => {
  const { ds, other } = pickItems(await loadCatalog(request));

  await test.step('view two Nintendo DS products (adding one to the cart), view another platform, search', async () => {
    await storefront.openProduct(ds[0].id);
    await storefront.whenIdle();
    await storefront.openProduct(ds[1].id);
    await storefront.product.addToCart.click();
    await storefront.whenIdle();
    await storefront.openProduct(other.id);
    await storefront.whenIdle();
    await storefront.track('search', 'zelda');
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(5);
  });

  const panel = storefront.yourData;
  await test.step('the header link opens the panel', async () => {
    await page.getByRole('link', { name: 'Your data' }).click();
    await expect(page).toHaveURL(/[?&]view=data/);
    await expect(panel.root).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Your data' })).toBeVisible();
  });

  await test.step('counts by type', async () => {
    await expect(panel.count('view')).toHaveText('3');
    await expect(panel.count('add_to_cart')).toHaveText('1');
    await expect(panel.count('purchase')).toHaveText('0');
    await expect(panel.count('search')).toHaveText('1');
    await expect(panel.count('total')).toHaveText('5');
  });

  await test.step('recent events, newest first, with titles and the query', async () => {
    await expect(panel.recentEvents).toHaveCount(5);
    const types = await panel.recentEvents.evaluateAll((els) => els.map((el) => el.getAttribute('data-event-type')));
    expect(types).toEqual(['search', 'view', 'add_to_cart', 'view', 'view']);
    await expect(panel.recentEvents.nth(0)).toContainText('zelda');
    await expect(panel.recentEvents.nth(1)).toContainText(other.title);
    await expect(panel.recentEvents.nth(2)).toContainText(ds[1].title);
    await expect(panel.recentEvents.nth(4)).toContainText(ds[0].title);
  });

  await test.step('the interests chart: a named bar per interest learned, shares adding up to 100%', async () => {
    await expect(panel.interestBars.first()).toBeVisible();
    const labels = await panel.interestBars.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
    const shares = labels.map((l) => Number(/, (\d+)% of your activity$/.exec(l)?.[1]));
    expect(shares.every((x) => x > 0)).toBe(true);
    expect(shares.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(98); // whole percents, rounded
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(102);
  });
});

test('Export downloads a JSON file with exactly the events recorded', async ({ storefront, page, request }) => {
  const { ds, other } = pickItems(await loadCatalog(request));
  await storefront.open('view=data');
  await storefront.whenIdle();
  await storefront.track('view', ds[0].id);
  await storefront.track('add_to_cart', ds[0].id);
  await storefront.track('search', 'mario kart');
  await storefront.track('purchase', other.id);
  await storefront.whenIdle();
  const recorded = (await storefront.recentEvents(100)).reverse();
  expect(recorded).toHaveLength(4);

  const panel = storefront.yourData;
  await expect(panel.count('total')).toHaveText('4');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.exportButton.click()]);
  expect(download.suggestedFilename()).toBe('shelfwise-data.json');
  expect(download.url()).toMatch(/^blob:/);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as ExportedData;
  expect(exported.format).toBe('shelfwise-export');
  expect(exported.version).toBe(1);
  expect(exported.events).toEqual(recorded);
  await expect(panel.root.getByRole('status').filter({ hasText: 'shelfwise-data.json' })).toContainText('4 events');
});

test('Erase leaves nothing behind: IndexedDB and Cache Storage are empty, lists are non-personal', async ({ storefront, page, request }) => {
  const { ds, other } = pickItems(await loadCatalog(request));
  await storefront.openProduct(ds[0].id);
  await storefront.product.addToCart.click();
  await storefront.whenIdle();
  await storefront.openProduct(other.id);
  await storefront.whenIdle();
  await storefront.track('search', 'pokemon');
  await storefront.whenIdle();
  expect(await storefront.eventCount()).toBe(4);

  await test.step('before: the history is in IndexedDB and For you is personal', async () => {
    const before = await inspectStorage(page);
    expect(before.events).toHaveLength(4);
    expect((await storefront.recommendations('for-you')).personal).toBe(true);
  });

  const panel = storefront.yourData;
  await test.step('the erase button asks first; Cancel keeps everything', async () => {
    await page.getByRole('link', { name: 'Your data' }).click();
    await expect(panel.count('total')).toHaveText('4');
    await panel.eraseButton.click();
    await expect(panel.confirmErase).toBeVisible();
    await panel.root.getByRole('button', { name: 'Cancel' }).click();
    await expect(panel.confirmErase).toHaveCount(0);
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(4);
  });

  await test.step('erase, confirmed in the panel', async () => {
    await panel.eraseButton.click();
    await panel.confirmErase.click();
    await expect(panel.root.getByRole('status').filter({ hasText: 'Your data was erased' })).toBeVisible();
    await storefront.whenIdle();
    for (const type of ['view', 'add_to_cart', 'purchase', 'search', 'total'] as const) await expect(panel.count(type)).toHaveText('0');
    await expect(panel.interestBars).toHaveCount(0);
    await expect(panel.recentEvents).toHaveCount(0);
    await expect(storefront.cartLink).toContainText('0');
  });

  await test.step('nothing left in IndexedDB or Cache Storage', async () => {
    const after = await inspectStorage(page);
    expect(after.events).toEqual([]);
    expect(after.meta).toEqual([]);
    expect(after.aggregates).toEqual([]);
    expect(after.caches).toEqual([]);
    expect(await storefront.eventCount()).toBe(0);
    expect(await storefront.recentEvents()).toEqual([]);
  });

  await test.step('the home page is non-personal at once', async () => {
    await page.getByRole('link', { name: /Shelfwise/ }).click();
    await storefront.whenIdle();
    await expect(storefront.carousel('trending').region).toBeVisible();
    await expect(storefront.carousel('for-you').region).toHaveCount(0);
    await expect(storefront.carousel('recently-viewed').region).toHaveCount(0);
    const forYou = await storefront.recommendations('for-you');
    expect(forYou.personal).toBe(false);
    expect(forYou.items.map((i) => i.id)).toEqual(await storefront.recommend('trending', forYou.items.length));
  });

  await test.step('and stays so after a reload', async () => {
    await page.reload();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(0);
    await expect(storefront.carousel('for-you').region).toHaveCount(0);
  });
});

test('Pause: nothing is recorded while paused, the choice survives a reload, resuming records again', async ({ storefront, page, request }) => {
  const { ds, other } = pickItems(await loadCatalog(request));
  const panel = storefront.yourData;
  await storefront.openProduct(ds[0].id);
  await storefront.whenIdle();
  expect(await storefront.eventCount()).toBe(1);

  await test.step('pause in the panel', async () => {
    await page.getByRole('link', { name: 'Your data' }).click();
    await expect(panel.state).toHaveAttribute('data-paused', 'false');
    await panel.pauseButton.click();
    await expect(panel.state).toHaveAttribute('data-paused', 'true');
    await expect(panel.state).toContainText('Personalisation is paused: nothing you do is recorded');
    await expect(panel.resumeButton).toBeVisible();
    expect((await storefront.status()).paused).toBe(true);
  });

  await test.step('a product view records nothing', async () => {
    await storefront.openProduct(other.id);
    await expect(storefront.product.heading).toHaveText(other.title);
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(1);
    expect((await inspectStorage(page)).events).toHaveLength(1);
    expect((await storefront.recommendations('for-you')).personal).toBe(false);
  });

  await test.step('the choice survives a reload', async () => {
    await storefront.open('view=data');
    await storefront.whenIdle();
    expect((await storefront.status()).paused).toBe(true);
    await expect(panel.state).toHaveAttribute('data-paused', 'true');
    await expect(panel.resumeButton).toBeVisible();
    await expect(panel.count('total')).toHaveText('1');
  });

  await test.step('erasing while paused keeps only the pause setting', async () => {
    await panel.eraseButton.click();
    await panel.confirmErase.click();
    await expect(panel.count('total')).toHaveText('0');
    await storefront.whenIdle();
    const after = await inspectStorage(page);
    expect(after.events).toEqual([]);
    expect(after.meta).toEqual([{ key: 'settings', value: { paused: true } }]);
    expect(after.caches).toEqual([]);
    await expect(panel.state).toHaveAttribute('data-paused', 'true');
  });

  await test.step('resuming records again', async () => {
    await panel.resumeButton.click();
    await expect(panel.state).toHaveAttribute('data-paused', 'false');
    await expect(panel.pauseButton).toBeVisible();
    expect((await storefront.status()).paused).toBe(false);
    await storefront.openProduct(ds[1].id);
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(1);
    expect((await inspectStorage(page)).events).toHaveLength(1);
  });
});
