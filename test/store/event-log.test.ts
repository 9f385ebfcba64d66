import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_EVENTS, DB_VERSION, openShelfwiseDB } from '../../src/store/db';
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
  /** A fixture database exactly as version 1 (events, meta) or 2 (and aggregates) created it. */
  async function fixture(version: 1 | 2, events: ShopperEvent[]) {
    const { openDB } = await import('idb');
    const db = await openDB('shelfwise', version, {
      upgrade(db) {
        const store = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        store.createIndex('by-ts', 'ts');
        db.createObjectStore('meta');
        if (version === 2) db.createObjectStore('aggregates', { keyPath: 'key' });
      },
    });
    for (const e of events) await db.add('events', e);
    await db.put('meta', { paused: true, removed: { 'old-3': 3 } }, 'settings');
    if (version === 2) await db.put('aggregates', { key: 'older', counts: { view: 7 }, firstTs: -9, lastTs: -2 });
    db.close();
  }

  for (const version of [1, 2] as const) {
    it(`opens a version-${version} database keeping every event (in order), setting and aggregate`, async () => {
      // More than two chunks' worth, with a search among them.
      const events: ShopperEvent[] = Array.from({ length: 600 }, (_, i) => (i === 300 ? { type: 'search', query: 'zelda', ts: i } : view(`old-${i}`, i)));
      await fixture(version, events);
      const { log, error } = await openEventLog();
      expect(error).toBeUndefined();
      expect(await log.count()).toBe(600);
      expect(await log.all()).toEqual(events);
      expect((await log.recent(3)).map((e) => e.ts)).toEqual([599, 598, 597]);
      expect(await log.getMeta('settings')).toEqual({ paused: true, removed: { 'old-3': 3 } });
      expect(await log.aggregates()).toEqual(version === 2 ? [{ key: 'older', counts: { view: 7 }, firstTs: -9, lastTs: -2 }] : []);
      // New events go on after the migrated ones.
      await log.append([view('new', 600)]);
      expect((await log.recent(2)).map((e) => e.ts)).toEqual([600, 599]);
      log.close();
      const db = await openShelfwiseDB();
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['aggregates', 'chunks', 'meta']);
      expect(await db.count('chunks')).toBe(Math.ceil(600 / CHUNK_EVENTS) + 1); // the migrated chunks, and the new record
      db.close();
    });
  }

  it('a version-2 database whose migration fails is left as it was, and the log falls back to memory', async () => {
    const events = Array.from({ length: 10 }, (_, i) => view(`old-${i}`, i));
    await fixture(2, events);
    // The move writes chunk records: make the first of them fail as a full disk would.
    const { IDBObjectStore: Store } = await import('fake-indexeddb');
    const add = Store.prototype.add;
    Store.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (this.name === 'chunks') throw new DOMException('disk full', 'QuotaExceededError');
      return add.apply(this, args);
    };
    try {
      const { log, error } = await openEventLog();
      expect(log.persistent).toBe(false);
      expect(error).toMatch(/Storage unavailable/);
    } finally {
      Store.prototype.add = add;
    }
    const { openDB } = await import('idb');
    const old = await openDB('shelfwise');
    expect(old.version).toBe(2);
    expect(await old.count('events')).toBe(10);
    old.close();
    // Once the disk has room, the next visit migrates.
    const { log } = await openEventLog();
    expect(await log.all()).toEqual(events);
  });

  it('events appended one at a time are merged into chunks; recent() reads across chunks', async () => {
    const { log } = await openEventLog();
    let ts = 0;
    for (let i = 0; i < 700; i++) await log.append([view('x', ts++)]);
    await log.append(Array.from({ length: 600 }, () => view('x', ts++))); // a batch larger than a chunk
    expect(await log.count()).toBe(ts);
    expect((await log.all()).map((e) => e.ts)).toEqual(Array.from({ length: ts }, (_, i) => i));
    for (const limit of [1, 31, CHUNK_EVENTS, CHUNK_EVENTS + 1, 650, ts, ts + 10]) {
      expect((await log.recent(limit)).map((e) => e.ts)).toEqual(Array.from({ length: Math.min(limit, ts) }, (_, i) => ts - 1 - i));
    }
    const db = await openShelfwiseDB();
    const chunks = await db.getAll('chunks');
    db.close();
    // 700 single events: merged every 32 appends, so at most 31 small records wait at the end.
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(700 / CHUNK_EVENTS) + 32 + 3);
    expect(chunks.every((c) => c.count <= CHUNK_EVENTS)).toBe(true);
    expect(chunks.map((c) => c.last)).toEqual([...chunks.map((c) => c.last)].sort((a, b) => a - b));
    expect(chunks[chunks.length - 1].last).toBe(ts);
    // Compaction drops whole records from the front and trims the one it cuts into.
    const keep = CHUNK_EVENTS + 10;
    expect(await log.compact(keep)).toBe(ts - keep);
    expect(await log.count()).toBe(keep);
    expect((await log.all()).map((e) => e.ts)).toEqual(Array.from({ length: keep }, (_, i) => ts - keep + i));
    expect((await log.aggregates())[0]).toMatchObject({ key: 'x', counts: { view: ts - keep } });
    await log.append([view('y', ts)]);
    expect((await log.recent(keep + 1)).map((e) => e.ts)).toEqual(Array.from({ length: keep + 1 }, (_, i) => ts - i));
  });

  it('two connections appending at once (two tabs) keep every event', async () => {
    const [a, b] = await Promise.all([openEventLog(), openEventLog()]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a.log : b.log).append(Array.from({ length: 13 }, (_, j) => view(`t${i}`, i * 100 + j)))));
    const all = await a.log.all();
    expect(all).toHaveLength(40 * 13);
    expect(new Set(all.map((e) => e.ts)).size).toBe(40 * 13);
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
