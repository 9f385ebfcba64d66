import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine';
import { INTEREST_PARTS, WorkingSet } from '../../src/engine/working-set';
import { PartitionLoader } from '../../src/model/partition-loader';
import { mapFetcher, syntheticPartitionedFiles } from '../helpers/synthetic-model';

const BASE = 'http://test.local/';
const config = { catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json' } as const;
/** More departments (one part each) than a shopper vector brings in. */
const DEPTS = INTEREST_PARTS + 8;
const SIZE = 30;
const deptOf = (id: string) => Number(id.split('-')[1]);
const parts = (requested: string[]) => new Set(requested.filter((u) => u.includes('/part-')));

beforeEach(() => {
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
});

async function started(files = syntheticPartitionedFiles(BASE, DEPTS, SIZE), fetcher = mapFetcher(files)) {
  const engine = createEngine({ fetchBytes: fetcher.fetchBytes, baseUrl: BASE, dbName: `parts-${Math.random()}` });
  await engine.init(config);
  await engine.whenIdle();
  return { engine, requested: fetcher.requested, files };
}

describe('a partitioned catalogue (issue 16): parts fetched as the shopper needs them', () => {
  it('a first visit fetches the manifest, index and Gram matrix, no part and no catalogue; Trending is the starter list', async () => {
    const { engine, requested } = await started();
    expect(engine.status().errors).toEqual([]);
    expect(engine.status().modelLoaded).toBe(true);
    expect(requested.some((u) => u.endsWith('catalog.json'))).toBe(false);
    expect(parts(requested).size).toBe(0);
    const trending = await engine.recommend({ surface: 'trending', k: 5 });
    expect(trending.items).toHaveLength(5);
    // The starter list is department 0's items, which trend most.
    expect(trending.items.every((it) => deptOf(it.id) === 0)).toBe(true);
  });

  it('views in one department: that part and the parts the shopper vector points to come, For you is that department', async () => {
    const { engine, requested } = await started();
    for (const id of ['p-7-3', 'p-7-9', 'p-7-12']) await engine.recordEvent({ type: 'view', itemId: id });
    await engine.whenIdle();
    const list = await engine.recommend({ surface: 'for-you', k: 10 });
    expect(list.personal).toBe(true);
    expect(list.items).toHaveLength(10);
    expect(list.items.every((it) => deptOf(it.id) === 7)).toBe(true);
    expect(list.items.map((it) => it.id)).not.toContain('p-7-3');
    // Not every part: the item's own, its neighbours' (the same) and the vector's top parts.
    const fetched = parts(requested).size;
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThanOrEqual(INTEREST_PARTS + 1);
    expect(fetched).toBeLessThan(DEPTS);
    const recent = await engine.recommend({ surface: 'recently-viewed', k: 5 });
    expect(recent.items.map((it) => it.id)).toEqual(['p-7-12', 'p-7-9', 'p-7-3']);
  });

  it("a product page of a part not held yet: its part comes, and Because you viewed is the anchor's department", async () => {
    const { engine, requested } = await started();
    const before = parts(requested).size;
    const list = await engine.recommend({ surface: 'because-you-viewed', itemId: 'p-15-4', k: 6 });
    expect(parts(requested).size).toBe(before + 1);
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((it) => deptOf(it.id) === 15 && it.id !== 'p-15-4')).toBe(true);
    expect(await engine.getItems(['p-16-0'])).toEqual([expect.objectContaining({ id: 'p-16-0', category: expect.any(String) })]);
  });

  it('an unknown item is refused with a clear error; the history is kept', async () => {
    const { engine } = await started();
    await engine.recordEvent({ type: 'view', itemId: 'p-3-1' });
    await expect(engine.recordEvent({ type: 'view', itemId: 'no-such-item' })).rejects.toThrow(/Unknown item "no-such-item"/);
    expect(engine.eventCount()).toBe(1);
  });

  it('a corrupt part: a clear error, the event is kept, and the part is asked for again later', async () => {
    const files = syntheticPartitionedFiles(BASE, DEPTS, SIZE);
    const fetcher = mapFetcher(files);
    const engine = createEngine({ fetchBytes: fetcher.fetchBytes, baseUrl: BASE, dbName: 'corrupt-part' });
    await engine.init(config);
    // Find department 5's part by its content, then corrupt it.
    const url = [...files.keys()].find((u) => u.includes('/part-') && new TextDecoder().decode(files.get(u)!).includes('"p-5-0"'))!;
    const good = files.get(url)!;
    const bad = good.slice(0);
    new Uint8Array(bad)[bad.byteLength - 1] ^= 0xff;
    files.set(url, bad);
    expect(await engine.recordEvent({ type: 'view', itemId: 'p-5-2' })).toBe(true);
    await engine.whenIdle();
    expect(engine.status().errors.join('\n')).toMatch(/part \d+ failed its checksum/);
    expect(engine.eventCount()).toBe(1);
    // Repaired (a redeploy): the next event asks for it again, and lists use it.
    files.set(url, good);
    await engine.recordEvent({ type: 'view', itemId: 'p-5-3' });
    await engine.whenIdle();
    const list = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(list.items.every((it) => deptOf(it.id) === 5)).toBe(true);
  });
});

describe('WorkingSet', () => {
  it('holds at most its bound of parts, dropping the least recently wanted', async () => {
    const files = syntheticPartitionedFiles(BASE, 8, 10);
    const { fetchBytes } = mapFetcher(files);
    const manifest = JSON.parse(new TextDecoder().decode(files.get(`${BASE}model/manifest.json`)!)) as unknown;
    const errors: Error[] = [];
    const ws = new WorkingSet(PartitionLoader.fromJson(`${BASE}model/manifest.json`, manifest, fetchBytes), (e) => errors.push(e), 3);
    expect(await ws.addItems(['p-0-0', 'p-1-0'])).toBe(true);
    expect(await ws.addItems(['p-2-0'])).toBe(true);
    expect(ws.partCount).toBe(3);
    expect(await ws.addItems(['p-0-1'])).toBe(false); // held: wanted again, now the newest
    expect(await ws.addItems(['p-3-0'])).toBe(true);
    expect(ws.partCount).toBe(3);
    const { items, model } = await ws.build();
    const depts = new Set(items.map((it) => deptOf(it.id)));
    expect([...depts].sort()).toEqual([0, 2, 3]); // 1 was the least recently wanted
    expect(model.n).toBe(items.length);
    expect(model.itemCount).toBe(80);
    // Neighbours point inside the held parts only, and to the same department.
    for (let r = 0; r < model.n; r++) {
      for (let j = 0; j < model.k; j++) {
        const nb = model.coocIndex[r * model.k + j];
        if (nb >= 0) expect(deptOf(items[nb].id)).toBe(deptOf(items[r].id));
      }
    }
    expect(errors).toEqual([]);
  });
});
