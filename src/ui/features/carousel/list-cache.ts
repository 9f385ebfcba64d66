/**
 * The carousels' lists, cached outside React (no React here: the storefront's entry asks for the
 * home page's lists with it before the app's code has arrived; `useRecommendations` reads them).
 */
import type { RecommendationList, RecommendRequest, Surface } from '../../../shared/protocol';
import { createStore } from '../../../client/create-store';
import { engine, engineStatusStore, errorText } from '../../../client/worker-bridge';

export interface RecommendationsState {
  list?: RecommendationList;
  /** The engine revision `list` (or `error`) belongs to; -1 before the first answer. */
  revision: number;
  loading: boolean;
  error?: string;
}

export const EMPTY: RecommendationsState = { revision: -1, loading: true };

export const listCache = createStore<Map<string, RecommendationsState>>(new Map());
/** Highest revision requested per key, so late answers for older revisions are dropped. */
const requested = new Map<string, number>();

function put(key: string, state: RecommendationsState): void {
  listCache.set((m) => new Map(m).set(key, state));
}

export function fetchList(key: string, req: RecommendRequest, revision: number): void {
  if ((requested.get(key) ?? -1) >= revision) return;
  requested.set(key, revision);
  const prev = listCache.get().get(key) ?? EMPTY;
  put(key, { ...prev, loading: true });
  engine()
    .recommend(req)
    .then(
      (list) => {
        const now = listCache.get().get(key) ?? EMPTY;
        if (now.revision > revision) return;
        put(key, { list, revision, loading: requested.get(key)! > revision });
      },
      (e: unknown) => {
        const now = listCache.get().get(key) ?? EMPTY;
        if (now.revision > revision) return;
        const message = errorText(e);
        console.warn(`[shelfwise] ${req.surface}: ${message}`);
        put(key, { list: now.list, revision, loading: requested.get(key)! > revision, error: message });
      },
    );
}

/** The lists carousels on the page show now (key → request, and how many carousels show it). */
const shown = new Map<string, { req: RecommendRequest; count: number }>();
let lastRevision = engineStatusStore.get().revision;

/**
 * A carousel shows the list for `req` (until the returned function is called). When the engine's
 * revision moves, these lists are asked for at once, not after React has rendered the status:
 * the engine has begun computing them already (see `engine/revision-lists.ts`).
 */
export function showList(key: string, req: RecommendRequest): () => void {
  const entry = shown.get(key) ?? { req, count: 0 };
  entry.count++;
  shown.set(key, entry);
  return () => {
    if (--entry.count === 0) shown.delete(key);
  };
}

engineStatusStore.subscribe(() => {
  const revision = engineStatusStore.get().revision;
  if (revision === lastRevision) return;
  lastRevision = revision;
  for (const [key, { req }] of shown) fetchList(key, req, revision);
});

export interface RecommendationOptions {
  /** Anchor item (`because-you-viewed`, `bought-together` on a product page). */
  itemId?: string;
  /** Cart anchors (`bought-together` on the cart page). */
  cartItemIds?: string[];
  k?: number;
}

export function recommendRequest(surface: Surface, opts: RecommendationOptions = {}): RecommendRequest {
  const req: RecommendRequest = { surface, k: opts.k ?? 12 };
  if (opts.itemId) req.itemId = opts.itemId;
  if (opts.cartItemIds?.length) req.cartItemIds = opts.cartItemIds;
  return req;
}

/**
 * Asks for a list now, for the engine's current revision, as the carousel will at mount: its
 * answer is then in the cache when the carousel first renders.
 */
export function prefetchList(surface: Surface, opts: RecommendationOptions = {}): void {
  const req = recommendRequest(surface, opts);
  fetchList(JSON.stringify(req), req, engineStatusStore.get().revision);
}
