/**
 * Catalogue reads from the engine, cached outside components: single items (product page),
 * search/browse pages, and the category list.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { CatalogItem } from '../../../shared/protocol';
import { createStore } from '../../../client/create-store';
import { trackActivity } from '../../app/activity';
import { engine, engineStatusStore, errorText } from '../../../client/worker-bridge';

export interface Loadable<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

/** One cache of async results keyed by string; entries are immutable for `useSyncExternalStore`. */
function createCache<T>() {
  const store = createStore<Map<string, Loadable<T>>>(new Map());
  const inFlight = new Set<string>();
  const put = (key: string, value: Loadable<T>) =>
    store.set((m) => {
      const next = new Map(m);
      next.set(key, value);
      return next;
    });
  return {
    store,
    /** Loads `key` unless it is loaded or loading; `force` reloads (keeping stale data meanwhile). */
    load(key: string, fetcher: () => Promise<T>, force = false): void {
      const existing = store.get().get(key);
      if (inFlight.has(key) || (existing && !existing.error && !force)) return;
      inFlight.add(key);
      put(key, { data: existing?.data, loading: true });
      trackActivity(fetcher())
        .then(
          (data) => put(key, { data, loading: false }),
          (e: unknown) => put(key, { data: existing?.data, error: errorText(e), loading: false }),
        )
        .finally(() => inFlight.delete(key));
    },
  };
}

const itemCache = createCache<CatalogItem | null>();

/** Items read while the engine was still loading: a first visit's product comes from the model's anchor cards. */
const earlyItems = new Set<string>();

/** A catalogue item by id: `data` is null when the catalogue has no such item. */
export function useItem(id: string): Loadable<CatalogItem | null> {
  const revision = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().revision);
  const loading = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().phase === 'loading');
  useEffect(() => {
    // Read again once the catalogue is in: it, not the model's copy, says what the product is now.
    const again = !loading && earlyItems.delete(id);
    if (loading) earlyItems.add(id);
    // Failed loads are retried when the engine moves on (e.g. the catalogue was still loading).
    itemCache.load(id, () => engine().getItems([id]).then((items) => items.find((i) => i.id === id) ?? null), again);
  }, [id, revision, loading]);
  const entry = useSyncExternalStore(itemCache.store.subscribe, () => itemCache.store.get().get(id));
  return entry ?? { loading: true };
}

export interface SearchResult {
  total: number;
  items: CatalogItem[];
}

const searchCache = createCache<SearchResult>();
export const SEARCH_PAGE_SIZE = 24;

export function useSearch(query: string, category: string | undefined, page: number): Loadable<SearchResult> {
  const key = JSON.stringify([query, category ?? null, page]);
  const phase = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().phase);
  useEffect(() => {
    searchCache.load(key, () =>
      engine().searchCatalog(query, { category, offset: (page - 1) * SEARCH_PAGE_SIZE, limit: SEARCH_PAGE_SIZE }),
    );
  }, [key, query, category, page, phase]);
  const entry = useSyncExternalStore(searchCache.store.subscribe, () => searchCache.store.get().get(key));
  return entry ?? { loading: true };
}

const categoryCache = createCache<{ name: string; count: number }[]>();

export function useCategories(): Loadable<{ name: string; count: number }[]> {
  const phase = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().phase);
  useEffect(() => {
    // An empty list can only mean the catalogue was not there yet: ask again as the engine moves on.
    const stale = categoryCache.store.get().get('all')?.data?.length === 0;
    categoryCache.load('all', () => engine().categories(), stale);
  }, [phase]);
  const entry = useSyncExternalStore(categoryCache.store.subscribe, () => categoryCache.store.get().get('all'));
  return entry ?? { loading: true };
}
