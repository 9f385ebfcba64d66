/**
 * The QA contract in every engine (issue 15): the scenarios that matter to a shopper and a
 * merchant, written once against `ShopTab` and run in Chromium, Firefox and WebKit by the
 * projects `engine-*` of playwright.config.ts (`npm run test:browsers`). The guards of
 * `fixtures.ts` (egress, errors, CSP) apply to each.
 */
import type { RecommendedItem } from '../../src/shared/protocol';
import { expect, test } from './fixtures';
import { WIDGET_SURFACES } from './shop-tab';

const PLAIN = '/examples/plain.html';
const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>Zelda <b>bold</b>';

test('a first visit: Trending with explained cards, and no personal list', async ({ shop }) => {
  const tab = await shop.tab();
  await tab.openStorefront();
  await tab.whenIdle();
  const trending = await tab.storefrontCards('trending');
  expect(trending.length).toBeGreaterThan(0);
  for (const card of trending) expect(card.reason.length).toBeGreaterThan(0);
  expect(await tab.storefrontCards('for-you')).toEqual([]);
  expect(await tab.storefrontCards('recently-viewed')).toEqual([]);
  expect((await tab.recommendations('for-you')).personal).toBe(false);
});

test('events make For you personal, with reasons true to the history; a reload keeps it', async ({ shop, engine }) => {
  const tab = await shop.tab();
  await tab.openStorefront();
  await tab.whenIdle();
  const viewed = await tab.viewTrending(3);

  const forYou = await tab.recommendations('for-you');
  expect(forYou.personal).toBe(true);
  expect(forYou.items.length).toBeGreaterThan(0);
  // A reason that names an item names one the shopper viewed; no viewed item is recommended back.
  const named = forYou.items.map((i: RecommendedItem) => i.reason.sourceItemId).filter((id): id is string => id !== undefined);
  expect(named.length).toBeGreaterThan(0);
  for (const id of named) expect(viewed).toContain(id);
  for (const item of forYou.items) expect(viewed).not.toContain(item.id);
  const shown = await tab.storefrontCards('for-you');
  expect(shown.length).toBeGreaterThan(0);
  // TensorFlow.js starts after the first events, on a backend this engine has.
  const status = await tab.until(
    () => (globalThis as unknown as { __shelfwise: { status(): Promise<{ backend?: string; backendReason?: string }> } }).__shelfwise.status().then((s) => (s.backend ? s : undefined)),
    null,
    'a tfjs backend',
  );
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(status.backend);
  console.log(`${engine}: backend ${status.backend} (${status.backendReason})`);

  await tab.tab.reload();
  await tab.until(() => Boolean((globalThis as { __shelfwise?: unknown }).__shelfwise), null, 'the QA hook');
  await tab.whenIdle();
  expect(await tab.hook('eventCount')).toBe(3);
  expect((await tab.storefrontCards('recently-viewed')).map((c) => c.id)).toEqual([...viewed].reverse());
  expect((await tab.storage()).events).toBe(3);
});

test('two tabs recording at once lose nothing and converge', async ({ shop }) => {
  const [a, b] = [await shop.tab(), await shop.tab()];
  await a.openStorefront();
  await b.openStorefront();
  await Promise.all([a.whenIdle(), b.whenIdle()]);
  const ids = (await a.recommendations('trending', 4)).items.map((i) => i.id);
  await Promise.all([
    (async () => {
      for (const id of ids.slice(0, 2)) await a.hook('track', 'view', id);
    })(),
    (async () => {
      for (const id of ids.slice(2)) await b.hook('track', 'view', id);
    })(),
  ]);
  for (const tab of [a, b]) await tab.until(() => (globalThis as unknown as { __shelfwise: { eventCount(): Promise<number> } }).__shelfwise.eventCount().then((n) => n === 4), null, 'four events in the tab');
  await Promise.all([a.whenIdle(), b.whenIdle()]);
  const [listA, listB] = [await a.recommendations('for-you'), await b.recommendations('for-you')];
  expect(listA.personal).toBe(true);
  expect(listB.items.map((i) => i.id)).toEqual(listA.items.map((i) => i.id));
  // One tab closed, the other moves on to the widget's page: it starts on the same history.
  await b.tab.close();
  await a.openWidgetPage(PLAIN);
  await a.whenWidgetShown();
  expect(await a.api('eventCount')).toBe(4);
});

test('Your data: export is exactly what was recorded; pause records nothing; erase leaves nothing', async ({ shop }) => {
  const tab = await shop.tab();
  await tab.openStorefront();
  await tab.whenIdle();
  const ids = await tab.viewTrending(2);
  await tab.openStorefront('view=data');
  await tab.whenIdle();

  // The export is a download made on the device: catch the Blob the page hands to the browser.
  await tab.evaluate(() => {
    const w = globalThis as unknown as { __exported?: Promise<string> };
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      if (blob instanceof Blob) w.__exported = blob.text();
      return create(blob);
    };
  }, null);
  await tab.click('Export my data');
  const exported = JSON.parse((await tab.until(() => (globalThis as unknown as { __exported?: Promise<string> }).__exported, null, 'the export'))) as { events: { itemId?: string }[] };
  expect(exported.events.map((e) => e.itemId)).toEqual(ids);

  await tab.click('Pause personalisation');
  await tab.until(() => document.querySelector('[data-paused="true"]') !== null, null, 'the paused state');
  await tab.hook('track', 'view', ids[0]);
  await tab.whenIdle();
  expect(await tab.hook('eventCount')).toBe(2);
  await tab.click('Resume personalisation');
  await tab.until(() => document.querySelector('[data-paused="false"]') !== null, null, 'the resumed state');

  await tab.click('Erase my data');
  await tab.click('Erase everything');
  await tab.until(() => (globalThis as unknown as { __shelfwise: { eventCount(): Promise<number> } }).__shelfwise.eventCount().then((n) => n === 0), null, 'the erase');
  await tab.whenIdle();
  const stored = await tab.storage();
  expect(stored.events).toBe(0);
  expect(stored.caches).toEqual([]);
  expect((await tab.recommendations('for-you')).personal).toBe(false);
});

test('leaving the storefront for the widget page and coming back: both keep working, with one history', async ({ shop }) => {
  const tab = await shop.tab();
  await tab.openStorefront();
  await tab.whenIdle();
  await tab.viewTrending(1);
  // The storefront may now sit in the back/forward cache with its worker (WebKit keeps both).
  await tab.openWidgetPage(PLAIN);
  await tab.whenWidgetShown();
  expect(await tab.api('track', 'view', 'vg-460')).toBe(true);
  await tab.api('whenIdle');
  expect(await tab.api('eventCount')).toBe(2);
  await tab.evaluate(() => void setTimeout(() => history.back(), 0), null);
  await tab.until(() => location.pathname === '/' && Boolean((globalThis as { __shelfwise?: unknown }).__shelfwise), null, 'the storefront again');
  await tab.until(() => (globalThis as unknown as { __shelfwise: { eventCount(): Promise<number> } }).__shelfwise.eventCount().then((n) => n === 2), null, 'both events in the storefront');
  await tab.whenIdle();
  expect((await tab.recommendations('for-you')).personal).toBe(true);
});

test('the widget under the documented strict CSP: three carousels, no violation, no error', async ({ shop }) => {
  const tab = await shop.tab();
  await tab.openWidgetPage(`${PLAIN}?csp=strict`);
  await tab.whenWidgetShown();
  for (const surface of WIDGET_SURFACES) expect((await tab.widgetCards(surface)).length).toBeGreaterThan(0);
  expect(await tab.api('track', 'view', 'vg-460')).toBe(true);
  await tab.api('whenIdle');
  expect(await tab.api('eventCount')).toBe(1);
  expect((await tab.probe()).violations).toEqual([]);
});

test('the widget with a hostile host stylesheet: cards keep their size and text', async ({ shop }) => {
  const tab = await shop.tab();
  await tab.openWidgetPage(`${PLAIN}?hostile=1`);
  await tab.whenWidgetShown();
  for (const surface of WIDGET_SURFACES) {
    for (const card of await tab.widgetCards(surface)) {
      expect(card.width, `${surface} card width`).toBeGreaterThan(80);
      expect(card.height, `${surface} card height`).toBeGreaterThan(80);
      expect(card.text.trim().length).toBeGreaterThan(0);
    }
  }
});

test('titles made of markup render as text in the storefront and the widget; nothing runs', async ({ shop }) => {
  const target = 'vg-1458'; // the most popular item: on Trending at once
  shop.server.retitle({ [target]: EVIL });
  const tab = await shop.tab();
  await tab.openStorefront();
  await tab.whenIdle();
  const card = (await tab.storefrontCards('trending')).find((c) => c.id === target);
  expect(card?.text).toContain(EVIL);
  await tab.openWidgetPage(PLAIN);
  await tab.whenWidgetShown();
  expect((await tab.widgetCards('trending')).find((c) => c.id === target)?.text).toContain(EVIL);
  const ran = await tab.evaluate(() => {
    const hosts = Array.from(document.querySelectorAll('shelfwise-carousel'));
    const inShadow = hosts.reduce((n, h) => n + (h.shadowRoot?.querySelectorAll('img[src="x"], script, b').length ?? 0), 0);
    return { inShadow, inPage: document.querySelectorAll('img[src="x"], b').length, pwned: (globalThis as { __pwned?: number }).__pwned ?? null };
  }, null);
  expect(ran).toEqual({ inShadow: 0, inPage: 0, pwned: null });
});
