import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ItemAggregate, ShopperEvent } from '../shared/protocol';

export const DB_NAME = 'shelfwise';
export const DB_VERSION = 2;

/** A logged event with the key IndexedDB gave it (increasing: the log's order). */
export type StoredEvent = ShopperEvent & { seq?: number };

/** The one schema of the shopper's database. Nothing else opens stores by name. */
export interface ShelfwiseDB extends DBSchema {
  /** The shopper's event log, in the order recorded. */
  events: { key: number; value: StoredEvent; indexes: { 'by-ts': number } };
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
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        events.createIndex('by-ts', 'ts');
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        db.createObjectStore('aggregates', { keyPath: 'key' });
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
