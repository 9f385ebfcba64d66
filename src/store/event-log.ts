import type { ShopperEvent } from '../shared/protocol';
import { openShelfwiseDB, type ShelfwiseDBHandle, type StoredEvent } from './db';

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
  /** Removes every event and every meta record. */
  clear(): Promise<void>;
  close(): void;
}

class IdbEventLog implements EventLog {
  readonly persistent = true;
  constructor(private readonly db: ShelfwiseDBHandle) {}

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
    const out: StoredEvent[] = [];
    let cursor = await this.db.transaction('events').store.openCursor(null, 'prev');
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
  async clear(): Promise<void> {
    const tx = this.db.transaction(['events', 'meta'], 'readwrite');
    await Promise.all([tx.objectStore('events').clear(), tx.objectStore('meta').clear(), tx.done]);
  }
  close(): void {
    this.db.close();
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
  async clear(): Promise<void> {
    this.events = [];
    this.meta.clear();
  }
  close(): void {}
}

/**
 * Opens the persistent log, or falls back to memory. The error, if any, is returned so the
 * engine can tell the shopper their history will not be kept.
 */
export async function openEventLog(dbName?: string): Promise<{ log: EventLog; error?: string }> {
  try {
    return { log: new IdbEventLog(await openShelfwiseDB(dbName)) };
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    return { log: new MemoryEventLog(), error: `Storage unavailable, history is kept for this visit only: ${cause}` };
  }
}
