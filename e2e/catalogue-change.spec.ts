/**
 * The catalogue changes every day: products come and go between model builds. The example shop
 * (public/examples/shop/) publishes a second build, made the way a merchant makes it — its feed
 * with every 10th product removed and as many new products added, run through the real
 * `build:model` CLI (the removed products' events are then skipped as unknown) — and a returning
 * shopper who viewed a removed product sees lists without it, For you still personal, the new
 * products placed by their text, and their history whole in "Your data". Only the second build's
 * changed files are downloaded: files named by their hash that both builds share stay in Cache
 * Storage. The privacy guard of `fixtures.ts` applies.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Route } from '@playwright/test';
import type { ExportedData, Surface } from '../src/shared/protocol';
import { expect, test } from './fixtures';
import { YourDataPanel } from './pages/storefront';
import { WidgetPage } from './pages/widget';

const SHOP = '/examples/shop/';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PUBLISHED = join(ROOT, 'public/examples/shop');

/** The published feed: header and product rows (tab-separated, one product a row). */
const [HEADER, ...ROWS] = readFileSync(join(PUBLISHED, 'feed.tsv'), 'utf8').split('\n').filter((line) => line.trim() !== '');
const COLUMNS = HEADER.split('\t');
const products = ROWS.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [COLUMNS[i], v])) as Record<string, string>);

/** Every 10th product (the 5th, 15th, …) is gone from the next feed: 7 of 69. */
const REMOVED = products.filter((_, i) => i % 10 === 4).map((p) => p.id);
/**
 * As many new products, each a new edition of one still sold (the 3rd, 13th, …): a new id, a
 * title that shares most of its words, the existing product's image. Nobody has bought them yet,
 * so the build places them by their text.
 */
const ADDED: Record<string, string>[] = products.filter((_, i) => i % 10 === 2).map((p) => ({
  ...p,
  id: `HB-2${p.id.slice(3)}`,
  title: `${p.title}, Limited Edition`,
  link: `/examples/shop/product.html?id=HB-2${p.id.slice(3)}`,
  item_group_id: '',
}));

/** The shopper's first visit: two knives the shop keeps, and one it drops. */
const DROPPED_VIEW = REMOVED[0]; // HB-0005, Utility Knife
const VIEWED = [products[0].id, DROPPED_VIEW, products[1].id];
const KEPT_VIEWS = VIEWED.filter((id) => id !== DROPPED_VIEW);

interface Manifest {
  version: string;
  createdAt: string;
  files: Record<string, { path: string; sha256: string }>;
  shards: { files: { path: string; sha256: string }[] };
}
const filesOf = (m: Manifest) => [...Object.values(m.files), ...m.shards.files].map((f) => f.path);

let work: string;
let second: string;

test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'shelfwise-catalogue-change-'));
  // The folder is named `shop` like the published one, so the version keeps its name.
  second = join(work, 'shop');
  mkdirSync(second);
  const feed = join(work, 'feed.tsv');
  const rows = [...products.filter((p) => !REMOVED.includes(p.id)), ...ADDED].map((p) => COLUMNS.map((c) => p[c] ?? '').join('\t'));
  writeFileSync(feed, `${[HEADER, ...rows].join('\n')}\n`);
  execFileSync(
    process.execPath,
    ['node_modules/tsx/dist/cli.mjs', 'scripts/build-model.ts', '--products', feed, '--events', join(PUBLISHED, 'events.csv'), '--out', second, '--dim', '16', '--sequence-epochs', '0'],
    { cwd: ROOT, stdio: 'pipe' },
  );
});

test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the catalogue changes: a second build drops 10% of products and adds 10%; a returning shopper never sees the dropped ones and keeps their history', async ({ page, context }) => {
  const widget = new WidgetPage(page);
  const panel = new YourDataPanel(page, page.locator('shelfwise-your-data'));
  const firstManifest = JSON.parse(readFileSync(join(PUBLISHED, 'model/manifest.json'), 'utf8')) as Manifest;
  const secondManifest = JSON.parse(readFileSync(join(second, 'model/manifest.json'), 'utf8')) as Manifest;
  const secondCatalog = JSON.parse(readFileSync(join(second, 'catalog.json'), 'utf8')) as { items: { id: string; category?: string }[] };

  /** Model files answered from the network (the page's and the worker's), by build. */
  const fetched: Record<'first' | 'second', string[]> = { first: [], second: [] };
  let build: 'first' | 'second' = 'first';
  context.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith(`${SHOP}model/`)) fetched[build].push(path.slice(`${SHOP}model/`.length));
  });

  /** Every carousel on the page: its item ids. */
  const carouselIds = async () => {
    const hosts = await page.locator('shelfwise-carousel').evaluateAll((els) => els.map((el) => el.getAttribute('surface') ?? ''));
    expect(hosts.length).toBeGreaterThan(0);
    const lists: Record<string, string[]> = {};
    for (const surface of hosts) lists[surface] = await widget.carousel(surface as Surface).itemIds();
    return lists;
  };
  const dropped = (lists: Record<string, string[]>) => Object.entries(lists).flatMap(([s, ids]) => ids.filter((id) => REMOVED.includes(id)).map((id) => `${s}: ${id}`));

  await test.step('the second build, made by the CLI from the changed feed, has the new products and not the dropped ones', () => {
    const ids = new Set(secondCatalog.items.map((it) => it.id));
    expect(REMOVED).toHaveLength(7);
    expect(REMOVED.filter((id) => ids.has(id))).toEqual([]);
    expect(ADDED.map((p) => p.id).filter((id) => !ids.has(id))).toEqual([]);
    expect(secondCatalog.items).toHaveLength(products.length);
    // A new model: its item ids differ (version and date may not, with SOURCE_DATE_EPOCH fixed).
    expect(secondManifest.files.itemIds.sha256).not.toBe(firstManifest.files.itemIds.sha256);
  });

  await test.step(`first build: the shopper views ${VIEWED.join(', ')} (${DROPPED_VIEW} is dropped tomorrow)`, async () => {
    await widget.open(SHOP);
    await widget.whenCarouselsShown(['for-you', 'trending']);
    for (const [n, id] of VIEWED.entries()) {
      await page.goto(`${SHOP}product.html?id=${id}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(products.find((p) => p.id === id)!.title);
      await expect(widget.carousel('because-you-viewed').cards.first()).toBeVisible();
      await expect.poll(() => widget.eventCount()).toBe(n + 1);
    }
    expect((await widget.recommend('recently-viewed')).items.map((it) => it.id)).toEqual([...VIEWED].reverse());
    // With a history the embeddings come too; every file of the build is kept in Cache Storage
    // (in the background) for the next visit.
    const kept = () => page.evaluate(async () => (await (await caches.open('shelfwise-assets-v1')).keys()).map((r) => new URL(r.url).pathname));
    await expect.poll(async () => {
      const inCache = await kept();
      return filesOf(firstManifest).filter((f) => !inCache.includes(`${SHOP}model/${f}`));
    }).toEqual([]);
  });

  await test.step('the shop publishes the second build (catalogue and model folder)', async () => {
    const serve = (dir: string) => async (route: Route) => {
      const file = join(dir, new URL(route.request().url()).pathname.split('/').pop()!);
      if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      return route.fulfill({ status: 200, body: readFileSync(file), contentType: type, headers: { 'cache-control': 'no-cache' } });
    };
    await context.route(`**${SHOP}catalog.json`, serve(second));
    await context.route(`**${SHOP}model/**`, serve(join(second, 'model')));
    build = 'second';
  });

  await test.step('the shopper returns: no dropped product on home, For you still personal, the new build in use', async () => {
    await page.goto(SHOP);
    await widget.whenCarouselsShown(['for-you', 'trending']);
    // The shop's own range is the new feed's.
    await expect(widget.product(ADDED[0].id)).toBeVisible();
    for (const id of REMOVED) await expect(widget.product(id)).toHaveCount(0);
    await expect(widget.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    const lists = await carouselIds();
    expect(Object.keys(lists).sort()).toEqual(['for-you', 'trending']);
    expect(dropped(lists)).toEqual([]);
    const forYou = await widget.recommend('for-you', { limit: 24 });
    expect(forYou.personal).toBe(true);
    expect(forYou.items.filter((it) => REMOVED.includes(it.id))).toEqual([]);
    // Recently viewed: the history's products the shop still sells, newest first.
    expect((await widget.recommend('recently-viewed')).items.map((it) => it.id)).toEqual([...KEPT_VIEWS].reverse());
    const status = await widget.status();
    expect(status.modelLoaded).toBe(true);
    expect(status.errors).toEqual([]);
    expect(status.eventCount).toBe(VIEWED.length);
    // The status has no model version: the new build is in use when its own files were read
    // (their names carry their hash) and its new products can be recommended from.
    expect(fetched.second).toContain(secondManifest.files.itemIds.path);
    const placed = await widget.recommend('because-you-viewed', { item: ADDED[0].id, limit: 6 });
    expect(placed.error).toBeUndefined();
    const category = (id: string) => secondCatalog.items.find((it) => it.id === id)?.category;
    // Placed by its text: a new knife's neighbours are mostly knives.
    expect(placed.items.filter((it) => category(it.id) === category(ADDED[0].id)).length).toBeGreaterThanOrEqual(placed.items.length / 2);
  });

  await test.step(`a product page the shopper viewed (${KEPT_VIEWS[0]}): Because you viewed and Goes well with show no dropped product`, async () => {
    await page.goto(`${SHOP}product.html?id=${KEPT_VIEWS[0]}`);
    await widget.whenCarouselsShown(['because-you-viewed', 'bought-together']);
    const lists = await carouselIds();
    expect(Object.keys(lists).sort()).toEqual(['because-you-viewed', 'bought-together']);
    expect(dropped(lists)).toEqual([]);
    await expect.poll(() => widget.eventCount()).toBe(VIEWED.length + 1);
  });

  await test.step(`the dropped product's own page (${DROPPED_VIEW}) is the shop's "No such product", with no error`, async () => {
    await page.goto(`${SHOP}product.html?id=${DROPPED_VIEW}`);
    await expect(page.getByRole('heading', { name: 'No such product' })).toBeVisible();
    await widget.whenIdle();
    expect(await widget.eventCount()).toBe(VIEWED.length + 1);
  });

  await test.step('"Your data" still lists the dropped product\'s view, and the export holds it', async () => {
    await expect(panel.recentEvents.filter({ hasText: DROPPED_VIEW })).toHaveCount(1);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.exportButton.click()]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as ExportedData;
    expect(exported.events.map((e) => (e.type === 'search' ? e.query : e.itemId))).toEqual([...VIEWED, KEPT_VIEWS[0]]);
  });

  await test.step('only the changed files of the second build were downloaded', () => {
    const shared = filesOf(firstManifest).filter((f) => filesOf(secondManifest).includes(f));
    const again = [...new Set(fetched.second)].filter((f) => shared.includes(f));
    const changed = [...new Set(fetched.second)].filter((f) => f !== 'manifest.json');
    const bytes = changed.reduce((sum, f) => sum + statSync(join(second, 'model', f)).size, 0);
    const figure = `second build: ${changed.length} model files downloaded (${changed.join(', ')}; ${bytes} bytes) + manifest ` +
      `(${statSync(join(second, 'model/manifest.json')).size} bytes) + catalog.json (${statSync(join(second, 'catalog.json')).size} bytes); ` +
      `${shared.length} files unchanged between the builds${shared.length ? ` (${shared.join(', ')})` : ''}, ${again.length} of them fetched again`;
    test.info().annotations.push({ type: 'downloads', description: figure });
    console.log(figure);
    expect(again, 'files both builds share, fetched again').toEqual([]);
    // Each changed file once: the worker asks for each just once (with routes on there is no HTTP cache).
    expect(fetched.second.filter((f) => f !== 'manifest.json')).toHaveLength(changed.length);
  });
});
