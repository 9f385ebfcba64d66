import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NODE_WASM_DIR } from '../../scripts/lib/node-wasm';
import { createEngine, type Engine } from '../../src/engine/engine';
import { groupOf, mapFetcher, modelFileUrl, syntheticCatalog, syntheticModelFiles } from '../helpers/synthetic-model';
import type { RecommendationList } from '../../src/shared/protocol';

const BASE = 'http://test.local/';
const config = { catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json' } as const;

beforeEach(() => {
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
});

async function started(files = syntheticModelFiles(BASE), backend: 'cpu' | 'wasm' = 'cpu', dbName = 'shelfwise') {
  const fetcher = mapFetcher(files);
  const engine = createEngine({ fetchBytes: fetcher.fetchBytes, baseUrl: BASE, wasmPaths: NODE_WASM_DIR, dbName });
  await engine.init({ ...config, backend });
  await engine.whenIdle(); // the tfjs backend starts in the background
  return { engine, status: engine.status(), fetcher };
}

async function viewAll(engine: Engine, ids: string[]) {
  for (const id of ids) await engine.recordEvent({ type: 'view', itemId: id });
  await engine.whenIdle();
}

describe('engine on the synthetic checkerboard', () => {
  it('starts with the model, the forced backend and no errors', async () => {
    const { status } = await started();
    expect(status.errors).toEqual([]);
    expect(status.modelLoaded).toBe(true);
    expect(status.backend).toBe('cpu');
    expect(status.backendReason).toMatch(/forced/);
    expect(status.phase).toBe('ready');
  });

  it('answers before the backend has started (plain-JS CF), and the same once it has', async () => {
    const { fetchBytes } = mapFetcher(syntheticModelFiles(BASE));
    const engine = createEngine({ fetchBytes, baseUrl: BASE, dbName: 'early' });
    await engine.init({ ...config, backend: 'cpu' });
    await engine.recordEvent({ type: 'view', itemId: 'it-3' });
    const early = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(early.personal).toBe(true);
    await engine.whenIdle();
    expect(engine.status().backend).toBe('cpu');
    const late = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(late.items.map((it) => it.id)).toEqual(early.items.map((it) => it.id));
  });

  it('with deferBackend, embeddings and TensorFlow.js wait for the page to ask, even after an event', async () => {
    const { fetchBytes, requested } = mapFetcher(syntheticModelFiles(BASE));
    const engine = createEngine({ fetchBytes, baseUrl: BASE, dbName: 'deferred' });
    await engine.init({ ...config, deferBackend: true });
    await engine.whenIdle();
    expect(engine.status().backend).toBeUndefined();
    expect((await engine.recommend({ surface: 'trending', k: 3 })).items).toHaveLength(3);
    // A product page records its view before its first carousel is on screen.
    await engine.recordEvent({ type: 'view', itemId: 'it-1' });
    await engine.whenIdle();
    expect(requested.some((u) => /embeddings/.test(u))).toBe(false);
    expect(engine.status().backend).toBeUndefined();
    const byNeighbours = await engine.recommend({ surface: 'for-you', k: 3 });
    expect(byNeighbours.personal).toBe(true);
    // The page's first carousel is on screen: the embeddings come, then the backend learns.
    engine.startLearningBackend();
    await engine.whenIdle();
    expect(requested.some((u) => /embeddings/.test(u))).toBe(true);
    expect(engine.status().backend).toBeDefined();
    // From then on an event starts nothing new, and is learned at once.
    await engine.recordEvent({ type: 'view', itemId: 'it-2' });
    await engine.whenIdle();
    expect((await engine.recommend({ surface: 'for-you', k: 3 })).personal).toBe(true);
  });

  it('with deferBackend and no history, asking for the backend fetches no embeddings; a named backend runs anyway', async () => {
    const blank = mapFetcher(syntheticModelFiles(BASE));
    const engine = createEngine({ fetchBytes: blank.fetchBytes, baseUrl: BASE, dbName: 'deferred-blank' });
    await engine.init({ ...config, deferBackend: true });
    engine.startLearningBackend();
    await engine.whenIdle();
    expect(engine.status().backend).toBeUndefined();
    expect(blank.requested.some((u) => /embeddings/.test(u))).toBe(false);

    // `?backend=` (QA): that backend runs without being asked, history or not.
    const named = mapFetcher(syntheticModelFiles(BASE));
    const qa = createEngine({ fetchBytes: named.fetchBytes, baseUrl: BASE, dbName: 'deferred-named' });
    await qa.init({ ...config, backend: 'cpu', deferBackend: true });
    await qa.whenIdle();
    expect(qa.status().backend).toBe('cpu');
    expect(named.requested.some((u) => /embeddings/.test(u))).toBe(true);
  });

  it('a returning shopper gets the lists of their last visit before the catalogue is in, for the same history only', async () => {
    const files = syntheticModelFiles(BASE);
    const first = await started(files, 'cpu', 'returning');
    await viewAll(first.engine, ['it-1', 'it-2', 'it-3']);
    const last = await first.engine.recommend({ surface: 'for-you', k: 6 });
    expect(last.personal).toBe(true);
    await first.engine.whenIdle(); // the kept lists are written

    /** A next visit whose catalogue (and, with `manifestToo`, manifest) arrives only when released. */
    const visit = ({ manifestToo = false } = {}) => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const { fetchBytes } = mapFetcher(files);
      const holds = (url: string) => url.endsWith('catalog.json') || (manifestToo && url.endsWith('manifest.json'));
      const slow = (url: string) => (holds(url) ? held.then(() => fetchBytes(url)) : fetchBytes(url));
      const engine = createEngine({ fetchBytes: slow, baseUrl: BASE, dbName: 'returning' });
      void engine.init({ ...config, deferBackend: true });
      return { engine, release };
    };
    const settledWithin = async <T>(p: Promise<T>, ms = 50) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

    const second = visit();
    // The kept list may be one computed again when the tfjs backend took over from the plain-JS
    // model: the same items and reasons, scores equal but for the last float digits.
    const rounded = (l: RecommendationList) => ({ ...l, items: l.items.map((it) => ({ ...it, score: Number(it.score.toFixed(5)) })) });
    expect(rounded(await second.engine.recommend({ surface: 'for-you', k: 6 }))).toEqual(rounded(last));
    // Lists not kept (another size, an anchor) wait for the catalogue.
    const other = second.engine.recommend({ surface: 'for-you', k: 4 });
    const anchored = second.engine.recommend({ surface: 'because-you-viewed', itemId: 'it-1', k: 6 });
    expect(await settledWithin(other)).toBe(false);
    expect(await settledWithin(anchored)).toBe(false);
    second.release();
    expect((await other).items.map((it) => it.id)).toEqual(last.items.slice(0, 4).map((it) => it.id));
    expect((await anchored).items).toHaveLength(6);
    await second.engine.whenIdle();
    expect((await second.engine.recommend({ surface: 'for-you', k: 6 })).items.map((it) => it.id)).toEqual(last.items.map((it) => it.id));

    // Before the manifest has come, the history alone decides.
    const early = visit({ manifestToo: true });
    // (kept by the second visit, whose plain-JS scores differ from the first's in the last digits)
    const shown = await early.engine.recommend({ surface: 'for-you', k: 6 });
    expect(shown.personal).toBe(true);
    expect(shown.items.map((it) => [it.id, it.reason])).toEqual(last.items.map((it) => [it.id, it.reason]));
    early.release();
    await early.engine.whenIdle();

    // A new model version: once its manifest is in, the kept lists are not used.
    const manifestUrl = `${BASE}model/manifest.json`;
    const published = JSON.parse(new TextDecoder().decode(files.get(manifestUrl)!)) as { version: string };
    published.version = `${published.version}-next`;
    const withNext = new Map(files).set(manifestUrl, new TextEncoder().encode(JSON.stringify(published)).buffer as ArrayBuffer);
    const next = createEngine({
      fetchBytes: (url: string) => (url.endsWith('catalog.json') ? new Promise<ArrayBuffer>(() => undefined) : mapFetcher(withNext).fetchBytes(url)),
      baseUrl: BASE, dbName: 'returning',
    });
    void next.init({ ...config, deferBackend: true });
    await next.experiment(); // history, manifest and rules are in
    expect(await settledWithin(next.recommend({ surface: 'for-you', k: 6 }))).toBe(false);

    // One more event: the engine computes the lists asked for before it at once, so the list
    // kept for the new history is the one the next visit gets before its catalogue is in.
    await second.engine.recordEvent({ type: 'view', itemId: 'it-11' });
    await second.engine.whenIdle();
    const fresh = await second.engine.recommend({ surface: 'for-you', k: 6 });
    expect(fresh.items.map((it) => it.id)).not.toEqual(last.items.map((it) => it.id));
    const third = visit();
    expect(await third.engine.recommend({ surface: 'for-you', k: 6 })).toEqual(fresh);
    third.release();
    await third.engine.whenIdle();
  });

  it('a product page\'s anchor has its neighbour shard fetched beside the catalogue, not after it', async () => {
    const { fetchBytes, requested } = mapFetcher(syntheticModelFiles(BASE));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = (url: string) => (url.endsWith('catalog.json') ? held.then(() => fetchBytes(url)) : fetchBytes(url));
    const engine = createEngine({ fetchBytes: slow, baseUrl: BASE, dbName: 'anchor' });
    void engine.init({ ...config, deferBackend: true });
    const list = engine.recommend({ surface: 'because-you-viewed', itemId: 'it-1', k: 4 });
    await vi.waitFor(() => expect(requested.some((u) => /shard/.test(u))).toBe(true));
    expect(requested.some((u) => u.endsWith('catalog.json'))).toBe(false);
    release();
    expect((await list).items).toHaveLength(4);
  });

  it('a first visit straight to a product page is answered from the anchor\'s shard and card group; the catalogue and the model\'s arrays wait for the page', async () => {
    const files = syntheticModelFiles(BASE, { order: 'id-hash' });
    const { fetchBytes, requested } = mapFetcher(files);
    const engine = createEngine({ fetchBytes, baseUrl: BASE, dbName: 'product-page' });
    void engine.init({ ...config, deferBackend: true });
    const byv = engine.recommend({ surface: 'because-you-viewed', itemId: 'it-1', k: 3 });
    const together = engine.recommend({ surface: 'bought-together', itemId: 'it-1', k: 3 });
    const [product] = await engine.getItems(['it-1']);
    expect(product.title).toBe('Turbo Racing 1 Speed Cars');
    const list = await byv;
    expect(list.anchor?.id).toBe('it-1');
    // it-1's neighbours are it-2, it-3 and it-4 (the synthetic ring), named as the reason.
    expect(list.items.map((it) => it.id).sort()).toEqual(['it-2', 'it-3', 'it-4']);
    expect(list.items.every((it) => /Turbo Racing 1 Speed Cars/.test(it.reason.text))).toBe(true);
    expect((await together).items.map((it) => groupOf(it.id))).toEqual(['racing', 'racing', 'racing']);
    const fetched = requested.map((u) => u.slice(`${BASE}model/`.length).replace(/\.[0-9a-f]{12}\./, '.'));
    expect(fetched.sort()).toEqual([expect.stringMatching(/^cards-\d{4}\.json$/), 'cards-index.json', 'manifest.json', expect.stringMatching(/^shard-\d{3}\.bin$/)]);
    // The page's first carousel is on screen: now the catalogue, and the full lists replace these.
    engine.startLearningBackend();
    await engine.whenLoaded();
    expect(requested.some((u) => u.endsWith('catalog.json'))).toBe(true);
    const later = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-1', k: 3 });
    expect(later.items.map((it) => groupOf(it.id))).toEqual(['racing', 'racing', 'racing']);
    // The shard the product page read is not fetched again for the full lists.
    expect(requested.filter((u) => /shard-/.test(u))).toHaveLength(new Set(requested.filter((u) => /shard-/.test(u))).size);
  });

  it('a product page whose card group fails its checksum says so and waits for the catalogue', async () => {
    const files = syntheticModelFiles(BASE, { order: 'id-hash' });
    for (const [url, bytes] of files) if (/\/cards-\d{4}\./.test(url)) new Uint8Array(bytes)[2] ^= 1;
    const { fetchBytes } = mapFetcher(files);
    const engine = createEngine({ fetchBytes, baseUrl: BASE, dbName: 'bad-cards' });
    void engine.init({ ...config, deferBackend: true });
    const list = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-12', k: 3 });
    expect(list.items.map((it) => groupOf(it.id))).toEqual(['puzzle', 'puzzle', 'puzzle']);
    expect(engine.status().errors.join(' ')).toMatch(/anchor cards \d+ failed its checksum.*waits for the catalogue/);
  });

  it('a catalogue item the model has never seen can be recommended, through its text', async () => {
    const files = syntheticModelFiles(BASE);
    const catalog = syntheticCatalog();
    catalog.items.push({ id: 'new-1', title: 'Turbo Racing Speed Cars Deluxe', category: 'Racing' });
    files.set(`${BASE}catalog.json`, new TextEncoder().encode(JSON.stringify(catalog)).buffer);
    const { engine } = await started(files);
    await viewAll(engine, ['it-1', 'it-2', 'it-3', 'it-4']);
    const list = await engine.recommend({ surface: 'for-you', k: 8 });
    expect(list.items.map((it) => it.id)).toContain('new-1');
    const puzzle = await started(files, 'cpu', 'puzzle-fan');
    await viewAll(puzzle.engine, ['it-11', 'it-12', 'it-13', 'it-14']);
    expect((await puzzle.engine.recommend({ surface: 'for-you', k: 8 })).items.map((it) => it.id)).not.toContain('new-1');
  });

  it('variants of one product: one card per group, never another variant of what the shopper is looking at; cards carry image and price', async () => {
    const files = syntheticModelFiles(BASE);
    const catalog = syntheticCatalog();
    // it-5..it-9 are variants of one racing product; it-5 has an image and a sale price.
    for (let i = 5; i < 10; i++) catalog.items[i].group = 'racer';
    Object.assign(catalog.items[5], { image: 'https://shop.example/5.jpg', price: { amount: 20, currency: 'EUR' }, salePrice: { amount: 15, currency: 'EUR' } });
    files.set(`${BASE}catalog.json`, new TextEncoder().encode(JSON.stringify(catalog)).buffer);
    const { engine } = await started(files);
    const trending = await engine.recommend({ surface: 'trending', k: 20 });
    expect(trending.items.filter((it) => Number(it.id.split('-')[1]) >= 5 && Number(it.id.split('-')[1]) < 10)).toHaveLength(1);
    await viewAll(engine, ['it-1', 'it-6']);
    const forYou = await engine.recommend({ surface: 'for-you', k: 8 });
    expect(forYou.items.length).toBeGreaterThan(0);
    expect(forYou.items.map((it) => it.id).filter((id) => catalog.items.find((c) => c.id === id)?.group === 'racer')).toEqual([]);
    const byv = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-7', k: 8 });
    expect(byv.items.some((it) => ['it-5', 'it-6', 'it-8', 'it-9'].includes(it.id))).toBe(false);
    const other = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-2', k: 12 });
    expect(other.items.filter((it) => ['it-5', 'it-6', 'it-7', 'it-8', 'it-9'].includes(it.id)).length).toBeLessThanOrEqual(1);
    await viewAll(engine, ['it-5']);
    const card = (await engine.recommend({ surface: 'recently-viewed', k: 3 })).items[0];
    expect(card.id).toBe('it-5');
    expect(card.image).toBe('https://shop.example/5.jpg');
    expect(card.salePrice).toEqual({ amount: 15, currency: 'EUR' });
    expect('group' in card).toBe(false);
  });

  it('pausing personalisation records nothing and serves non-personal lists, across restarts, until resumed', async () => {
    const first = await started(undefined, 'cpu', 'paused');
    await viewAll(first.engine, ['it-1', 'it-2']);
    await first.engine.setPaused(true);
    expect(await first.engine.recordEvent({ type: 'view', itemId: 'it-3' })).toBe(false);
    expect(first.engine.eventCount()).toBe(2);
    expect((await first.engine.recommend({ surface: 'for-you' })).personal).toBe(false);
    expect((await first.engine.recommend({ surface: 'recently-viewed' })).items).toEqual([]);
    const second = await started(undefined, 'cpu', 'paused');
    expect(second.status.paused).toBe(true);
    await second.engine.eraseData();
    expect(second.engine.status().paused).toBe(true);
    await second.engine.setPaused(false);
    expect(await second.engine.recordEvent({ type: 'view', itemId: 'it-3' })).toBe(true);
    await second.engine.whenIdle();
    expect((await second.engine.recommend({ surface: 'for-you' })).personal).toBe(true);
  });

  it('two tabs recording at once lose nothing and converge on the same recommendations', async () => {
    const a = await started(undefined, 'cpu', 'two-tabs');
    const b = await started(undefined, 'cpu', 'two-tabs');
    await Promise.all([
      ...['it-1', 'it-2', 'it-3'].map((id) => a.engine.recordEvent({ type: 'view', itemId: id })),
      ...['it-4', 'it-11'].map((id) => b.engine.recordEvent({ type: 'view', itemId: id })),
    ]);
    // The other tab hears of each change over a BroadcastChannel; wait (bounded) for both to settle.
    for (let i = 0; i < 100 && (a.engine.eventCount() < 5 || b.engine.eventCount() < 5); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all([a.engine.whenIdle(), b.engine.whenIdle()]);
    expect(a.engine.eventCount()).toBe(5);
    expect(b.engine.eventCount()).toBe(5);
    expect((await a.engine.exportData()).events).toHaveLength(5);
    const [la, lb] = await Promise.all([a.engine.recommend({ surface: 'for-you', k: 6 }), b.engine.recommend({ surface: 'for-you', k: 6 })]);
    expect(lb.items.map((it) => it.id)).toEqual(la.items.map((it) => it.id));
    // An erase in one tab empties the other too.
    await a.engine.eraseData();
    for (let i = 0; i < 100 && b.engine.eventCount() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(b.engine.eventCount()).toBe(0);
  });

  it('an event recorded while the tab re-reads the store (another tab changed it) stays in memory', async () => {
    const { engine } = await started(undefined, 'cpu', 're-read');
    await engine.recordEvent({ type: 'view', itemId: 'it-1' });
    await engine.whenIdle();
    // The re-read's snapshot is taken before the shopper's next event is stored (seen in Firefox).
    const internals = engine as unknown as { log: { all(): Promise<unknown[]> }; reloadFromStore(): Promise<void> };
    const all = internals.log.all.bind(internals.log);
    let reads = 0;
    internals.log.all = async () => {
      const rows = await all();
      if (reads++ === 0) await engine.recordEvent({ type: 'view', itemId: 'it-2' });
      return rows;
    };
    await internals.reloadFromStore();
    await engine.whenIdle();
    expect(engine.eventCount()).toBe(2);
    expect((await engine.recommend({ surface: 'recently-viewed', k: 5 })).items.map((it) => it.id)).toEqual(['it-2', 'it-1']);
  });

  it('a new visitor gets non-personal trending lists', async () => {
    const { engine } = await started();
    const trending = await engine.recommend({ surface: 'trending', k: 5 });
    expect(trending.personal).toBe(false);
    expect(trending.items).toHaveLength(5);
    expect(trending.items.every((it) => it.reason.kind === 'trending')).toBe(true);
    const scores = trending.items.map((it) => it.score);
    // Diversity may reorder the rest, never the most popular item.
    expect(scores[0]).toBe(Math.max(...scores));
    const forYou = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(forYou.personal).toBe(false);
  });

  it('learns a taste: views of racing items make For you racing, and the reasons name viewed items', async () => {
    const { engine } = await started();
    await viewAll(engine, ['it-1', 'it-2', 'it-3']);
    const list = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(list.personal).toBe(true);
    expect(list.items.map((it) => groupOf(it.id))).toEqual(new Array(5).fill('racing'));
    const viewed = new Set(['it-1', 'it-2', 'it-3']);
    for (const it of list.items) {
      expect(viewed.has(it.id)).toBe(false); // already seen items are not re-recommended
      if (it.reason.sourceItemId) expect(viewed.has(it.reason.sourceItemId)).toBe(true);
    }
    // The taste moves when the shopper does.
    await viewAll(engine, ['it-11', 'it-12', 'it-13', 'it-14', 'it-15', 'it-16']);
    const after = await engine.recommend({ surface: 'for-you', k: 3 });
    expect(after.items.map((it) => groupOf(it.id))).toEqual(['puzzle', 'puzzle', 'puzzle']);
  });

  it('item-anchored surfaces stay with the anchor and exclude it', async () => {
    const { engine } = await started();
    const byv = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-12', k: 4 });
    expect(byv.anchor?.id).toBe('it-12');
    expect(byv.items.map((it) => it.id)).not.toContain('it-12');
    expect(byv.items.every((it) => groupOf(it.id) === 'puzzle')).toBe(true);
    const bt = await engine.recommend({ surface: 'bought-together', cartItemIds: ['it-4'], k: 3 });
    expect(bt.items.every((it) => groupOf(it.id) === 'racing')).toBe(true);
    expect(bt.items[0].reason.kind).toBe('bought-with');
    expect(bt.items[0].reason.sourceItemId).toBe('it-4');
  });

  it('recently viewed lists distinct items newest first', async () => {
    const { engine } = await started();
    await viewAll(engine, ['it-1', 'it-2', 'it-1', 'it-5']);
    const list = await engine.recommend({ surface: 'recently-viewed', k: 10 });
    expect(list.items.map((it) => it.id)).toEqual(['it-5', 'it-1', 'it-2']);
  });

  it('history survives a restart (same database) and is folded in again', async () => {
    const first = await started();
    await viewAll(first.engine, ['it-11', 'it-12']);
    const before = (await first.engine.recommend({ surface: 'for-you', k: 5 })).items.map((it) => it.id);
    const second = await started();
    expect(second.status.eventCount).toBe(2);
    const after = (await second.engine.recommend({ surface: 'for-you', k: 5 })).items.map((it) => it.id);
    expect(after).toEqual(before);
  });

  it('rejects an event for an unknown item, storing nothing', async () => {
    const { engine } = await started();
    await expect(engine.recordEvent({ type: 'view', itemId: 'nope' })).rejects.toThrow(/Unknown item "nope"/);
    // @ts-expect-error a malformed event from an untyped caller
    await expect(engine.recordEvent({ type: 'like', itemId: 'it-1' })).rejects.toThrow(/type must be one of/);
    expect(engine.eventCount()).toBe(0);
    expect((await engine.exportData()).events).toEqual([]);
  });

  it('a corrupt model file is refused by checksum: non-personal lists, a clear error, no lost events', async () => {
    const good = await started();
    await viewAll(good.engine, ['it-1']);
    const files = syntheticModelFiles(BASE);
    const gram = new Uint8Array(files.get(modelFileUrl(files, 'gram', BASE))!);
    gram[0] ^= 0xff;
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { engine, status } = await started(files);
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/\[shelfwise\] .*gram.*failed its checksum/));
    consoleError.mockRestore();
    expect(status.modelLoaded).toBe(false);
    expect(status.errors.join(' ')).toMatch(/checksum/);
    expect(status.eventCount).toBe(1);
    expect((await engine.recommend({ surface: 'trending', k: 3 })).items).toHaveLength(3);
    expect((await engine.recommend({ surface: 'for-you', k: 3 })).items.length).toBeGreaterThan(0);
  });

  it('a malformed catalogue is a clear error, not a crash', async () => {
    const files = syntheticModelFiles(BASE);
    files.set(`${BASE}catalog.json`, new TextEncoder().encode('{"format":"shelfwise-catalog","items":[{"id":"a"}]}').buffer);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { engine, status } = await started(files);
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/Catalogue could not be loaded/));
    consoleError.mockRestore();
    expect(status.phase).toBe('error');
    expect(status.errors.join(' ')).toMatch(/Catalogue could not be loaded: .*no "title"/);
    expect((await engine.recommend({ surface: 'trending' })).items).toEqual([]);
  });

  it('only ever fetches the catalogue and the model files', async () => {
    const { engine, fetcher } = await started();
    await viewAll(engine, ['it-1', 'it-2']);
    await engine.recommend({ surface: 'for-you' });
    for (const url of fetcher.requested) expect(url).toMatch(/^http:\/\/test\.local\/(catalog\.json|model\/[\w.-]+)$/);
  });

  it('erase drops everything back to non-personal', async () => {
    const { engine } = await started();
    await viewAll(engine, ['it-1', 'it-2']);
    await engine.eraseData();
    expect(engine.eventCount()).toBe(0);
    expect((await engine.recommend({ surface: 'for-you' })).personal).toBe(false);
    expect((await engine.exportData()).events).toEqual([]);
  });

  it('the wasm backend gives the same For you list as the cpu backend', async () => {
    const cpu = await started(undefined, 'cpu', 'db-cpu');
    await viewAll(cpu.engine, ['it-1', 'it-14', 'it-2']);
    const a = await cpu.engine.recommend({ surface: 'for-you', k: 8 });
    const wasm = await started(undefined, 'wasm', 'db-wasm');
    expect(wasm.status.backend).toBe('wasm');
    await viewAll(wasm.engine, ['it-1', 'it-14', 'it-2']);
    const b = await wasm.engine.recommend({ surface: 'for-you', k: 8 });
    expect(b.items.map((it) => it.id)).toEqual(a.items.map((it) => it.id));
    b.items.forEach((it, i) => expect(it.score).toBeCloseTo(a.items[i].score, 3));
    await tf.setBackend('cpu');
  });
});

describe('interests', () => {
  it('two kinds of history make two interests; removing one takes its items out of For you, and is kept', async () => {
    const { engine } = await started();
    await viewAll(engine, ['it-1', 'it-2', 'it-3', 'it-4', 'it-11', 'it-12']);
    const interests = await engine.interests();
    expect(interests).toHaveLength(2);
    const groups = interests.map((it) => new Set(it.items.map((i) => groupOf(i.id))));
    expect(groups.every((g) => g.size === 1)).toBe(true);
    expect(interests[0].share).toBeGreaterThan(interests[1].share); // 4 racing views against 2 puzzle
    expect(interests[0].share + interests[1].share).toBeCloseTo(1, 5);

    const more = await engine.recommend({ surface: 'interest', interest: interests[1].key, k: 4 });
    expect(more.interest).toEqual({ key: interests[1].key, name: interests[1].name });
    expect(more.items.map((i) => groupOf(i.id))).toEqual(new Array(4).fill('puzzle'));
    for (const it of more.items) expect([`Matches your interest in ${interests[1].name}`, `Trending in ${interests[1].name}`]).toContain(it.reason.text);

    const before = await engine.recommend({ surface: 'for-you', k: 10 });
    expect(new Set(before.items.map((i) => groupOf(i.id)))).toEqual(new Set(['racing', 'puzzle']));
    const puzzle = interests.find((it) => groupOf(it.items[0].id) === 'puzzle')!;
    expect(await engine.removeInterest(puzzle.key)).toBe(true);
    expect(await engine.removeInterest('no-such-interest')).toBe(false);
    const after = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(after.items.map((i) => groupOf(i.id))).toEqual(new Array(5).fill('racing'));
    expect((await engine.interests()).map((i) => i.key)).toEqual([interests.find((i) => i !== puzzle)!.key]);
    expect(engine.eventCount()).toBe(6); // the events themselves stay until erased

    // Kept across a restart (same database), and in an export; a new view of the kind counts again.
    const { engine: again } = await started();
    expect((await again.interests()).map((i) => i.key)).not.toContain(puzzle.key);
    expect(Object.keys((await again.exportData()).settings.removedInterestItems)).toEqual(expect.arrayContaining(['it-11', 'it-12']));
    await viewAll(again, ['it-13', 'it-14']);
    expect((await again.interests()).length).toBe(2);
  });
});

describe('the catalogue changes between builds', () => {
  /** A racing game the model has never seen: only its text can place it. */
  const NEW_ITEM = { id: 'new-1', title: 'Turbo Racing Speed Cars Deluxe', category: 'Racing' };
  const SURFACES_WITHOUT_ANCHOR = ['for-you', 'trending', 'recently-viewed'] as const;

  /** The next day's files: the same model, a catalogue without `removed` and with NEW_ITEM. */
  function nextDay(removed: string[], files = syntheticModelFiles(BASE)): Map<string, ArrayBuffer> {
    const catalog = syntheticCatalog();
    catalog.items = catalog.items.filter((it) => !removed.includes(it.id));
    catalog.items.push(NEW_ITEM);
    return new Map(files).set(`${BASE}catalog.json`, new TextEncoder().encode(JSON.stringify(catalog)).buffer as ArrayBuffer);
  }

  /** Every list a shopper can be shown, with each anchor and interest there is. */
  async function everySurface(engine: Engine, anchors: string[]) {
    const lists = await Promise.all([
      ...SURFACES_WITHOUT_ANCHOR.map((surface) => engine.recommend({ surface, k: 30 })),
      ...anchors.flatMap((itemId) => [
        engine.recommend({ surface: 'because-you-viewed', itemId, k: 30 }),
        engine.recommend({ surface: 'bought-together', itemId, k: 30 }),
        engine.recommend({ surface: 'bought-together', cartItemIds: [itemId, 'it-2'], k: 30 }),
      ]),
      ...(await engine.interests()).map((it) => engine.recommend({ surface: 'interest', interest: it.key, k: 30 })),
    ]);
    return lists;
  }

  it('a removed item shows on no surface, its events stay in the export, a new item is recommended by its text, no error', async () => {
    const first = await started(undefined, 'cpu', 'catalogue-changes');
    await viewAll(first.engine, ['it-1', 'it-2', 'it-3']);
    await first.engine.recordEvent({ type: 'add_to_cart', itemId: 'it-2' });
    await viewAll(first.engine, ['it-4']);
    expect((await first.engine.recommend({ surface: 'recently-viewed', k: 10 })).items.map((it) => it.id)).toContain('it-2');

    // The next build's catalogue: it-2 (in the history) is gone, new-1 is new.
    const consoleError = vi.spyOn(console, 'error');
    const { engine, status } = await started(nextDay(['it-2']), 'cpu', 'catalogue-changes');
    expect(status.errors).toEqual([]);
    expect(status.eventCount).toBe(5);

    const lists = await everySurface(engine, ['it-1', 'it-4', 'it-12', 'new-1']);
    expect(lists.map((l) => l.surface)).toEqual(expect.arrayContaining(['for-you', 'trending', 'recently-viewed', 'because-you-viewed', 'bought-together', 'interest']));
    for (const list of lists) {
      expect(list.items.length, list.surface).toBeGreaterThan(0);
      expect(list.items.map((it) => it.id), list.surface).not.toContain('it-2');
      for (const it of list.items) expect(it.reason.sourceItemId, `${list.surface}: ${it.id}'s reason`).not.toBe('it-2');
    }
    expect((await engine.recommend({ surface: 'recently-viewed', k: 10 })).items.map((it) => it.id)).toEqual(['it-4', 'it-3', 'it-1']);
    for (const interest of await engine.interests()) expect(interest.items.map((it) => it.id)).not.toContain('it-2');
    expect(await engine.getItems(['it-2', 'it-1'])).toEqual([expect.objectContaining({ id: 'it-1' })]);

    // The history is the shopper's: the removed item's events stay, in order, in the export.
    const exported = await engine.exportData();
    expect(exported.events.map((e) => (e.type === 'search' ? e.query : `${e.type} ${e.itemId}`))).toEqual(['view it-1', 'view it-2', 'view it-3', 'add_to_cart it-2', 'view it-4']);
    expect((await engine.recentEvents(10)).map((e) => (e.type === 'search' ? '' : e.itemId))).toContain('it-2');
    // …but a new event for it is refused, as for any unknown item.
    await expect(engine.recordEvent({ type: 'view', itemId: 'it-2' })).rejects.toThrow(/Unknown item "it-2"/);
    await expect(engine.recommend({ surface: 'because-you-viewed', itemId: 'it-2', k: 5 })).rejects.toThrow(/known anchor/);

    // The new item: in a racing shopper's For you (placed by its text), not in a puzzle shopper's.
    // (9 racing items are left, 3 of them seen: a list of 6 can be all racing)
    const forYou = await engine.recommend({ surface: 'for-you', k: 6 });
    expect(forYou.personal).toBe(true);
    expect(forYou.items.map((it) => it.id)).toContain('new-1');
    expect(forYou.items.map((it) => groupOf(it.id === 'new-1' ? 'it-0' : it.id))).toEqual(new Array(forYou.items.length).fill('racing'));
    expect((await engine.recommend({ surface: 'because-you-viewed', itemId: 'new-1', k: 5 })).items.every((it) => groupOf(it.id) === 'racing')).toBe(true);
    const puzzle = await started(nextDay(['it-2']), 'cpu', 'catalogue-changes-puzzle');
    await viewAll(puzzle.engine, ['it-11', 'it-12', 'it-13']);
    expect((await puzzle.engine.recommend({ surface: 'for-you', k: 8 })).items.map((it) => it.id)).not.toContain('new-1');

    expect(engine.status().errors).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });

  it('a returning shopper whose kept lists hold removed items: they are not shown once the new catalogue or manifest is known', async () => {
    const files = syntheticModelFiles(BASE);
    const first = await started(files, 'cpu', 'kept-catalogue-changes');
    await viewAll(first.engine, ['it-1', 'it-2', 'it-3']);
    const forYou = await first.engine.recommend({ surface: 'for-you', k: 6 });
    const recent = await first.engine.recommend({ surface: 'recently-viewed', k: 10 });
    await first.engine.whenIdle(); // the kept lists are written
    // Gone tomorrow: an item of the history (kept in Recently viewed) and the top of the kept For you.
    const removed = ['it-2', forYou.items[0].id];
    expect(recent.items.map((it) => it.id)).toContain('it-2');
    const next = nextDay(removed, files);
    const shows = (list: { items: { id: string }[] }) => list.items.map((it) => it.id).filter((id) => removed.includes(id));
    const settledWithin = async <T>(p: Promise<T>, ms = 50) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

    // 1. The catalogue changed, the model did not (same manifest): the kept lists are served at
    //    once, but once the catalogue is in (here while the embeddings are still on their way)
    //    without the items it no longer has.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sameModel = mapFetcher(next);
    let embeddingsAsked = false;
    const engine = createEngine({
      fetchBytes: (url: string) => {
        if (!/embeddings\./.test(url)) return sameModel.fetchBytes(url);
        embeddingsAsked = true; // the catalogue is in by then
        return held.then(() => sameModel.fetchBytes(url));
      },
      baseUrl: BASE, dbName: 'kept-catalogue-changes',
    });
    void engine.init({ ...config, deferBackend: true });
    await vi.waitFor(() => expect(embeddingsAsked).toBe(true));
    const early = { forYou: engine.recommend({ surface: 'for-you', k: 6 }), recent: engine.recommend({ surface: 'recently-viewed', k: 10 }) };
    expect(await settledWithin(early.forYou)).toBe(true); // still a kept list: no waiting for the embeddings
    expect((await early.forYou).personal).toBe(true);
    expect(shows(await early.forYou)).toEqual([]);
    expect(shows(await early.recent)).toEqual([]);
    expect((await early.recent).items.map((it) => it.id)).toEqual(['it-3', 'it-1']);
    release();
    await engine.whenIdle();
    for (const surface of SURFACES_WITHOUT_ANCHOR) expect(shows(await engine.recommend({ surface, k: surface === 'recently-viewed' ? 10 : 6 }))).toEqual([]);
    expect(engine.status().errors).toEqual([]);

    // 2. A new build (new manifest version) and the new catalogue: once the manifest is in, the
    //    kept lists are not used; the lists wait for the catalogue and hold no removed item.
    const manifestUrl = `${BASE}model/manifest.json`;
    const published = JSON.parse(new TextDecoder().decode(next.get(manifestUrl)!)) as { version: string };
    published.version = `${published.version}-next`;
    const nextBuild = new Map(next).set(manifestUrl, new TextEncoder().encode(JSON.stringify(published)).buffer as ArrayBuffer);
    let releaseCatalogue!: () => void;
    const catalogueHeld = new Promise<void>((resolve) => (releaseCatalogue = resolve));
    const newModel = mapFetcher(nextBuild);
    const rebuilt = createEngine({
      fetchBytes: (url: string) => (url.endsWith('catalog.json') ? catalogueHeld.then(() => newModel.fetchBytes(url)) : newModel.fetchBytes(url)),
      baseUrl: BASE, dbName: 'kept-catalogue-changes',
    });
    void rebuilt.init({ ...config, deferBackend: true });
    await rebuilt.experiment(); // history, manifest and rules are in
    const waiting = rebuilt.recommend({ surface: 'for-you', k: 6 });
    const waitingRecent = rebuilt.recommend({ surface: 'recently-viewed', k: 10 });
    expect(await settledWithin(waiting)).toBe(false);
    releaseCatalogue();
    expect((await waiting).personal).toBe(true);
    expect(shows(await waiting)).toEqual([]);
    expect((await waitingRecent).items.map((it) => it.id)).toEqual(['it-3', 'it-1']);
    await rebuilt.whenIdle();
    expect(rebuilt.status().errors).toEqual([]);
    expect((await rebuilt.exportData()).events.map((e) => (e.type === 'search' ? '' : e.itemId))).toEqual(['it-1', 'it-2', 'it-3']);
  });

  it('a rebuild with the same version and date (SOURCE_DATE_EPOCH fixed) but other products: kept lists are not used once its manifest is in', async () => {
    const files = syntheticModelFiles(BASE);
    const first = await started(files, 'cpu', 'kept-same-version');
    await viewAll(first.engine, ['it-1', 'it-2', 'it-3']);
    const forYou = await first.engine.recommend({ surface: 'for-you', k: 6 });
    await first.engine.recommend({ surface: 'recently-viewed', k: 10 });
    await first.engine.whenIdle();
    const removed = ['it-2', forYou.items[0].id];

    // The rebuilt model: the removed products' rows now belong to new ones; same version and date.
    const itemIdsUrl = modelFileUrl(files, 'item-ids', BASE);
    const ids = JSON.parse(new TextDecoder().decode(files.get(itemIdsUrl)!)) as string[];
    const rebuiltIds = ids.map((id) => (id === removed[0] ? 'new-1' : id === removed[1] ? 'new-2' : id));
    const bytes = new TextEncoder().encode(JSON.stringify(rebuiltIds));
    const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
    const path = `item-ids.${sha256.slice(0, 12)}.json`;
    const manifestUrl = `${BASE}model/manifest.json`;
    const manifest = JSON.parse(new TextDecoder().decode(files.get(manifestUrl)!)) as { files: { itemIds: { path: string; sha256: string } } };
    manifest.files.itemIds = { ...manifest.files.itemIds, path, sha256 };
    const catalog = syntheticCatalog();
    catalog.items = catalog.items.filter((it) => !removed.includes(it.id));
    catalog.items.push({ id: 'new-1', title: 'Turbo Racing Speed Cars Deluxe', category: 'Racing' }, { id: 'new-2', title: 'Turbo Racing Speed Cars Junior', category: 'Racing' });
    const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).buffer as ArrayBuffer;
    const rebuilt = new Map(files)
      .set(`${BASE}model/${path}`, bytes.slice().buffer as ArrayBuffer)
      .set(manifestUrl, encode(manifest))
      .set(`${BASE}catalog.json`, encode(catalog));

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { fetchBytes } = mapFetcher(rebuilt);
    const engine = createEngine({
      fetchBytes: (url: string) => (url.endsWith('catalog.json') ? held.then(() => fetchBytes(url)) : fetchBytes(url)),
      baseUrl: BASE, dbName: 'kept-same-version',
    });
    void engine.init({ ...config, deferBackend: true });
    await engine.experiment(); // history, manifest and rules are in
    const list = engine.recommend({ surface: 'for-you', k: 6 });
    const recent = engine.recommend({ surface: 'recently-viewed', k: 10 });
    const settled = await Promise.race([list.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
    expect(settled).toBe(false); // a new model: the kept list waits for the catalogue
    release();
    expect((await list).items.map((it) => it.id).filter((id) => removed.includes(id))).toEqual([]);
    expect((await recent).items.map((it) => it.id)).toEqual(['it-3', 'it-1']);
    await engine.whenIdle();
    expect(engine.status().errors).toEqual([]);
  });
});
