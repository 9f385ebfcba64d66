/**
 * The engine's side of issue 8: outcome counters kept in one meta record, the experiment
 * variant this device runs (stable assignment, or a per-session Thompson-sampling bandit), and
 * the once-a-day private report. The Engine owns one and delegates to it.
 */
import { assignVariant, thompsonChoose } from '../core/experiments';
import { buildReport, DEFAULT_EPSILON_PER_BIT } from '../core/ldp';
import {
  addClick, addImpressions, attributeConversion, dueReport, emptyOutcomes, markReported, NO_EXPERIMENT, pruneDays, readOutcomes,
  SESSION_GAP_MS, summarizeOutcomes, utcDay, variantArms, type Conversion, type DueReport,
} from '../core/outcomes';
import { createRng } from '../core/random';
import type { FusionWeights } from '../shared/model-manifest';
import type { ResolvedMerchantConfig, ResolvedVariant } from '../shared/merchant-config';
import type { ActiveExperiment, OutcomeSummary, StoredOutcomes, Surface } from '../shared/protocol';
import type { Report } from '../shared/report';
import type { EventLog } from '../store/event-log';

/** The meta record holding counters, session, day bits, the device seed and report bookkeeping. */
export const META_OUTCOMES = 'outcomes';

export interface ExperimentHost {
  log(): EventLog | undefined;
  now(): number;
  /** Uniform in [0, 1): randomized response, seeds and Thompson draws. */
  random(): number;
  paused(): boolean;
}

/** Uniform [0, 1) from the platform's CSPRNG: randomized response must not be predictable. */
export function cryptoRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
}

type Update = (s: StoredOutcomes) => void;

export class ExperimentRunner {
  /** This tab's view of the record; every change is applied here at once and to the stored record in order. */
  private mem: StoredOutcomes = emptyOutcomes();
  private queue: Update[] = [];
  private writing: Promise<void> = Promise.resolve();
  private config?: ResolvedMerchantConfig;
  private reportUrl?: string;
  /** Bumped by `reset`: a write that was in flight during an erase must not bring old counts back. */
  private generation = 0;

  constructor(private readonly host: ExperimentHost) {}

  /** Reads the stored record (at start, and when another tab changed the store). */
  async load(): Promise<void> {
    await this.writing;
    const log = this.host.log();
    this.mem = readOutcomes(await log?.getMeta(META_OUTCOMES).catch(() => undefined));
  }

  /** The merchant's experiment and reports; `base` resolves a relative report URL. */
  configure(config: ResolvedMerchantConfig, base: string): void {
    this.config = config;
    this.reportUrl = config.reports && URL.canParse(config.reports.url, base) ? new URL(config.reports.url, base).href : undefined;
  }

  /** Forgets everything (the store was erased): counters, seed, session and report bookkeeping. */
  reset(): void {
    this.generation++;
    this.queue = [];
    this.mem = emptyOutcomes();
  }

  /**
   * The variant this device runs now, or undefined without an experiment or while paused (a
   * paused shopper gets the shop's defaults, and nothing is drawn or stored for them).
   */
  variant(): ResolvedVariant | undefined {
    const exp = this.config?.experiments;
    if (!exp || this.host.paused()) return undefined;
    const names = exp.variants.map((v) => v.name);
    let name: string;
    if (exp.bandit) {
      const now = this.host.now();
      const s = this.mem.session;
      const current = s && now - s.last <= SESSION_GAP_MS && now >= s.start ? s.banditVariant : undefined;
      if (current !== undefined && names.includes(current)) {
        name = current;
      } else {
        // Once per session, so a page never flips between variants while the shopper looks at it.
        const choice = thompsonChoose(variantArms(this.mem, names), createRng(Math.floor(this.host.random() * 2 ** 32)));
        void this.update((st) => {
          const live = st.session && now - st.session.last <= SESSION_GAP_MS && now >= st.session.start;
          if (!live) st.session = { start: now, last: now, opened: [] };
          // Another tab may have chosen for this session already: one arm per session, theirs.
          if (!names.includes(st.session!.banditVariant ?? '')) st.session!.banditVariant = choice;
        });
        name = choice;
      }
    } else {
      name = assignVariant(exp.variants, this.deviceSeed(), exp.name);
    }
    return exp.variants.find((v) => v.name === name);
  }

  experiment(): ActiveExperiment | undefined {
    const exp = this.config?.experiments;
    const v = this.variant();
    if (!exp || !v) return undefined;
    return v.surfaceOrder ? { name: exp.name, variant: v.name, surfaceOrder: [...v.surfaceOrder] } : { name: exp.name, variant: v.name };
  }

  /** The model's fusion weights with the variant's overrides. */
  fusionWeights(base: FusionWeights): FusionWeights {
    const fusion = this.variant()?.fusion;
    return fusion ? { ...base, ...fusion } : base;
  }

  /** The variant's MMR λ, or `fallback`. */
  diversity(fallback: number): number {
    return this.variant()?.diversity ?? fallback;
  }

  noteImpressions(surface: Surface, count: number): Promise<void> {
    const variant = this.variantName(), now = this.host.now();
    return this.update((s) => addImpressions(s, now, surface, count, variant));
  }

  noteClick(surface: Surface, position: number, itemId: string): Promise<void> {
    const variant = this.variantName(), now = this.host.now();
    return this.update((s) => addClick(s, now, surface, position, itemId, variant));
  }

  noteConversion(type: Conversion, itemId: string): Promise<void> {
    const now = this.host.now();
    return this.update((s) => void attributeConversion(s, now, type, itemId));
  }

  summary(): OutcomeSummary {
    const summary = summarizeOutcomes(this.mem, this.config?.experiments ? this.variant()?.name : undefined);
    if (this.reportUrl) summary.reports = { epsilonPerBit: this.epsilon() };
    return summary;
  }

  private epsilon(): number {
    return this.config?.reports?.epsilon ?? DEFAULT_EPSILON_PER_BIT;
  }

  stored(): StoredOutcomes {
    return structuredClone(this.mem);
  }

  /**
   * Sends the report due today, if reports are on and the shopper has not paused: at most one per
   * UTC day, about an earlier day, marked as spent before it is sent so that a failure or a
   * second tab never sends another. Only {v, variant, epsilon, bits} leave the device.
   */
  async maybeReport(): Promise<void> {
    const url = this.reportUrl;
    if (!url || this.host.paused()) return;
    const now = this.host.now();
    const today = utcDay(now);
    if (!dueReport(this.mem, today)) return;
    // The claim is decided on the stored record (applied last, after this tab's copy): of two tabs
    // opening on a new day, the second finds the day spent and sends nothing.
    const claim: { due?: DueReport } = {};
    await this.update((s) => {
      claim.due = dueReport(s, today);
      if (claim.due) markReported(s, today, claim.due.day);
      pruneDays(s, now);
    });
    const due = claim.due;
    if (!due) return;
    // A variant the merchant no longer runs would be refused by the collector: spent, not sent.
    const known = this.config?.experiments ? this.config.experiments.variants.some((v) => v.name === due.variant) : due.variant === NO_EXPERIMENT;
    if (!known) return;
    const report = buildReport(due.variant, due.bits, this.epsilon(), () => this.host.random());
    await sendReport(url, report);
  }

  /** Waits for queued writes. */
  flushed(): Promise<void> {
    return this.writing;
  }

  private variantName(): string {
    return this.variant()?.name ?? NO_EXPERIMENT;
  }

  /** The device seed, drawn once and kept in the record; it never leaves the device. */
  private deviceSeed(): number {
    if (this.mem.deviceSeed === undefined) {
      const seed = Math.floor(this.host.random() * 2 ** 32);
      // The first seed stored wins, should another tab have drawn one at the same moment.
      void this.update((s) => {
        s.deviceSeed ??= seed;
      });
    }
    return this.mem.deviceSeed!;
  }

  /**
   * Applies a change here at once, then to the stored record re-read from the store (so another
   * tab's changes, or its erase, are kept): read-modify-write of one record, in order.
   */
  private update(fn: Update): Promise<void> {
    fn(this.mem);
    this.queue.push(fn);
    this.writing = this.writing.then(() => this.flush()).catch((err: unknown) => {
      console.warn(`[shelfwise] outcome counters not saved: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.writing;
  }

  private async flush(): Promise<void> {
    const log = this.host.log();
    if (this.queue.length === 0 || !log) return;
    const batch = this.queue.splice(0);
    const generation = this.generation;
    const stored = await withLock(async () => {
      const record = readOutcomes(await log.getMeta(META_OUTCOMES));
      for (const fn of batch) fn(record);
      await log.setMeta(META_OUTCOMES, record);
      return record;
    });
    if (generation !== this.generation) return;
    // Changes made meanwhile are applied again on top of what is now stored.
    const mem = structuredClone(stored);
    for (const fn of this.queue) fn(mem);
    this.mem = mem;
  }
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}
let localLock: Promise<unknown> = Promise.resolve();

/**
 * Runs a read-modify-write of the record alone: across the tabs of the origin with the Web Locks
 * API (the get and put are two IndexedDB transactions), within this realm without it (Node).
 */
function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks) return locks.request(`shelfwise:${META_OUTCOMES}`, fn);
  const run = localLock.then(fn);
  localLock = run.catch(() => undefined);
  return run;
}

/**
 * The report request: a simple CORS POST (text/plain needs no preflight), no cookies, and
 * `keepalive` so a closing page does not cancel it. Failures are only logged: no retry.
 */
async function sendReport(url: string, report: Report): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(report), headers: { 'content-type': 'text/plain' }, credentials: 'omit', referrerPolicy: 'no-referrer', keepalive: true });
    if (!res.ok) console.warn(`[shelfwise] report not accepted: HTTP ${res.status}`);
  } catch (err) {
    console.warn(`[shelfwise] report not sent: ${err instanceof Error ? err.message : String(err)}`);
  }
}
