import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openShelfwiseDB } from '../../src/store/db';
import { MemoryEventLog, openEventLog } from '../../src/store/event-log';
import type { ShopperEvent } from '../../src/shared/protocol';

const scope = globalThis as unknown as { indexedDB?: unknown };

beforeEach(() => {
  // A fresh, empty IndexedDB for every test.
  scope.indexedDB = new IDBFactory();
});

const view = (itemId: string, ts: number): ShopperEvent => ({ type: 'view', itemId, ts });

describe('event log (IndexedDB through idb)', () => {
  it('appends in order and reads back everything, newest first for recent()', async () => {
    const { log, error } = await openEventLog();
    expect(error).toBeUndefined();
    expect(log.persistent).toBe(true);
    await log.append([view('a', 1), view('b', 2)]);
    await log.append([{ type: 'search', query: 'zelda', ts: 3 }]);
    expect(await log.count()).toBe(3);
    expect((await log.all()).map((e) => e.ts)).toEqual([1, 2, 3]);
    expect((await log.recent(2)).map((e) => e.ts)).toEqual([3, 2]);
  });

  it('survives closing and reopening the database', async () => {
    const first = await openEventLog();
    await first.log.append([view('a', 1)]);
    await first.log.setMeta('user-vector', { version: 'v1', vector: new Float32Array([1, 2]) });
    first.log.close();
    const second = await openEventLog();
    expect(await second.log.count()).toBe(1);
    const meta = await second.log.getMeta<{ vector: Float32Array }>('user-vector');
    expect(Array.from(meta!.vector)).toEqual([1, 2]);
  });

  it('clear() removes events and meta records', async () => {
    const { log } = await openEventLog();
    await log.append([view('a', 1)]);
    await log.setMeta('k', 1);
    await log.clear();
    expect(await log.count()).toBe(0);
    expect(await log.getMeta('k')).toBeUndefined();
    const db = await openShelfwiseDB();
    expect(await db.count('meta')).toBe(0);
  });

  it('a batch of 1,000 events lands in one append', async () => {
    const { log } = await openEventLog();
    await log.append(Array.from({ length: 1000 }, (_, i) => view(`i${i}`, i)));
    expect(await log.count()).toBe(1000);
    expect((await log.recent(1))[0].ts).toBe(999);
  });

  it('falls back to memory, with a clear message, when IndexedDB is missing', async () => {
    const saved = scope.indexedDB;
    delete scope.indexedDB; // a context without IndexedDB
    try {
      const { log, error } = await openEventLog();
      expect(log).toBeInstanceOf(MemoryEventLog);
      expect(log.persistent).toBe(false);
      expect(error).toMatch(/Storage unavailable/);
      await log.append([view('a', 1)]);
      expect(await log.count()).toBe(1);
    } finally {
      scope.indexedDB = saved;
    }
  });
});

describe('schema upgrades and compaction', () => {
  it('opens a version-1 database (before aggregates existed) keeping every event', async () => {
    const { openDB } = await import('idb');
    // A fixture database exactly as version 1 created it.
    const v1 = await openDB('shelfwise', 1, {
      upgrade(db) {
        const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        events.createIndex('by-ts', 'ts');
        db.createObjectStore('meta');
      },
    });
    for (let i = 0; i < 25; i++) await v1.add('events', view(`old-${i}`, i));
    await v1.put('meta', { paused: false }, 'settings');
    v1.close();
    const { log } = await openEventLog();
    expect(await log.count()).toBe(25);
    expect((await log.all()).map((e) => (e as { itemId: string }).itemId)).toEqual(Array.from({ length: 25 }, (_, i) => `old-${i}`));
    expect(await log.getMeta('settings')).toEqual({ paused: false });
    expect(await log.aggregates()).toEqual([]);
    const db = await openShelfwiseDB();
    expect(db.version).toBe(2);
    expect([...db.objectStoreNames].sort()).toEqual(['aggregates', 'events', 'meta']);
  });

  it('compaction folds the oldest events into per-item counts and keeps the newest intact', async () => {
    for (const open of [() => openEventLog().then((r) => r.log), async () => new MemoryEventLog()]) {
      scope.indexedDB = new IDBFactory();
      const log = await open();
      const events: ShopperEvent[] = [];
      for (let i = 0; i < 10; i++) events.push(view(i % 2 ? 'a' : 'b', i));
      events.push({ type: 'purchase', itemId: 'a', ts: 10 }, { type: 'search', query: 'q', ts: 11 });
      await log.append(events);
      expect(await log.compact(4)).toBe(8);
      expect((await log.all()).map((e) => e.ts)).toEqual([8, 9, 10, 11]);
      const aggs = Object.fromEntries((await log.aggregates()).map((a) => [a.key, a]));
      expect(aggs.a.counts).toEqual({ view: 4 });
      expect(aggs.b).toMatchObject({ counts: { view: 4 }, firstTs: 0, lastTs: 6 });
      expect(await log.compact(10)).toBe(0);
      await log.clear();
      expect(await log.aggregates()).toEqual([]);
    }
  });
});
