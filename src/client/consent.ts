/**
 * Consent before anything is stored (issue 14): the page side's state machine. In consent mode
 * (`data-consent="required"`, the storefront's `?consent=required`) the engine starts without
 * storage; this decides when it may store, from two signals, the latest of which wins:
 *
 *  - the shop's own banner calling `shelfwise.consent(true | false)`;
 *  - a TCF v2.2 consent management platform (`window.__tcfapi`): Shelfwise listens with
 *    `addEventListener` and reads each TC data it is given (`tcfDecision`).
 *
 * A CMP that never answers, answers late, reports an error or throws leaves the state as it was
 * (no consent until one is given), and says so in the console. No DOM types: Node tests drive
 * it with a fake window and clock.
 */

/** What the engine is told: may it store and read the shopper's history? */
export type ConsentState =
  /** The shop needs no consent (the default): Shelfwise stores as it always has. */
  | 'not-required'
  /** Consent mode, no decision yet (no banner answer, the CMP has not answered or is showing its UI). */
  | 'waiting'
  | 'denied'
  | 'granted';

export interface ConsentSnapshot {
  state: ConsentState;
  /** Where the current state came from. */
  source: 'default' | 'api' | 'tcf';
  /** Why, in a sentence (shown in the console and the diagnostics). */
  detail: string;
}

/** The TCF purposes storing and using an on-device personalisation profile needs (TCF v2.2 policy). */
export const TCF_PURPOSES: readonly number[] = [
  1, // Store and/or access information on a device
  5, // Create profiles to personalise content
  6, // Use profiles to select personalised content
];

/** How a shop's TCF set-up grants Shelfwise (the script tag's `data-tcf-*` attributes). */
export interface TcfRules {
  /** Purposes that must all be consented (default TCF_PURPOSES). */
  purposes: readonly number[];
  /**
   * Whose purpose consents count: `vendors` (the TC string's purpose consents, as most CMPs are
   * set up) or `publisher` (the publisher's own purposes segment: Shelfwise is the shop's own
   * processing, for CMPs configured with publisher purposes).
   */
  scope: 'vendors' | 'publisher';
  /** Vendor ids that must have consent too (a shop that lists Shelfwise as a custom vendor), none by default. */
  vendors: readonly number[];
}

export const DEFAULT_TCF_RULES: TcfRules = { purposes: TCF_PURPOSES, scope: 'vendors', vendors: [] };

type Flags = Record<string, boolean | undefined> | undefined;

/** The part of TCF v2.2's `TCData` that decides (IAB Tech Lab, CMP API v2.2, "TCData"). */
export interface TcData {
  gdprApplies?: boolean;
  eventStatus?: string;
  cmpStatus?: string;
  listenerId?: number;
  /** True where purpose 1 is not disclosed (the publisher's country does not require it). */
  purposeOneTreatment?: boolean;
  purpose?: { consents?: Flags };
  vendor?: { consents?: Flags };
  publisher?: { consents?: Flags; restrictions?: Record<string, Record<string, number | undefined> | undefined> };
}

/**
 * What one TC data says, or undefined when it decides nothing (the CMP is showing its UI: the
 * shopper is being asked; act on the answer).
 */
export function tcfDecision(tc: TcData, rules: TcfRules = DEFAULT_TCF_RULES): { granted: boolean; detail: string } | undefined {
  if (tc.gdprApplies === false) return { granted: true, detail: 'the CMP says the GDPR does not apply to this visit' };
  if (tc.eventStatus !== 'tcloaded' && tc.eventStatus !== 'useractioncomplete') return undefined;
  const consents = rules.scope === 'publisher' ? tc.publisher?.consents : tc.purpose?.consents;
  const needed = rules.purposes.filter((p) => !(p === 1 && tc.purposeOneTreatment === true));
  const missing = needed.filter((p) => consents?.[p] !== true);
  if (missing.length) return { granted: false, detail: `TCF purpose${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not consented` };
  for (const v of rules.vendors) {
    if (tc.vendor?.consents?.[v] !== true) return { granted: false, detail: `TCF vendor ${v} not consented` };
    // A publisher restriction of type 0 forbids the purpose for that vendor whatever the consent.
    const barred = needed.find((p) => tc.publisher?.restrictions?.[p]?.[v] === 0);
    if (barred !== undefined) return { granted: false, detail: `the publisher does not allow TCF purpose ${barred} for vendor ${v}` };
  }
  return { granted: true, detail: `TCF purposes ${needed.join(', ')} consented${rules.vendors.length ? ` for vendor ${rules.vendors.join(', ')}` : ''}` };
}

export type TcfApi = (command: string, version: number, callback: (tcData: TcData | null | undefined, success: boolean) => void, parameter?: unknown) => unknown;

/** What the controller needs of its surroundings (a window, or a fake in Node tests). */
export interface ConsentHost {
  /** The CMP's API, looked up when asked (a CMP may install it after Shelfwise). */
  tcfapi(): TcfApi | undefined;
  setTimeout(fn: () => void, ms: number): unknown;
  /** Console output, prefixed by the caller. */
  log(message: string): void;
}

/** How long a CMP may stay silent before the console says so (Shelfwise keeps listening). */
export const CMP_SILENT_MS = 5000;

/**
 * The consent state of one page. `onChange` hears every change of state (the page tells the
 * engine whether it may store: `state === 'granted' || state === 'not-required'`).
 */
export class ConsentController {
  private snapshot: ConsentSnapshot;
  private listening = false;
  private heard = false;
  private readonly listeners = new Set<(s: ConsentSnapshot) => void>();

  constructor(
    readonly required: boolean,
    private readonly host: ConsentHost,
    private readonly rules: TcfRules = DEFAULT_TCF_RULES,
  ) {
    this.snapshot = required
      ? { state: 'waiting', source: 'default', detail: 'this shop asks for consent before anything is stored; none given yet' }
      : { state: 'not-required', source: 'default', detail: 'this shop does not ask for consent' };
  }

  get(): ConsentSnapshot {
    return this.snapshot;
  }

  /** Whether the engine may store and read the shopper's history. */
  allowsStorage(): boolean {
    return this.snapshot.state === 'granted' || this.snapshot.state === 'not-required';
  }

  subscribe(listener: (s: ConsentSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The shop's banner decided (`shelfwise.consent(given)`). Ignored outside consent mode. */
  consent(given: boolean): ConsentSnapshot {
    if (this.required) this.set({ state: given ? 'granted' : 'denied', source: 'api', detail: `shelfwise.consent(${given})` });
    return this.snapshot;
  }

  /**
   * Listens to the CMP, if the page has one. Call once at start (and again later, e.g. on the
   * page's `load`, for a CMP that installs itself after Shelfwise: a second call while listening
   * does nothing). Returns whether a CMP was found.
   */
  listenToCmp(): boolean {
    if (!this.required || this.listening) return this.listening;
    const api = this.host.tcfapi();
    if (typeof api !== 'function') return false;
    this.listening = true;
    try {
      api('addEventListener', 2, (tc, success) => this.onTcData(tc, success));
    } catch (err) {
      this.host.log(`the CMP's __tcfapi threw (${err instanceof Error ? err.message : String(err)}); no consent, nothing is stored`);
      return true;
    }
    this.host.setTimeout(() => {
      if (!this.heard) this.host.log(`the CMP (__tcfapi) has not answered in ${CMP_SILENT_MS / 1000} s; nothing is stored until it gives consent`);
    }, CMP_SILENT_MS);
    return true;
  }

  private onTcData(tc: TcData | null | undefined, success: boolean): void {
    this.heard = true;
    if (!success || !tc || tc.cmpStatus === 'error') {
      this.host.log(`the CMP reported an error${tc?.cmpStatus === 'error' ? ' (cmpStatus "error")' : ''}; consent unchanged (${this.snapshot.state})`);
      return;
    }
    let decision: ReturnType<typeof tcfDecision>;
    try {
      decision = tcfDecision(tc, this.rules);
    } catch (err) {
      this.host.log(`the CMP's TC data could not be read (${err instanceof Error ? err.message : String(err)}); consent unchanged`);
      return;
    }
    if (decision) this.set({ state: decision.granted ? 'granted' : 'denied', source: 'tcf', detail: decision.detail });
  }

  private set(next: ConsentSnapshot): void {
    const prev = this.snapshot;
    this.snapshot = next;
    if (prev.state === next.state) return;
    for (const l of [...this.listeners]) l(next);
  }
}

/** The page's own window as a ConsentHost: `__tcfapi` is looked up each time it is needed. */
export function browserConsentHost(log: (message: string) => void): ConsentHost {
  return {
    tcfapi: () => (globalThis as { __tcfapi?: TcfApi }).__tcfapi,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    log,
  };
}
