/**
 * A stub consent management platform implementing the parts of the IAB TCF v2.2 CMP API that a
 * vendor script uses (`window.__tcfapi`: `ping`, `addEventListener`, `removeEventListener`),
 * installed with `page.addInitScript(installStubCmp, options)` before any page script runs.
 * `window.__stubCmp.answer(eventStatus, purposes)` plays the shopper's answer in its UI later.
 */
import type { TcData } from '../src/client/consent';

export interface StubCmpOptions {
  /** `false`: the CMP says the GDPR does not apply to this visit. */
  gdprApplies: boolean;
  /**
   * What the CMP knows when the page loads: a stored decision (`tcloaded` with these purposes
   * consented), its UI shown (`cmpuishown`, no decision yet), or nothing ever (`never`).
   */
  atLoad: { eventStatus: 'tcloaded'; purposes: number[] } | { eventStatus: 'cmpuishown' } | 'never';
}

export interface StubCmpWindow {
  __stubCmp: {
    answer(eventStatus: 'useractioncomplete' | 'tcloaded', purposes: number[]): void;
    listeners(): number;
  };
}

/** Runs in the page (serialised by Playwright): self-contained. */
export function installStubCmp(options: StubCmpOptions): void {
  type Callback = (tcData: TcData | boolean | null, success: boolean) => void;
  const listeners = new Map<number, Callback>();
  let nextId = 1;
  let current: TcData | undefined;
  const flags = (on: number[], upTo: number) => Object.fromEntries(Array.from({ length: upTo }, (_, i) => [i + 1, on.includes(i + 1)]));
  // The full TCData shape of the spec; Shelfwise reads the fields its `TcData` type names.
  const tcData = (eventStatus: string, purposes: number[]): TcData => ({
    tcString: 'CPstub', tcfPolicyVersion: 5, cmpId: 999, cmpVersion: 1, gdprApplies: options.gdprApplies,
    eventStatus, cmpStatus: 'loaded', isServiceSpecific: true, useNonStandardTexts: false, publisherCC: 'DE',
    purposeOneTreatment: false,
    purpose: { consents: flags(purposes, 11), legitimateInterests: {} },
    vendor: { consents: {}, legitimateInterests: {} },
    specialFeatureOptins: {},
    publisher: { consents: {}, legitimateInterests: {}, customPurpose: { consents: {}, legitimateInterests: {} }, restrictions: {} },
  }) as TcData;
  const emit = () => {
    for (const [listenerId, callback] of listeners) callback({ ...current!, listenerId }, true);
  };
  if (!options.gdprApplies) current = tcData('tcloaded', []);
  else if (options.atLoad !== 'never') current = tcData(options.atLoad.eventStatus, options.atLoad.eventStatus === 'tcloaded' ? options.atLoad.purposes : []);

  const g = globalThis as unknown as { __tcfapi: unknown } & StubCmpWindow;
  g.__tcfapi = (command: string, version: number, callback: Callback, parameter?: unknown) => {
    if (version !== 2 || typeof callback !== 'function') return;
    if (command === 'ping') {
      callback({ gdprApplies: options.gdprApplies, cmpLoaded: true, cmpStatus: 'loaded', displayStatus: 'hidden', apiVersion: '2.2' } as unknown as TcData, true);
    } else if (command === 'addEventListener') {
      const listenerId = nextId++;
      listeners.set(listenerId, callback);
      // A CMP with an answer calls back at once; one that never answers keeps silent.
      if (current) callback({ ...current, listenerId }, true);
    } else if (command === 'removeEventListener') {
      callback(listeners.delete(parameter as number), true);
    } else {
      callback(null, false);
    }
  };
  g.__stubCmp = {
    answer(eventStatus, purposes) {
      current = tcData(eventStatus, purposes);
      emit();
    },
    listeners: () => listeners.size,
  };
}
