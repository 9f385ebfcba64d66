import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/engine/engine';
import type { ShopperEvent } from '../../src/shared/protocol';
import { MemoryEventLog } from '../../src/store/event-log';
import { mapFetcher, modelFileUrl, syntheticCatalog, syntheticModelFiles } from '../helpers/synthetic-model';

/**
 * Bad input of every kind gets a clear error or a graceful fallback, and loses no stored event.
 * Each case starts from a shopper with two stored views, then breaks one thing.
 */
const BASE = 'http://test.local/';
const config = { catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json', backend: 'cpu' } as const;
const encode = (text: string) => new TextEncoder().encode(text).buffer;

beforeEach(() => {
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

async function withHistory() {
  const engine = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE)).fetchBytes, baseUrl: BASE });
  await engine.init(config);
  await engine.recordEvent({ type: 'view', itemId: 'it-1' });
  await engine.recordEvent({ type: 'view', itemId: 'it-2' });
  await engine.whenIdle();
}

async function startWith(change: (files: Map<string, ArrayBuffer>) => void) {
  await withHistory();
  const files = syntheticModelFiles(BASE);
  change(files);
  const engine = createEngine({ fetchBytes: mapFetcher(files).fetchBytes, baseUrl: BASE });
  await engine.init(config);
  await engine.whenIdle();
  return { engine, status: engine.status() };
}

const catalogueCases: [string, (files: Map<string, ArrayBuffer>) => void, RegExp][] = [
  ['not JSON', (f) => f.set(`${BASE}catalog.json`, encode('<html>oops</html>')), /Catalogue could not be loaded: .*JSON/],
  ['wrong shape', (f) => f.set(`${BASE}catalog.json`, encode('{"format":"shelfwise-catalog","items":{}}')), /"items" must be an array/],
  ['duplicate ids', (f) => {
    const c = syntheticCatalog();
    c.items[3].id = 'it-1';
    f.set(`${BASE}catalog.json`, encode(JSON.stringify(c)));
  }, /duplicate id "it-1"/],
  ['missing title', (f) => {
    const c = syntheticCatalog() as { items: { title?: string }[] };
    delete c.items[5].title;
    f.set(`${BASE}catalog.json`, encode(JSON.stringify(c)));
  }, /item "it-5" has no "title"/],
  ['missing (404)', (f) => f.delete(`${BASE}catalog.json`), /HTTP 404/],
];

describe('bad catalogues: a clear error, the stored history kept', () => {
  it.each(catalogueCases)('%s', async (_name, change, message) => {
    const { engine, status } = await startWith(change);
    expect(status.phase).toBe('error');
    expect(status.errors.join(' ')).toMatch(message);
    expect(status.eventCount).toBe(2);
    expect((await engine.exportData()).events).toHaveLength(2);
  });
});

const url = (f: Map<string, ArrayBuffer>, stem: string) => modelFileUrl(f, stem, BASE);
const truncate = (f: Map<string, ArrayBuffer>, stem: string) => f.set(url(f, stem), f.get(url(f, stem))!.slice(0, 10));
const patchManifest = (f: Map<string, ArrayBuffer>, patch: (m: Record<string, any>) => void) => {
  const m = JSON.parse(new TextDecoder().decode(f.get(`${BASE}model/manifest.json`)));
  patch(m);
  f.set(`${BASE}model/manifest.json`, encode(JSON.stringify(m)));
};

const modelCases: [string, (files: Map<string, ArrayBuffer>) => void, RegExp][] = [
  ['manifest missing', (f) => f.delete(`${BASE}model/manifest.json`), /model manifest .*HTTP 404/],
  ['manifest not JSON', (f) => f.set(`${BASE}model/manifest.json`, encode('{')), /model manifest/],
  ['a file missing', (f) => f.delete(url(f, 'gram')), /model file "gram".*HTTP 404/],
  ['checksum mismatch', (f) => new Uint8Array(f.get(url(f, 'popularity'))!)[0] ^= 1, /"popularity" failed its checksum/],
  ['truncated file', (f) => truncate(f, 'trending'), /"trending" failed its checksum/],
  ['an older model format', (f) => patchManifest(f, (m) => { delete m.formatVersion; }), /format version 1 is not supported/],
  ['wrong shapes', (f) => patchManifest(f, (m) => { m.files.gram.shape = [3, 3]; }), /"gram" has shape \[3,3\], expected \[4,4\]/],
  ['a non-finite fusion weight', (f) => patchManifest(f, (m) => { m.params.fusion.cf = 'lots'; }), /fusion weight "cf" must be a number/],
  ['bad fine-tuning settings', (f) => patchManifest(f, (m) => { m.params.sequenceFineTune = { steps: -1, lr: 0.05, l2: 0, examples: 8, budgetMs: 50 }; }), /"sequenceFineTune.steps" must be a number ≥ 0/],
];

describe('bad models: non-personal lists, a clear error, the stored history kept', () => {
  it.each(modelCases)('%s', async (_name, change, message) => {
    const { engine, status } = await startWith(change);
    expect(status.phase).toBe('ready');
    expect(status.modelLoaded).toBe(false);
    expect(status.errors.join(' ')).toMatch(message);
    expect(status.eventCount).toBe(2);
    const trending = await engine.recommend({ surface: 'trending', k: 3 });
    expect(trending.items).toHaveLength(3);
    expect((await engine.recommend({ surface: 'recently-viewed' })).items.map((it) => it.id)).toEqual(['it-2', 'it-1']);
  });
});

describe('a model part that fails: the rest serves, the reason is said, the history kept', () => {
  it('a neighbour shard that fails its checksum leaves only its rows without neighbours', async () => {
    const { engine, status } = await startWith((f) => { new Uint8Array(f.get(url(f, 'shard-000'))!)[0] ^= 1; });
    expect(status.modelLoaded).toBe(true);
    // it-1 and it-2 live in shard 0: For you still answers, and says why it lost a signal.
    const forYou = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(forYou.personal).toBe(true);
    expect(forYou.items.length).toBe(5);
    expect(engine.status().errors.join(' ')).toMatch(/neighbour shard 0 failed its checksum/);
    // A product page anchored in another shard keeps its neighbours ("bought with" reasons).
    const other = await engine.recommend({ surface: 'bought-together', itemId: 'it-12', k: 3 });
    expect(other.items.some((it) => it.reason.kind === 'bought-with')).toBe(true);
    expect((await engine.exportData()).events).toHaveLength(2);
  });

  it('a half-published version (a shard not there yet) answers every surface from what is there', async () => {
    const { engine, status } = await startWith((f) => f.delete(url(f, 'shard-002')));
    expect(status.modelLoaded).toBe(true);
    const list = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-11', k: 3 });
    expect(list.items).toHaveLength(3);
    expect(engine.status().errors.join(' ')).toMatch(/neighbour shard 2 .*HTTP 404/);
  });

  it('embeddings that fail their checksum: personal lists from the neighbour and text signals', async () => {
    const { engine, status } = await startWith((f) => { new Uint8Array(f.get(url(f, 'embeddings'))!)[3] ^= 1; });
    expect(status.modelLoaded).toBe(true);
    expect(status.errors.join(' ')).toMatch(/embeddings unavailable.*"embeddings" failed its checksum/);
    const forYou = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(forYou.personal).toBe(true);
    expect(forYou.items.every((it) => it.reason.signal !== 'cf')).toBe(true);
  });

  it('no starter list in the manifest: the first lists wait for the catalogue, nothing else changes', async () => {
    const { engine, status } = await startWith((f) => patchManifest(f, (m) => { delete m.starter; }));
    expect(status.errors).toEqual([]);
    expect((await engine.recommend({ surface: 'trending', k: 3 })).items).toHaveLength(3);
  });
});

describe('bad events', () => {
  async function ready() {
    const engine = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE)).fetchBytes, baseUrl: BASE });
    await engine.init(config);
    await engine.whenIdle();
    return engine;
  }

  it('rejects unknown ids, wrong types and huge payloads, storing nothing', async () => {
    const engine = await ready();
    const bad: unknown[] = [
      { type: 'view', itemId: 'nope' },
      { type: 'view', itemId: 'x'.repeat(100_000) },
      { type: 'view', itemId: 42 },
      { type: 'view' },
      { type: 'purchase', itemId: '' },
      { type: 'click', itemId: 'it-1' },
      { type: 'search', query: '   ' },
      null,
      'view it-1',
    ];
    for (const e of bad) await expect(engine.recordEvent(e as never)).rejects.toThrow(/Invalid|Unknown item/);
    expect(engine.eventCount()).toBe(0);
    expect((await engine.exportData()).events).toEqual([]);
  });

  it('keeps a huge search query to its first 200 characters', async () => {
    const engine = await ready();
    await engine.recordEvent({ type: 'search', query: 'zelda '.repeat(10_000) });
    const [stored] = (await engine.exportData()).events as { query: string }[];
    expect(stored.query.length).toBeLessThanOrEqual(200);
  });

  it('a flood of 10,000 events in one go loses none and ends in one learned state', async () => {
    const engine = await ready();
    const ids = Array.from({ length: 10_000 }, (_, i) => `it-${i % 20}`);
    const t0 = performance.now();
    await Promise.all(ids.map((itemId) => engine.recordEvent({ type: 'view', itemId })));
    await engine.whenIdle();
    const seconds = (performance.now() - t0) / 1000;
    expect(engine.eventCount()).toBe(10_000);
    expect((await engine.exportData()).events).toHaveLength(10_000);
    expect(engine.status().phase).toBe('ready');
    expect((await engine.recommend({ surface: 'for-you' })).personal).toBe(true);
    console.info(`10,000 events stored and learned in ${seconds.toFixed(2)} s`);
  });
});

describe('a catalogue of 100,000 items the model mostly does not know', () => {
  it('loads in seconds and serves every surface, unknown items through their text', async () => {
    const files = syntheticModelFiles(BASE);
    const catalog = syntheticCatalog();
    const words = ['Turbo', 'Racing', 'Puzzle', 'Quest', 'Speed', 'Brain', 'Cars', 'Blocks', 'Legend', 'Star'];
    for (let i = 0; i < 100_000 - 20; i++) {
      catalog.items.push({ id: `x-${i}`, title: `${words[i % 10]} ${words[(i * 7) % 10]} Edition ${i}`, category: 'Extra' });
    }
    files.set(`${BASE}catalog.json`, encode(JSON.stringify(catalog)));
    const engine = createEngine({ fetchBytes: mapFetcher(files).fetchBytes, baseUrl: BASE });
    const t0 = performance.now();
    await engine.init(config);
    await engine.whenIdle();
    const startSeconds = (performance.now() - t0) / 1000;
    expect(engine.status().errors).toEqual([]);
    await engine.recordEvent({ type: 'view', itemId: 'it-1' });
    await engine.whenIdle();
    const list = await engine.recommend({ surface: 'for-you', k: 10 });
    expect(list.items).toHaveLength(10);
    expect((await engine.recommend({ surface: 'because-you-viewed', itemId: 'x-5', k: 5 })).items).toHaveLength(5);
    console.info(`100,000-item catalogue: engine ready in ${startSeconds.toFixed(1)} s`);
  }, 120_000);
});

describe('a full disk', () => {
  it('QuotaExceededError folds the older half into aggregates and keeps every new event', async () => {
    // A store that is "full" once it holds 30 events, until something is compacted.
    class TinyDisk extends MemoryEventLog {
      override async append(events: ShopperEvent[]): Promise<void> {
        if ((await this.count()) + events.length > 30) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
        return super.append(events);
      }
    }
    const log = new TinyDisk();
    const engine = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE)).fetchBytes, baseUrl: BASE, log });
    await engine.init(config);
    for (let i = 0; i < 40; i++) await engine.recordEvent({ type: 'view', itemId: `it-${i % 20}` });
    await engine.whenIdle();
    expect(console.warn).toHaveBeenCalledWith(expect.stringMatching(/storage full: \d+ old events folded/));
    const stored = await log.all();
    // The newest events are all there, in order; the oldest became counts.
    expect(stored.at(-1)).toMatchObject({ itemId: 'it-19' });
    expect(stored.slice(-10).map((e) => (e as { itemId: string }).itemId)).toEqual(Array.from({ length: 10 }, (_, i) => `it-${10 + i}`));
    const aggregated = (await log.aggregates()).reduce((n, a) => n + (a.counts.view ?? 0), 0);
    expect(stored.length + aggregated).toBe(40);
    expect(engine.eventCount()).toBe(stored.length);
    expect(engine.status().errors).toEqual([]);
    const exported = await engine.exportData();
    expect(exported.events.length + exported.aggregates.reduce((n, a) => n + (a.counts.view ?? 0), 0)).toBe(40);
  });
});
