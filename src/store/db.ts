import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { ItemAggregate, ShopperEvent } from '../shared/protocol';

export const DB_NAME = 'shelfwise';
export const DB_VERSION = 3;

/**
 * Events per chunk record at most. IndexedDB pays per request, per record and per transaction,
 * hardly per byte: 10,000 events in chunks of this size are ~40 records to read.
 */
export const CHUNK_EVENTS = 256;

/**
 * A run of consecutive events of the log. Its key is the sequence number of its last event
 * (events are numbered 1, 2, … as recorded), so the newest key says how many events were ever
 * recorded, and the records holding the newest n events are one key range. The events are JSON:
 * one string is one cheap structured clone, where an array of event objects costs one per field.
 */
export interface EventChunk {
  last: number;
  /** How many events `json` holds (sequence numbers last - count + 1 … last). */
  count: number;
  /** `JSON.stringify(ShopperEvent[])`. */
  json: string;
}

export function chunkOf(last: number, events: ShopperEvent[]): EventChunk {
  return { last, count: events.length, json: JSON.stringify(events) };
}

/** Events numbered on from `after` (the newest sequence number stored), as chunk records. */
export function chunksAfter(after: number, events: ShopperEvent[]): EventChunk[] {
  const out: EventChunk[] = [];
  for (let i = 0; i < events.length; i += CHUNK_EVENTS) {
    const part = events.slice(i, i + CHUNK_EVENTS);
    out.push(chunkOf(after + i + part.length, part));
  }
  return out;
}

export function eventsOf(chunk: EventChunk): ShopperEvent[] {
  return JSON.parse(chunk.json) as ShopperEvent[];
}

/** The one schema of the shopper's database. Nothing else opens stores by name. */
export interface ShelfwiseDB extends DBSchema {
  /** Since version 3: the shopper's event log in chunks, in the order recorded (version 1–2: one record per event in `events`). */
  chunks: { key: number; value: EventChunk };
  /** Small named records: learned state, the backend choice, settings. */
  meta: { key: string; value: unknown };
  /** Since version 2: compacted old events. */
  aggregates: { key: string; value: ItemAggregate };
}

export type ShelfwiseDBHandle = IDBPDatabase<ShelfwiseDB>;

/**
 * Why a connection was closed under us: another tab deleted the database (the shopper withdrew
 * consent there), or opened a newer schema (a newer Shelfwise).
 */
export type ClosedBy = 'deleted' | 'upgraded';

/**
 * Opens (and creates or upgrades) the shopper's database. Each `if (oldVersion < n)` step
 * upgrades from version n-1, so a database of any earlier version keeps its data. When another
 * tab deletes or upgrades the database, this connection closes at once (so that tab is not
 * blocked) and `onClosed` says why.
 */
export async function openShelfwiseDB(name = DB_NAME, onClosed?: (why: ClosedBy) => void): Promise<ShelfwiseDBHandle> {
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser context');
  const db: ShelfwiseDBHandle = await openDB<ShelfwiseDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) db.createObjectStore('meta');
      if (oldVersion < 2) db.createObjectStore('aggregates', { keyPath: 'key' });
      if (oldVersion < 3) {
        db.createObjectStore('chunks', { keyPath: 'last' });
        // A failed move aborts the upgrade: the database stays at its old version, every event kept.
        if (oldVersion >= 1) {
          moveEventsToChunks(tx).catch(() => abortQuietly(tx));
          tx.done.catch(() => undefined); // the abort is reported by `openDB`, which rejects
        }
      }
    },
    blocked() {
      // An older version is open in another tab; it closes on `versionchange` (below).
    },
    blocking(_current, next) {
      db.close();
      onClosed?.(next === null ? 'deleted' : 'upgraded');
    },
  });
  return db;
}

/**
 * Versions 1 and 2 kept one record per event in `events`. Their events move into chunks in the
 * upgrade's own transaction: if anything fails (a full disk), the upgrade aborts and the old
 * database is left as it was.
 */
async function moveEventsToChunks(tx: IDBPTransaction<ShelfwiseDB, ('chunks' | 'meta' | 'aggregates')[], 'versionchange'>): Promise<void> {
  const old = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
  const stored = (await old.objectStore('events').getAll()) as (ShopperEvent & { seq?: number })[];
  const events = stored.map(({ seq: _seq, ...e }) => e as ShopperEvent);
  const chunks = tx.objectStore('chunks');
  for (const chunk of chunksAfter(0, events)) void chunks.add(chunk);
  old.db.deleteObjectStore('events');
}

function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already aborted by the failed request.
  }
}

/**
 * Deletes the shopper's database. Other tabs' connections close on the `versionchange` this
 * sends; one that does not (a page of an older Shelfwise) delays the deletion until it closes,
 * so this waits at most `blockedMs` before resolving with `false` (the deletion still happens then).
 */
export function deleteShelfwiseDB(name = DB_NAME, blockedMs = 3000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    deleteDB(name, {
      blocked() {
        timer ??= setTimeout(() => resolve(false), blockedMs);
      },
    }).then(() => {
      clearTimeout(timer);
      resolve(true);
    }, reject);
  });
}
