/**
 * `useRecommendations(surface, opts)`: the list for one carousel, fetched from the engine and
 * fetched again whenever the engine's status `revision` moves (an event was folded in, the model
 * finished loading). Results live in a cache outside components; stale lists stay on screen
 * while a newer one loads, so carousels never flash empty.
 */
import { useEffect, useId, useSyncExternalStore } from 'react';
import type { Surface } from '../../../shared/protocol';
import { registerList, reportCommitted, unregisterList } from '../../app/render-tracker';
import { engineStatusStore } from '../../../client/worker-bridge';
import { EMPTY, fetchList, listCache, recommendRequest, showList, type RecommendationOptions, type RecommendationsState } from './list-cache';

export type { RecommendationOptions, RecommendationsState };

export function useRecommendations(surface: Surface, opts: RecommendationOptions = {}): RecommendationsState {
  const req = recommendRequest(surface, opts);
  const key = JSON.stringify(req);
  const revision = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().revision);
  const state = useSyncExternalStore(listCache.subscribe, () => listCache.get().get(key)) ?? EMPTY;
  const listId = useId();

  useEffect(() => {
    fetchList(key, req, revision);
    // `req` is derived from `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, revision]);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => showList(key, req), [key]);

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
