/**
 * "Your data": what the engine keeps for this shopper (counts, recent events, learned interests)
 * and the shopper's controls over it (export, erase, pause). State lives here, outside components;
 * `YourDataPage` only renders it. Every engine call is tracked so the QA hook's `whenIdle` waits.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { trackActivity } from '../../app/activity';
import { createStore } from '../../app/create-store';
import { engine, engineStatusStore, errorText, offerStatus } from '../../worker-bridge';
import { cartStore } from '../cart/cart-store';
import { downloadJson } from './download';
import { readSummary, type StoredSummary } from './summary';
import type { Interest } from '../../../shared/protocol';

export const EXPORT_FILENAME = 'shelfwise-data.json';

export interface YourDataState {
  summary?: StoredSummary;
  loading: boolean;
  error?: string;
  /** The engine state (`revision:eventCount`) the summary was read at. */
  readAt?: string;
}

export type PanelAction = 'export' | 'erase' | 'pause' | 'remove-interest';

export interface PanelState {
  /** The erase confirmation is on screen. */
  confirmingErase: boolean;
  busy?: PanelAction;
  message?: { kind: 'ok' | 'error'; text: string };
}

export const yourDataStore = createStore<YourDataState>({ loading: true });
export const panelStore = createStore<PanelState>({ confirmingErase: false });

let latestRead = 0;

/** Reads the summary for engine state `at` unless it was read for it already (`force` re-reads). */
export function refreshYourData(at: string, force = false): void {
  const current = yourDataStore.get();
  if (!force && current.readAt === at && !current.error) return;
  const read = ++latestRead;
  yourDataStore.set({ ...current, loading: true, readAt: at });
  trackActivity(readSummary(engine())).then(
    (summary) => {
      if (read === latestRead) yourDataStore.set({ summary, loading: false, readAt: at });
    },
    (e: unknown) => {
      if (read === latestRead) yourDataStore.set({ ...yourDataStore.get(), loading: false, error: errorText(e) });
    },
  );
}

/** The summary, re-read whenever the engine records, learns or erases. */
export function useYourData(): YourDataState {
  const at = useSyncExternalStore(engineStatusStore.subscribe, () => {
    const s = engineStatusStore.get();
    return `${s.revision}:${s.eventCount}`;
  });
  useEffect(() => refreshYourData(at), [at]);
  return useSyncExternalStore(yourDataStore.subscribe, yourDataStore.get);
}

export function usePanel(): PanelState {
  return useSyncExternalStore(panelStore.subscribe, panelStore.get);
}

export function usePaused(): boolean {
  return useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().paused);
}

/** Runs one control at a time; the outcome becomes the panel's message. */
async function run(action: PanelAction, work: () => Promise<string>): Promise<void> {
  if (panelStore.get().busy) return;
  panelStore.set((s) => ({ ...s, busy: action, message: undefined }));
  try {
    const text = await trackActivity(work());
    panelStore.set((s) => ({ ...s, busy: undefined, confirmingErase: false, message: { kind: 'ok', text } }));
  } catch (e) {
    panelStore.set((s) => ({ ...s, busy: undefined, message: { kind: 'error', text: `Something went wrong: ${errorText(e)}` } }));
  } finally {
    // Show the engine's new state at once, without waiting for its status push.
    await trackActivity(engine().status().then(offerStatus)).catch(() => undefined);
    refreshYourData(yourDataStore.get().readAt ?? '', true);
  }
}

/** Downloads everything stored as `shelfwise-data.json`. Nothing leaves the device. */
export function exportMyData(): Promise<void> {
  return run('export', async () => {
    const data = await engine().exportData();
    downloadJson(data, EXPORT_FILENAME);
    const n = data.events.length;
    return `Saved ${EXPORT_FILENAME} with ${n} ${n === 1 ? 'event' : 'events'} to your device.`;
  });
}

export function askToErase(): void {
  panelStore.set((s) => ({ ...s, confirmingErase: true, message: undefined }));
}

export function cancelErase(): void {
  panelStore.set((s) => ({ ...s, confirmingErase: false }));
}

/**
 * Erases the event log and what was learned from it (the engine), any Cache Storage this origin
 * holds, and the cart kept in this browser. Recommendations are non-personal from here on.
 */
export function eraseMyData(): Promise<void> {
  return run('erase', async () => {
    await engine().eraseData();
    if (typeof caches !== 'undefined') {
      const names = await caches.keys();
      await Promise.all(names.map((name) => caches.delete(name)));
    }
    cartStore.set([]);
    return 'Your data was erased. Recommendations are no longer personal.';
  });
}

export function setPaused(paused: boolean): Promise<void> {
  return run('pause', async () => {
    await engine().setPaused(paused);
    return paused ? 'Personalisation paused.' : 'Personalisation resumed.';
  });
}

/** Removes an interest: its items stop shaping recommendations (the events stay until erased). */
export function removeInterest(interest: Pick<Interest, 'key' | 'name'>): Promise<void> {
  return run('remove-interest', async () => {
    if (!(await engine().removeInterest(interest.key))) throw new Error(`“${interest.name}” is no longer one of your interests`);
    return `Removed “${interest.name}”: it no longer shapes your recommendations.`;
  });
}
