import type { ItemAggregate, ShopperEvent } from '../shared/protocol';
import type { IDBPObjectStore } from 'idb';
import { CHUNK_EVENTS, chunkOf, chunksAfter, DB_NAME, deleteShelfwiseDB, eventsOf, openShelfwiseDB, type ClosedBy, type EventChunk, type ShelfwiseDB, type ShelfwiseDBHandle } from './db';

/**
 * The shopper's event log. Persistent through IndexedDB when it can be opened, otherwise kept
 * in memory for the session (and `persistent` says so). Events are stored in chunks of
 * consecutive events (`CHUNK_EVENTS` a record) and appends that arrive together are written in
 * one transaction: IndexedDB pays per transaction and per record, hardly per byte.
 */
export interface EventLog {
  readonly persistent: boolean;
  append(events: ShopperEvent[]): Promise<void>;
  all(): Promise<ShopperEvent[]>;
  count(): Promise<number>;
  /** The newest `limit` events, newest first. */
  recent(limit: number): Promise<ShopperEvent[]>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  /**
   * Folds all but the newest `keep` events into per-item aggregates, in one transaction, so the
   * log stays bounded and the newest history is never lost. Returns how many were folded.
   */
  compact(keep: number): Promise<number>;
  aggregates(): Promise<ItemAggregate[]>;
  /** Removes every event, aggregate and meta record. */
  clear(): Promise<void>;
  close(): void;
  /**
   * Closes the log and deletes its storage, the database included (withdrawn consent). False if
   * another tab held the database open past the wait (it is deleted once that tab lets go).
   */
  destroy(): Promise<boolean>;
}

/** Appends between two merges of the small records at the log's end (see `append`). */
const MERGE_EVERY = 32;

class IdbEventLog implements EventLog {
  readonly persistent = true;
  /** Appends since this connection last merged; the key up to which records were full then. */
  private appendsSinceMerge = 0;
  private mergedTo = 0;
  constructor(private readonly db: ShelfwiseDBHandle, private readonly name: string) {}

  /**
   * One blind write per batch: the newest key (read as a key, not a record) numbers the events,
   * and the batch becomes a record. A shopper's events come one at a time, so every
   * MERGE_EVERY appends the small records at the end are merged into full chunks, in the same
   * transaction (tabs appending at once are serialised by IndexedDB: no event is lost).
   */
  async append(events: ShopperEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Relaxed durability: the OS may buffer the write; a crash can lose at most the last batch
    // the OS had not flushed, which is the trade every browser store makes for speed.
    const tx = this.db.transaction('chunks', 'readwrite', { durability: 'relaxed' });
    const last = (await tx.store.openKeyCursor(null, 'prev'))?.key ?? 0;
    for (const chunk of chunksAfter(last, events)) void tx.store.add(chunk);
    if (++this.appendsSinceMerge >= MERGE_EVERY) {
      this.appendsSinceMerge = 0;
      this.mergedTo = await mergeTail(tx.store, this.mergedTo);
    }
    await tx.done;
  }
  async all(): Promise<ShopperEvent[]> {
    return (await this.db.getAll('chunks')).flatMap(eventsOf);
  }
  async count(): Promise<number> {
    const store = this.db.transaction('chunks').store;
    const [first, last] = await Promise.all([store.openCursor(), store.openKeyCursor(null, 'prev')]);
    return first && last ? last.key - (first.value.last - first.value.count) : 0;
  }
  async recent(limit: number): Promise<ShopperEvent[]> {
    if (limit <= 0) return [];
    const store = this.db.transaction('chunks').store;
    const last = await store.openKeyCursor(null, 'prev');
    if (!last) return [];
    // The records whose last event is among the newest `limit`: one key range, one getAll.
    const chunks = await store.getAll(IDBKeyRange.lowerBound(last.key - limit + 1));
    const out: ShopperEvent[] = [];
    for (let c = chunks.length - 1; c >= 0 && out.length < limit; c--) {
      const events = eventsOf(chunks[c]);
      for (let j = events.length - 1; j >= 0 && out.length < limit; j--) out.push(events[j]);
    }
    return out;
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('meta', key)) as T | undefined;
  }
  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.put('meta', value, key);
  }
  async compact(keep: number): Promise<number> {
    const tx = this.db.transaction(['chunks', 'aggregates'], 'readwrite');
    const chunks = tx.objectStore('chunks');
    const aggregates = tx.objectStore('aggregates');
    const all = await chunks.getAll();
    const excess = all.reduce((n, c) => n + c.count, 0) - keep;
    const folded = new Map<string, ItemAggregate>();
    let left = excess;
    for (const chunk of all) {
      if (left <= 0) break;
      const events = eventsOf(chunk);
      const n = Math.min(left, events.length);
      for (const e of events.slice(0, n)) {
        const key = aggregateKey(e);
        const agg = folded.get(key) ?? (await aggregates.get(key)) ?? { key, counts: {}, firstTs: e.ts, lastTs: e.ts };
        folded.set(key, addToAggregate(agg, e));
      }
      // A chunk folded whole goes; the one folded in part keeps its key (its last event stays).
      void (n === events.length ? chunks.delete(chunk.last) : chunks.put(chunkOf(chunk.last, events.slice(n))));
      left -= n;
    }
    await Promise.all([...folded.values()].map((a) => aggregates.put(a)));
    await tx.done;
    return Math.max(excess, 0);
  }
  aggregates(): Promise<ItemAggregate[]> {
    return this.db.getAll('aggregates');
  }
  async clear(): Promise<void> {
    const tx = this.db.transaction(['chunks', 'meta', 'aggregates'], 'readwrite');
    await Promise.all([tx.objectStore('chunks').clear(), tx.objectStore('meta').clear(), tx.objectStore('aggregates').clear(), tx.done]);
  }
  close(): void {
    this.db.close();
  }
  destroy(): Promise<boolean> {
    this.db.close();
    return deleteShelfwiseDB(this.name);
  }
}

/** The fallback when IndexedDB cannot be opened (private mode, blocked storage). */
export class MemoryEventLog implements EventLog {
  readonly persistent = false;
  private events: ShopperEvent[] = [];
  private meta = new Map<string, unknown>();
  async append(events: ShopperEvent[]): Promise<void> {
    this.events.push(...events);
  }
  async all(): Promise<ShopperEvent[]> {
    return this.events.slice();
  }
  async count(): Promise<number> {
    return this.events.length;
  }
  async recent(limit: number): Promise<ShopperEvent[]> {
    return this.events.slice(-limit).reverse();
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return this.meta.get(key) as T | undefined;
  }
  async setMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, value);
  }
  private folded = new Map<string, ItemAggregate>();
  async compact(keep: number): Promise<number> {
    const excess = Math.max(this.events.length - keep, 0);
    for (const e of this.events.splice(0, excess)) {
      const key = aggregateKey(e);
      this.folded.set(key, addToAggregate(this.folded.get(key) ?? { key, counts: {}, firstTs: e.ts, lastTs: e.ts }, e));
    }
    return excess;
  }
  async aggregates(): Promise<ItemAggregate[]> {
    return [...this.folded.values()];
  }
  async clear(): Promise<void> {
    this.events = [];
    this.meta.clear();
    this.folded.clear();
  }
  close(): void {}
  async destroy(): Promise<boolean> {
    await this.clear();
    return true;
  }
}

/**
 * Merges the records after key `from` into chunks of up to CHUNK_EVENTS, in the caller's
 * transaction. Returns the key the next merge starts after.
 */
async function mergeTail(store: IDBPObjectStore<ShelfwiseDB, ['chunks'], 'chunks', 'readwrite'>, from: number): Promise<number> {
  const records = await store.getAll(IDBKeyRange.lowerBound(from, true));
  if (records.length < 2) return from;
  const merged: EventChunk[] = [];
  let run: ShopperEvent[] = [];
  const flush = (last: number) => {
    if (run.length > 0) merged.push(chunkOf(last, run));
    run = [];
  };
  for (let r = 0; r < records.length; r++) {
    if (run.length + records[r].count > CHUNK_EVENTS) flush(records[r - 1].last);
    run.push(...eventsOf(records[r]));
  }
  flush(records[records.length - 1].last);
  if (merged.length < records.length) {
    void store.delete(IDBKeyRange.lowerBound(from, true));
    for (const chunk of merged) void store.put(chunk);
  }
  // The newest chunk is still filling: the next merge starts before it.
  return merged.length >= 2 ? merged[merged.length - 2].last : from;
}

function aggregateKey(e: ShopperEvent): string {
  return e.type === 'search' ? 'search:' : e.itemId;
}

function addToAggregate(a: ItemAggregate, e: ShopperEvent): ItemAggregate {
  return {
    key: a.key,
    counts: { ...a.counts, [e.type]: (a.counts[e.type] ?? 0) + 1 },
    firstTs: Math.min(a.firstTs, e.ts),
    lastTs: Math.max(a.lastTs, e.ts),
  };
}

/**
 * Opens the persistent log, or falls back to memory. The error, if any, is returned so the
 * engine can tell the shopper their history will not be kept. `onClosed`: see `openShelfwiseDB`.
 */
export async function openEventLog(dbName = DB_NAME, onClosed?: (why: ClosedBy) => void): Promise<{ log: EventLog; error?: string }> {
  try {
    return { log: new IdbEventLog(await openShelfwiseDB(dbName, onClosed), dbName) };
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    return { log: new MemoryEventLog(), error: `Storage unavailable, history is kept for this visit only: ${cause}` };
  }
}
