/**
 * The experiment variant the engine runs on this device, for the page to lay itself out by
 * (`surfaceOrder`). Read again when the engine's revision or pause state moves.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { ActiveExperiment } from '../../../shared/protocol';
import { trackActivity } from '../../app/activity';
import { createStore } from '../../../client/create-store';
import { engine, engineStatusStore, errorText } from '../../../client/worker-bridge';

const experimentStore = createStore<{ at?: string; experiment?: ActiveExperiment }>({});

function refresh(at: string): void {
  if (experimentStore.get().at === at) return;
  experimentStore.set((s) => ({ ...s, at }));
  trackActivity(engine().experiment()).then(
    (experiment) => {
      if (experimentStore.get().at === at) experimentStore.set({ at, experiment });
    },
    (e: unknown) => console.warn(`[shelfwise] experiment unknown: ${errorText(e)}`),
  );
}

export function useExperiment(): ActiveExperiment | undefined {
  const at = useSyncExternalStore(engineStatusStore.subscribe, () => {
    const s = engineStatusStore.get();
    return `${s.revision}:${s.paused}`;
  });
  useEffect(() => refresh(at), [at]);
  return useSyncExternalStore(experimentStore.subscribe, () => experimentStore.get().experiment);
}
