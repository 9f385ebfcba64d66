/**
 * What a scenario reads of the shopper's device storage, directly in the page (not through the
 * engine): the shopper's database and this origin's Cache Storage.
 */
import type { Page } from '@playwright/test';

export interface StoredState {
  events: unknown[];
  /** Compacted old events (schema v2). */
  aggregates: unknown[];
  meta: { key: string; value: unknown }[];
  caches: string[];
}

/** Reads every record of the shopper's database and the names of this origin's caches, in the page. */
export function inspectStorage(page: Page): Promise<StoredState> {
  return page.evaluate(async () => {
    // Minimal shapes of the DOM APIs used (e2e code is compiled without the DOM library).
    interface Req<T> {
      result: T;
      error: unknown;
      onsuccess: (() => void) | null;
      onerror: (() => void) | null;
    }
    interface ObjectStore {
      getAll(): Req<unknown[]>;
      getAllKeys(): Req<unknown[]>;
    }
    interface Db {
      objectStoreNames: ArrayLike<string>;
      transaction(names: string[], mode: 'readonly'): { objectStore(name: string): ObjectStore };
      close(): void;
    }
    const g = globalThis as unknown as {
      indexedDB: { databases(): Promise<{ name?: string }[]>; open(name: string): Req<Db> };
      caches: { keys(): Promise<string[]> };
    };
    const result = <T>(r: Req<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const names = (await g.indexedDB.databases()).map((d) => d.name);
    if (!names.includes('shelfwise')) throw new Error(`no shelfwise database (found: ${names.join(', ')})`);
    const db = await result(g.indexedDB.open('shelfwise'));
    try {
      const stores = Array.from(db.objectStoreNames);
      const tx = db.transaction(stores, 'readonly');
      const all: Record<string, { keys: unknown[]; values: unknown[] }> = {};
      for (const name of stores) {
        const store = tx.objectStore(name);
        const [keys, values] = await Promise.all([result(store.getAllKeys()), result(store.getAll())]);
        all[name] = { keys, values };
      }
      // Every store of the schema is read: a new one must be added here (and to erase).
      const unexpected = stores.filter((s) => s !== 'chunks' && s !== 'meta' && s !== 'aggregates');
      if (unexpected.length) throw new Error(`unexpected object stores: ${unexpected.join(', ')}`);
      return {
        // The log is stored in chunks of consecutive events, as JSON (src/store/db.ts).
        events: (all.chunks.values as { json: string }[]).flatMap((c) => JSON.parse(c.json) as unknown[]),
        aggregates: all.aggregates?.values ?? [],
        meta: all.meta.keys.map((key, i) => ({ key: String(key), value: all.meta.values[i] })),
        caches: await g.caches.keys(),
      };
    } finally {
      db.close();
    }
  });
}

/** The names of this origin's IndexedDB databases and caches: both empty before consent. */
export function storageNames(page: Page): Promise<{ databases: string[]; caches: string[] }> {
  return page.evaluate(async () => {
    const g = globalThis as unknown as {
      indexedDB: { databases(): Promise<{ name?: string }[]> };
      caches: { keys(): Promise<string[]> };
    };
    const databases = (await g.indexedDB.databases()).map((d) => d.name ?? '');
    return { databases, caches: await g.caches.keys() };
  });
}
