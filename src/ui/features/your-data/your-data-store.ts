/**
 * "Your data": what the engine keeps for this shopper (counts, recent events, learned interests)
 * and the shopper's controls over it (export, erase, pause). State lives here, outside components;
 * `YourDataPage` only renders it. Every engine call is tracked so the QA hook's `whenIdle` waits.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { trackActivity } from '../../app/activity';
import { createStore } from '../../../client/create-store';
import { engine, engineStatusStore, errorText, offerStatus } from '../../../client/worker-bridge';
import { cartStore } from '../cart/cart-store';
import { downloadJson } from '../../../client/download-json';
import { eraseControl, exportControl, pauseControl, readSummary, removeInterestControl, type StoredSummary } from '../../../client/your-data-summary';
import type { Interest } from '../../../shared/protocol';

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
  return run('export', () => exportControl(engine(), (data, filename) => downloadJson(data, filename)));
}

export function askToErase(): void {
  panelStore.set((s) => ({ ...s, confirmingErase: true, message: undefined }));
}

export function cancelErase(): void {
  panelStore.set((s) => ({ ...s, confirmingErase: false }));
}

/** Erases everything the engine keeps (log, learned state, counters, cached files) and the cart. */
export function eraseMyData(): Promise<void> {
  return run('erase', async () => {
    const text = await eraseControl(engine());
    cartStore.set([]);
    return text;
  });
}

export function setPaused(paused: boolean): Promise<void> {
  return run('pause', () => pauseControl(engine(), paused));
}

/** Removes an interest: its items stop shaping recommendations (the events stay until erased). */
export function removeInterest(interest: Pick<Interest, 'key' | 'name'>): Promise<void> {
  return run('remove-interest', () => removeInterestControl(engine(), interest));
}
