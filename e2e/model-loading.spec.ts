import { createHash } from 'node:crypto';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { bucketOfId } from '../src/shared/model-manifest';

/**
 * The model arrives in parts (issue 12): a starter list in the manifest, the per-item arrays,
 * neighbour shards by need, the embeddings with a history. Each part can be missing, stale or
 * damaged, and a new version can be published while shoppers have the old one.
 */

interface Manifest {
  version: string;
  starter?: { items: { id: string; title: string }[]; scores: number[] };
  files: Record<string, { path: string; sha256: string }>;
  shards: { files: { path: string; sha256: string; start: number; end: number }[]; cards?: { groups: number; index: { path: string } } };
}

/** Stems of the files a product page of `id` reads on a first visit (rows are grouped by id hash). */
async function anchorFiles(page: Page, id: string): Promise<{ shard: string; group: string }> {
  // Read beside the browser: the shopper's first visit has not started yet.
  const m = (await (await page.request.get('/model/manifest.json')).json()) as Manifest;
  return {
    shard: `shard-${String(bucketOfId(id, m.shards.files.length)).padStart(3, '0')}`,
    group: `cards-${String(bucketOfId(id, m.shards.cards!.groups)).padStart(4, '0')}`,
  };
}

/** Serves the model file with this stem damaged (one byte flipped). */
async function damage(context: BrowserContext, stem: string): Promise<void> {
  await context.route(new RegExp(`/model/${stem}\\.[0-9a-f]{12}\\.(bin|json)$`), async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[1] ^= 0xff;
    await route.fulfill({ response, body });
  });
}

async function manifestOf(page: Page): Promise<Manifest> {
  return page.evaluate(async () => (await (await fetch('/model/manifest.json', { cache: 'no-store' })).json()) as Manifest);
}

/** Serves a changed manifest in place of the published one. */
async function publish(context: BrowserContext, change: (m: Manifest) => void): Promise<void> {
  await context.route('**/model/manifest.json', async (route) => {
    const response = await route.fetch({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } });
    const m = (await response.json()) as Manifest;
    change(m);
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(m), headers: { 'cache-control': 'no-cache' } });
  });
}

/** Model paths requested from the network from now on. */
function modelRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/model/')) seen.push(path.slice('/model/'.length));
  });
  return seen;
}

test('a first visit is answered from the starter list: no catalogue or model array is needed for the first carousel', async ({ storefront, page }) => {
  const manifest = await test.step('the manifest holds the starter list', async () => {
    await page.goto('/examples/plain.html');
    return manifestOf(page);
  });
  await test.step('the first Trending cards are the starter list\'s top items', async () => {
    await storefront.open();
    await expect(storefront.carousel('trending').cards.first()).toBeVisible();
    await storefront.whenIdle();
    const ids = await storefront.recommend('trending', 10);
    expect(ids.length).toBe(10);
    // After the catalogue arrived, the same items lead (rules and diversity may reorder a few).
    const starterTop = new Set(manifest.starter!.items.slice(0, 20).map((it) => it.id));
    expect(ids.filter((id) => starterTop.has(id)).length).toBeGreaterThanOrEqual(8);
  });
});

test.describe('a stale starter list', () => {
  test('an item the catalogue no longer has is gone once the catalogue is in', async ({ storefront, context }) => {
    await publish(context, (m) => {
      m.starter!.items.unshift({ id: 'vg-withdrawn', title: 'A product the shop has withdrawn' });
      m.starter!.scores.unshift(1e6);
    });
    await storefront.open();
    await storefront.whenIdle();
    expect(await storefront.recommend('trending', 10)).not.toContain('vg-withdrawn');
    await expect(storefront.carousel('trending').cards.first()).toBeVisible();
    await expect(storefront.page.getByText('A product the shop has withdrawn')).toHaveCount(0);
  });
});

test('a manifest without a starter list: the first carousel waits for the catalogue, and comes', async ({ storefront, context }) => {
  await publish(context, (m) => {
    delete m.starter;
  });
  await storefront.open();
  await storefront.whenIdle();
  expect(await storefront.carousel('trending').cards.count()).toBeGreaterThan(0);
  expect((await storefront.status()).errors).toEqual([]);
});

test('a first visit straight to a product page: the product and Because you viewed come from its anchor\'s shard, before the catalogue', async ({ storefront, page, context }) => {
  const { shard, group } = await anchorFiles(page, 'vg-3');
  const requests = modelRequests(page);
  const catalogue: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // The catalogue and the model's item ids are held back until the page has shown both.
  await context.route(/\/catalog\.json$|\/model\/item-ids\.[0-9a-f]{12}\.json$/, async (route) => {
    catalogue.push(route.request().url());
    await held;
    await route.continue();
  });
  await test.step('the product\'s title and its Because you viewed cards are on screen while the catalogue and item ids are held back', async () => {
    await storefront.openProduct('vg-3');
    await expect(page.locator(".product__title")).toBeVisible();
    await expect(storefront.carousel('because-you-viewed').cards.first()).toBeVisible();
    const early = await storefront.carousel('because-you-viewed').itemIds();
    expect(early.length).toBeGreaterThanOrEqual(6);
    expect(early).not.toContain('vg-3');
    const stems = requests.map((p) => p.replace(/\.[0-9a-f]{12}\.(bin|json)$/, ''));
    expect(stems).toEqual(expect.arrayContaining([shard, group, 'cards-index']));
  });
  await test.step('the catalogue, asked for once the page\'s first carousel is on screen, then serves the lists', async () => {
    await expect.poll(() => catalogue.length).toBeGreaterThan(0);
    release();
    await storefront.whenIdle();
    expect((await storefront.status()).modelLoaded).toBe(true);
    expect((await storefront.recommend('because-you-viewed', 8)).length).toBe(8);
    expect(await storefront.eventCount()).toBe(1); // the product page's view, checked against the catalogue
  });
});

test.describe('an anchor card group that fails its checksum', () => {
  test.use({ expectedConsoleErrors: [/anchor cards \d+ failed its checksum.*waits for the catalogue/] });

  test('the product page says why and is answered once the catalogue is in', async ({ storefront, page, context }) => {
    const { group } = await anchorFiles(page, 'vg-3');
    await damage(context, group);
    await storefront.openProduct('vg-3');
    await expect(storefront.carousel('because-you-viewed').cards.first()).toBeVisible();
    await storefront.whenIdle();
    expect((await storefront.recommend('because-you-viewed', 8)).length).toBe(8);
    expect((await storefront.status()).errors.join(' ')).toMatch(/anchor cards \d+ failed its checksum/);
  });
});

test.describe('a half-published version whose anchor card index is not uploaded yet', () => {
  test.use({ expectedConsoleErrors: [/anchor card index .*HTTP 404.*waits for the catalogue/] });

  test('the product page is answered once the catalogue is in', async ({ storefront, context }) => {
    await context.route(/\/model\/cards-index\.[0-9a-f]{12}\.json$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
    await storefront.openProduct('vg-3');
    await expect(storefront.carousel('because-you-viewed').cards.first()).toBeVisible();
    await storefront.whenIdle();
    expect((await storefront.recommend('because-you-viewed', 8)).length).toBe(8);
  });
});

test.describe('a neighbour shard that fails its checksum', () => {
  test.use({ expectedConsoleErrors: [/neighbour shard \d+ failed its checksum/] });

  test('the product page still recommends, says why, and other items keep their neighbours', async ({ storefront, page, context }) => {
    const { shard } = await anchorFiles(page, 'vg-3');
    await damage(context, shard);
    await storefront.openProduct('vg-3');
    await storefront.whenIdle();
    expect((await storefront.recommend('because-you-viewed', 8)).length).toBe(8);
    expect((await storefront.status()).errors.join(' ')).toMatch(new RegExp(`neighbour shard ${Number(shard.slice(6))} failed its checksum`));
  });
});

test.describe('a half-published model version (a shard not uploaded yet)', () => {
  test.use({ expectedConsoleErrors: [/neighbour shard \d+ .*HTTP 404/] });

  test('lists are served from what is there; the missing rows only lose their neighbours', async ({ storefront, page, context }) => {
    const { shard } = await anchorFiles(page, 'vg-300');
    await context.route(new RegExp(`/model/${shard}\\.[0-9a-f]{12}\\.bin$`), (route) => route.fulfill({ status: 404, body: 'not found' }));
    await storefront.openProduct('vg-300');
    await storefront.whenIdle();
    expect((await storefront.recommend('because-you-viewed', 8)).length).toBe(8);
    // The product page recorded its view; one more event is stored too.
    const before = await storefront.eventCount();
    await storefront.track('view', 'vg-301');
    await storefront.whenIdle();
    expect((await storefront.recommendations('for-you')).personal).toBe(true);
    expect(await storefront.eventCount()).toBe(before + 1);
  });
});

test('a new model version: the returning shopper moves to it, keeps their history, and fetches only what changed', async ({ storefront, page, context }) => {
  const before = await test.step('a first visit with a history keeps the model in Cache Storage', async () => {
    await storefront.open();
    await storefront.whenIdle();
    await storefront.track('view', 'vg-3');
    await storefront.whenIdle();
    const m = await manifestOf(page);
    await expect
      .poll(() => page.evaluate(async (path) => Boolean(await (await caches.open('shelfwise-assets-v1')).match(new URL(`/model/${path}`, location.href).href)), m.files.embeddings.path))
      .toBe(true);
    return m;
  });

  const changed = await test.step('the shop publishes a version whose popularity changed, nothing else', async () => {
    const old = await page.evaluate(async (path) => Array.from(new Uint8Array(await (await fetch(`/model/${path}`)).arrayBuffer())), before.files.popularity.path);
    const pop = new Float32Array(new Uint8Array(old).buffer);
    for (let i = 0; i < pop.length; i++) pop[i] *= 1.01;
    const bytes = Buffer.from(pop.buffer);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = `popularity.${sha256.slice(0, 12)}.bin`;
    await context.route(`**/model/${path}`, (route) => route.fulfill({ status: 200, body: bytes, contentType: 'application/octet-stream' }));
    await publish(context, (m) => {
      m.version = `${m.version}-next`;
      m.files.popularity = { ...m.files.popularity, path, sha256 };
    });
    return path;
  });

  await test.step('the next visit fetches the manifest and the changed file only; the history is there', async () => {
    const requested = modelRequests(page);
    await storefront.open();
    await storefront.whenIdle();
    // The page fetches the manifest ahead of the worker, which then takes the HTTP cache's copy; but
    // with routes on, Playwright turns the HTTP cache off, so here the worker asks again.
    expect([...new Set(requested)].sort()).toEqual(['manifest.json', changed].sort());
    const status = await storefront.status();
    expect(status.modelLoaded).toBe(true);
    expect(status.errors).toEqual([]);
    expect(await storefront.eventCount()).toBe(1);
    expect((await storefront.recommendations('for-you')).personal).toBe(true);
  });

  await test.step('the old version\'s file is dropped from the cache', async () => {
    await expect
      .poll(() => page.evaluate(async (path) => Boolean(await (await caches.open('shelfwise-assets-v1')).match(new URL(`/model/${path}`, location.href).href)), before.files.popularity.path))
      .toBe(false);
  });
});

test('a returning visit shows the last visit\'s For you at once, before manifest and catalogue have answered; the engine\'s own list follows', async ({ storefront, page, context }) => {
  const shown = await test.step('a first visit with three views', async () => {
    await storefront.open();
    await storefront.whenIdle();
    for (const id of ['vg-3', 'vg-8', 'vg-21']) await storefront.track('view', id);
    await storefront.whenIdle();
    await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    return storefront.carousel('for-you').itemIds();
  });

  await test.step('next visit: manifest and catalogue are held back, and For you is personal and the same', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answered: string[] = [];
    for (const pattern of ['**/model/manifest.json', '**/catalog.json']) {
      await context.route(pattern, async (route) => {
        await held;
        answered.push(new URL(route.request().url()).pathname);
        await route.continue();
      });
    }
    await storefront.open();
    const forYou = storefront.carousel('for-you');
    await expect(forYou.region).toHaveAttribute('data-personal', 'true');
    expect(await forYou.itemIds()).toEqual(shown);
    await expect(forYou.reasons().first()).not.toBeEmpty();
    expect(answered).toEqual([]);

    release();
    await storefront.whenIdle();
    // (the page's manifest request and the worker's: with routes on, there is no HTTP cache between them)
    expect([...new Set(answered)].sort()).toEqual(['/catalog.json', '/model/manifest.json']);
    expect(await forYou.itemIds()).toEqual(shown);
    expect((await storefront.status()).errors).toEqual([]);
  });
});
