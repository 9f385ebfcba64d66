/**
 * `useRecommendations(surface, opts)`: the list for one carousel, fetched from the engine and
 * fetched again whenever the engine's status `revision` moves (an event was folded in, the model
 * finished loading). Results live in a cache outside components; stale lists stay on screen
 * while a newer one loads, so carousels never flash empty.
 */
import { useEffect, useId, useSyncExternalStore } from 'react';
import type { RecommendationList, RecommendRequest, Surface } from '../../../shared/protocol';
import { createStore } from '../../../client/create-store';
import { registerList, reportCommitted, unregisterList } from '../../app/render-tracker';
import { engine, engineStatusStore, errorText } from '../../../client/worker-bridge';

export interface RecommendationsState {
  list?: RecommendationList;
  /** The engine revision `list` (or `error`) belongs to; -1 before the first answer. */
  revision: number;
  loading: boolean;
  error?: string;
}

const EMPTY: RecommendationsState = { revision: -1, loading: true };

const cache = createStore<Map<string, RecommendationsState>>(new Map());
/** Highest revision requested per key, so late answers for older revisions are dropped. */
const requested = new Map<string, number>();

function put(key: string, state: RecommendationsState): void {
  cache.set((m) => new Map(m).set(key, state));
}

function fetchList(key: string, req: RecommendRequest, revision: number): void {
  if ((requested.get(key) ?? -1) >= revision) return;
  requested.set(key, revision);
  const prev = cache.get().get(key) ?? EMPTY;
  put(key, { ...prev, loading: true });
  engine()
    .recommend(req)
    .then(
      (list) => {
        const now = cache.get().get(key) ?? EMPTY;
        if (now.revision > revision) return;
        put(key, { list, revision, loading: requested.get(key)! > revision });
      },
      (e: unknown) => {
        const now = cache.get().get(key) ?? EMPTY;
        if (now.revision > revision) return;
        const message = errorText(e);
        console.warn(`[shelfwise] ${req.surface}: ${message}`);
        put(key, { list: now.list, revision, loading: requested.get(key)! > revision, error: message });
      },
    );
}

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

export function useRecommendations(surface: Surface, opts: RecommendationOptions = {}): RecommendationsState {
  const req = recommendRequest(surface, opts);
  const key = JSON.stringify(req);
  const revision = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().revision);
  const state = useSyncExternalStore(cache.subscribe, () => cache.get().get(key)) ?? EMPTY;
  const listId = useId();

  useEffect(() => {
    fetchList(key, req, revision);
    // `req` is derived from `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, revision]);

  useEffect(() => {
    registerList(listId);
    return () => unregisterList(listId);
  }, [listId]);

  // Runs after React committed this state: tells the QA hook which revision is on screen
  // (-1 for a new key whose first list has not arrived, so waiters keep waiting).
  useEffect(() => {
    reportCommitted(listId, state.revision);
  }, [listId, state]);

  return state;
}
