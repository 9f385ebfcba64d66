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
