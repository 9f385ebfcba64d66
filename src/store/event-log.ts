import type { ItemAggregate, ShopperEvent } from '../shared/protocol';
import { DB_NAME, deleteShelfwiseDB, openShelfwiseDB, type ClosedBy, type ShelfwiseDBHandle, type StoredEvent } from './db';

/**
 * The shopper's event log. Persistent through IndexedDB when it can be opened, otherwise kept
 * in memory for the session (and `persistent` says so). Appends that arrive together are
 * written in one transaction: IndexedDB pays per transaction, not per record.
 */
export interface EventLog {
  readonly persistent: boolean;
  append(events: ShopperEvent[]): Promise<void>;
  all(): Promise<StoredEvent[]>;
  count(): Promise<number>;
  /** The newest `limit` events, newest first. */
  recent(limit: number): Promise<StoredEvent[]>;
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

class IdbEventLog implements EventLog {
  readonly persistent = true;
  constructor(private readonly db: ShelfwiseDBHandle, private readonly name: string) {}

  async append(events: ShopperEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Relaxed durability: the OS may buffer the write; a crash can lose at most the last batch
    // the OS had not flushed, which is the trade every browser store makes for speed.
    const tx = this.db.transaction('events', 'readwrite', { durability: 'relaxed' });
    for (const e of events) void tx.store.add(e);
    await tx.done;
  }
  all(): Promise<StoredEvent[]> {
    return this.db.getAll('events');
  }
  count(): Promise<number> {
    return this.db.count('events');
  }
  async recent(limit: number): Promise<StoredEvent[]> {
    const store = this.db.transaction('events').store;
    const last = await store.openKeyCursor(null, 'prev');
    if (!last || limit <= 0) return [];
    // Keys are an auto-increment sequence: the newest `limit` usually are one key range, read in
    // one getAll (about twice as fast as a cursor). Gaps in the keys fall back to the cursor.
    const top = last.key;
    const range = await store.getAll(IDBKeyRange.bound(Math.max(top - limit + 1, 0), top));
    if (range.length === limit || range.length === (await store.count())) return range.reverse();
    const out: StoredEvent[] = [];
    let cursor = await store.openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
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
    const tx = this.db.transaction(['events', 'aggregates'], 'readwrite');
    const events = tx.objectStore('events');
    const excess = (await events.count()) - keep;
    const folded = new Map<string, ItemAggregate>();
    let cursor = excess > 0 ? await events.openCursor() : null;
    for (let n = 0; cursor && n < excess; n++) {
      const key = aggregateKey(cursor.value);
      const agg = folded.get(key) ?? (await tx.objectStore('aggregates').get(key)) ?? { key, counts: {}, firstTs: cursor.value.ts, lastTs: cursor.value.ts };
      folded.set(key, addToAggregate(agg, cursor.value));
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await Promise.all([...folded.values()].map((a) => tx.objectStore('aggregates').put(a)));
    await tx.done;
    return Math.max(excess, 0);
  }
  aggregates(): Promise<ItemAggregate[]> {
    return this.db.getAll('aggregates');
  }
  async clear(): Promise<void> {
    const tx = this.db.transaction(['events', 'meta', 'aggregates'], 'readwrite');
    await Promise.all([tx.objectStore('events').clear(), tx.objectStore('meta').clear(), tx.objectStore('aggregates').clear(), tx.done]);
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
  private events: StoredEvent[] = [];
  private meta = new Map<string, unknown>();
  private seq = 0;
  async append(events: ShopperEvent[]): Promise<void> {
    for (const e of events) this.events.push({ ...e, seq: ++this.seq });
  }
  async all(): Promise<StoredEvent[]> {
    return this.events.slice();
  }
  async count(): Promise<number> {
    return this.events.length;
  }
  async recent(limit: number): Promise<StoredEvent[]> {
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
