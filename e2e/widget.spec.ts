/**
 * The merchant widget on the plain-HTML example page (no React on the host page): carousels,
 * marked host-page events, the JS API, keyboard use, layout stability, and when TensorFlow.js
 * loads. The privacy guard of `fixtures.ts` applies to every scenario here.
 */
import type { Request } from '@playwright/test';
import { loadCatalog, shareOfKnown } from './catalog';
import { expect, test } from './fixtures';
import { CAROUSEL_HEIGHT_PX, EXAMPLE_PATH, EXAMPLE_PRODUCTS, WIDGET_SCRIPT, WidgetPage } from './pages/widget';

const SURFACES_ON_PAGE = ['for-you', 'because-you-viewed', 'trending'] as const;

test('the example page renders the carousels from one script tag, without React and with one global', async ({ page, context }) => {
  const widget = new WidgetPage(page);

  let ownGlobals: string[] = [];
  await test.step('baseline: the page with the widget script replaced by an empty module', async () => {
    await page.route(`**${WIDGET_SCRIPT}`, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
    await page.goto(EXAMPLE_PATH);
    ownGlobals = await page.evaluate(() => Object.getOwnPropertyNames(globalThis));
    await page.unroute(`**${WIDGET_SCRIPT}`);
  });

  const tfjsRequests: Request[] = [];
  context.on('request', (r) => {
    if (/\/shelfwise\/assets\/(backend|dist|Unique_impl)-[^/]+\.js$/.test(r.url())) tfjsRequests.push(r);
  });

  await test.step('open the example page', async () => {
    await widget.open();
    await widget.whenCarouselsShown();
  });

  await test.step('the host page runs no React and gains exactly one global: window.shelfwise', async () => {
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
    // The widget entry, the worker's own script (listed by the page that starts it), and the
    // "Your data" panel's chunk (the example page has a <shelfwise-your-data>).
    const paths = scripts.map((s) => new URL(s).pathname);
    expect(paths[0]).toBe(WIDGET_SCRIPT);
    for (const path of paths) expect(path).toMatch(/^\/shelfwise\/(shelfwise\.js|assets\/(recommender\.worker|your-data-panel)-[\w-]+\.js)$/);
    const globals = await page.evaluate(() => Object.getOwnPropertyNames(globalThis));
    expect(globals.filter((g) => !ownGlobals.includes(g))).toEqual(['shelfwise']);
    expect(await page.evaluate(() => 'React' in globalThis || '__REACT_DEVTOOLS_GLOBAL_HOOK__' in globalThis)).toBe(false);
    await expect(page.locator('#root')).toHaveCount(0);
  });

  await test.step('each carousel honours the contract inside its open shadow root', async () => {
    for (const surface of SURFACES_ON_PAGE) {
      const carousel = widget.carousel(surface);
      await expect(carousel.region).toBeVisible();
      await expect(carousel.region).toHaveAttribute('aria-label', /.+/);
      expect(await carousel.cards.count()).toBeGreaterThanOrEqual(5);
      const title = await carousel.cardTitle(0);
      await expect(carousel.cardLink(0)).toHaveAccessibleName(title);
      const id = (await carousel.itemIds())[0];
      await expect(carousel.cardLink(0)).toHaveAttribute('href', new RegExp(`/\\?item=${id}$`));
      await expect(carousel.reasons().first()).not.toBeEmpty();
    }
    const [forYou, trending, byv] = [widget.carousel('for-you'), widget.carousel('trending'), widget.carousel('because-you-viewed')];
    await expect(forYou.region).toHaveAttribute('data-personal', 'false');
    await expect(forYou.reasons().first()).toHaveAttribute('data-reason', 'trending');
    expect(await forYou.cards.count()).toBe(8);
    await expect(trending.region).toHaveAttribute('aria-label', 'Popular this week');
    await expect(byv.region).toHaveAttribute('aria-label', 'Because you viewed Xbox 360 Pro 60GB Console');
    const api = await widget.recommend('trending', { limit: 8 });
    expect(await trending.itemIds()).toEqual(api.items.map((i) => i.id));
  });

  await test.step('a visitor with no history never fetches TensorFlow.js', async () => {
    await widget.whenIdle();
    expect(await widget.eventCount()).toBe(0);
    expect(tfjsRequests.map((r) => r.url())).toEqual([]);
    expect((await widget.status()).backend).toBeUndefined();
  });

  await test.step('the first event makes the worker fetch TensorFlow.js, after the first carousel was on screen', async () => {
    await widget.product(EXAMPLE_PRODUCTS[0]).getByText('Details').click();
    await expect.poll(() => tfjsRequests.length, { message: 'the worker loads the tfjs backend chunk' }).toBeGreaterThan(0);
    const painted = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('shelfwise:first-carousel')[0].startTime);
    for (const r of tfjsRequests) {
      await r.response(); // its timing is complete once it is answered
      // Wall-clock start of the request (ms since the epoch), comparable with the page's mark.
      const started = r.timing().startTime;
      expect(started, r.url()).toBeGreaterThan(0);
      expect(started, `${r.url()} requested after the first carousel was painted`).toBeGreaterThanOrEqual(painted - 1);
    }
    await widget.whenIdle();
    expect((await widget.status()).backend).toBeDefined();
  });
});

test('marked clicks on the host page are recorded and change For you', async ({ page, request }) => {
  const widget = new WidgetPage(page);
  const catalog = await loadCatalog(request);
  await widget.open();
  await widget.whenCarouselsShown();
  const forYou = widget.carousel('for-you');
  const before = await forYou.itemIds();
  expect(await widget.eventCount()).toBe(0);

  await test.step('an update listener on the JS API', async () => {
    await page.evaluate(() => {
      const w = globalThis as unknown as { shelfwise: { on(e: 'update', cb: () => void): void }; updates: number };
      w.updates = 0;
      w.shelfwise.on('update', () => void w.updates++);
    });
  });

  await test.step('open the details of four marked products and add one to the cart', async () => {
    for (const id of EXAMPLE_PRODUCTS.slice(0, 4)) await widget.product(id).getByText('Details').click();
    await widget.product(EXAMPLE_PRODUCTS[4]).getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => widget.eventCount()).toBe(5);
    await widget.whenIdle();
  });

  await test.step('For you is now personal, different, and leans to the Nintendo DS', async () => {
    await expect(forYou.region).toHaveAttribute('data-personal', 'true');
    const after = await forYou.itemIds();
    expect(after).not.toEqual(before);
    expect(after).toEqual((await widget.recommend('for-you', { limit: 8 })).items.map((i) => i.id));
    expect(shareOfKnown(catalog, after, 'Nintendo DS')).toBeGreaterThanOrEqual(0.5);
    for (const id of EXAMPLE_PRODUCTS.slice(0, 5)) expect(after).not.toContain(id);
    expect(await page.evaluate(() => (globalThis as unknown as { updates: number }).updates)).toBeGreaterThan(0);
    const recent = await widget.recommend('recently-viewed', { limit: 10 });
    expect(recent.items.map((i) => i.id).sort()).toEqual(EXAMPLE_PRODUCTS.slice(0, 5).sort());
  });

  await test.step('a view-marked section counts as a view once it is scrolled into sight', async () => {
    await page.locator('.spotlight').scrollIntoViewIfNeeded();
    await expect.poll(() => widget.eventCount()).toBe(6);
    await page.mouse.wheel(0, -2000);
    await page.locator('.spotlight').scrollIntoViewIfNeeded();
    await widget.whenIdle();
    expect(await widget.eventCount(), 'recorded once per page view').toBe(6);
  });

  await test.step('the API refuses an unknown item without throwing into the page', async () => {
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    expect(await widget.track('view', 'no-such-item')).toBe(false);
    expect(await widget.eventCount()).toBe(6);
    expect(warnings.join('\n')).toMatch(/^\[shelfwise\] .*no-such-item/m);
  });
});

test('keyboard: arrow keys move through the cards and scroll the carousel; each card is a titled link', async ({ page }) => {
  const widget = new WidgetPage(page);
  await widget.open();
  await widget.whenCarouselsShown();
  const trending = widget.carousel('trending');
  const focusedId = () => trending.region.evaluate((el) => el.getRootNode().activeElement?.closest('[data-item-id]')?.getAttribute('data-item-id') ?? null);
  const ids = await trending.itemIds();

  await trending.cardLink(0).focus();
  expect(await focusedId()).toBe(ids[0]);
  await page.keyboard.press('ArrowRight');
  expect(await focusedId()).toBe(ids[1]);
  await page.keyboard.press('ArrowLeft');
  expect(await focusedId()).toBe(ids[0]);
  await page.keyboard.press('End');
  expect(await focusedId()).toBe(ids[ids.length - 1]);
  const track = trending.region.locator('ol');
  await expect.poll(() => track.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  await expect(track).toHaveAttribute('aria-labelledby', /.+/);
  await page.keyboard.press('Home');
  expect(await focusedId()).toBe(ids[0]);
  await expect.poll(() => track.evaluate((el) => el.scrollLeft)).toBe(0);
});

test('layout: the placeholder reserves the carousels’ room, so nothing shifts when they load', async ({ page, context }) => {
  await page.addInitScript(() => {
    const w = globalThis as unknown as { layoutShifts: number[] };
    w.layoutShifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.layoutShifts.push((e as PerformanceEntry & { value: number }).value);
    }).observe({ type: 'layout-shift', buffered: true });
  });
  // Hold the model's manifest (it carries the starter list the first carousels come from)
  // until the placeholders have been measured.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let heldRequests = 0;
  await context.route('**/model/manifest.json', async (route) => {
    heldRequests++;
    await held;
    await route.continue();
  });
  const widget = new WidgetPage(page);
  await widget.open();
  const heights = () => Promise.all(SURFACES_ON_PAGE.map((s) => widget.host(s).evaluate((el) => el.getBoundingClientRect().height)));

  await test.step('while loading: placeholders of the final height', async () => {
    for (const s of SURFACES_ON_PAGE) {
      await expect(widget.host(s).locator('[part~="placeholder"]').first()).toBeVisible();
      await expect(widget.carousel(s).region).toHaveAttribute('aria-busy', 'true');
    }
    expect(await heights()).toEqual(SURFACES_ON_PAGE.map(() => CAROUSEL_HEIGHT_PX));
    // The page's request and the worker's (with routes on, Playwright turns the HTTP cache off).
    expect(heldRequests, 'the manifest requests are being held').toBeGreaterThanOrEqual(1);
  });

  await test.step('loaded: same heights, no layout shift at any time', async () => {
    release();
    await widget.whenCarouselsShown();
    expect(await heights()).toEqual(SURFACES_ON_PAGE.map(() => CAROUSEL_HEIGHT_PX));
    const shifts = await page.evaluate(() => (globalThis as unknown as { layoutShifts: number[] }).layoutShifts);
    expect(shifts.reduce((a, b) => a + b, 0), `layout shifts ${JSON.stringify(shifts)}`).toBe(0);
  });
});
