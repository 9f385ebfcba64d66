import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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
 * Opens (and creates or upgrades) the shopper's database. Each `if (oldVersion < n)` step
 * upgrades from version n-1, so a database of any earlier version keeps its data.
 */
export async function openShelfwiseDB(name = DB_NAME): Promise<ShelfwiseDBHandle> {
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser context');
  return openDB<ShelfwiseDB>(name, DB_VERSION, {
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
      // An older version is open in another tab; it will be asked to close via `versionchange`.
    },
    blocking() {
      // Another tab wants a newer schema: nothing to do until it upgrades.
    },
  });
}
