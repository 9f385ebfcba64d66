/**
 * On-device outcome counters: impressions, clicks, and the add-to-cart and purchases that follow a
 * click on a recommended card within the same session, per surface, position and variant. Also
 * the per-day bits a private report is built from, and the arms of the variant bandit.
 * Pure: the caller passes the time; functions update the state they are given in place.
 */
import type { Arm } from './experiments';
import type { DayOutcome, OpenedCard, OutcomeCell, OutcomeCounts, OutcomeSummary, StoredOutcomes, Surface } from '../shared/protocol';
import { SURFACES } from '../shared/protocol';

/** 30 minutes without activity end a session (the common web-analytics convention). */
export const SESSION_GAP_MS = 30 * 60 * 1000;
/** Cards opened in a session that can still be credited with a conversion (oldest dropped). */
export const MAX_OPENED = 50;
/** Day records kept for a report at most this long (a device not seen for two weeks skips them). */
export const KEEP_DAYS = 14;
/** Positions past this are counted here: lists are at most 100 long. */
export const MAX_POSITION = 99;
/** The variant name of a device when the merchant runs no experiment. */
export const NO_EXPERIMENT = 'default';

export type Conversion = 'add_to_cart' | 'purchase';

export function emptyOutcomes(): StoredOutcomes {
  return { version: 1, cells: [], days: {} };
}

const zero = (): OutcomeCounts => ({ impressions: 0, clicks: 0, addToCart: 0, purchases: 0 });

/** The stored record, or an empty one for anything unreadable (a damaged record must not break the shop). */
export function readOutcomes(x: unknown): StoredOutcomes {
  const s = x as Partial<StoredOutcomes> | undefined;
  if (!s || s.version !== 1 || !Array.isArray(s.cells) || typeof s.days !== 'object' || s.days === null) return emptyOutcomes();
  return s as StoredOutcomes;
}

/** UTC calendar day of a timestamp, YYYY-MM-DD: reports are counted per UTC day. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Starts a new session after SESSION_GAP_MS of inactivity (forgetting its opened cards); true if it did. */
export function touchSession(state: StoredOutcomes, now: number): boolean {
  const s = state.session;
  if (s && now - s.last <= SESSION_GAP_MS && now >= s.start) {
    s.last = Math.max(s.last, now);
    return false;
  }
  state.session = { start: now, last: now, opened: [] };
  return true;
}

function cell(state: StoredOutcomes, surface: Surface, position: number, variant: string): OutcomeCell {
  const p = Math.min(Math.max(0, Math.floor(position)), MAX_POSITION);
  let c = state.cells.find((x) => x.surface === surface && x.position === p && x.variant === variant);
  if (!c) {
    c = { surface, position: p, variant, ...zero() };
    state.cells.push(c);
  }
  return c;
}

function day(state: StoredOutcomes, now: number, variant: string): DayOutcome {
  const d = (state.days[utcDay(now)] ??= {});
  return (d[variant] ??= { impressions: 0, clicked: false, converted: false });
}

/** A list of `count` cards of `surface` reached the screen: one impression per position. */
export function addImpressions(state: StoredOutcomes, now: number, surface: Surface, count: number, variant: string): void {
  touchSession(state, now);
  const n = Math.min(Math.max(0, Math.floor(count)), MAX_POSITION + 1);
  for (let p = 0; p < n; p++) cell(state, surface, p, variant).impressions++;
  if (n > 0) day(state, now, variant).impressions += n;
}

/** The shopper opened the card at `position` of `surface`; a later conversion of the item is credited to it. */
export function addClick(state: StoredOutcomes, now: number, surface: Surface, position: number, itemId: string, variant: string): void {
  touchSession(state, now);
  const c = cell(state, surface, position, variant);
  c.clicks++;
  const opened = state.session!.opened;
  opened.push({ itemId, surface, position: c.position, variant, ts: now });
  if (opened.length > MAX_OPENED) opened.splice(0, opened.length - MAX_OPENED);
  day(state, now, variant).clicked = true;
}

/**
 * An add-to-cart or purchase: credited to the latest card of that item opened earlier in this
 * session, once per card and kind. Returns the card credited, if any.
 */
export function attributeConversion(state: StoredOutcomes, now: number, type: Conversion, itemId: string): OpenedCard | undefined {
  touchSession(state, now);
  const opened = state.session!.opened;
  const key = type === 'add_to_cart' ? 'addToCart' : 'purchase';
  for (let i = opened.length - 1; i >= 0; i--) {
    const card = opened[i];
    if (card.itemId !== itemId || card.ts > now) continue;
    if (card[key]) return undefined;
    card[key] = true;
    const c = cell(state, card.surface, card.position, card.variant);
    if (type === 'add_to_cart') c.addToCart++;
    else c.purchases++;
    day(state, now, card.variant).converted = true;
    return card;
  }
  return undefined;
}

function add(into: OutcomeCounts, c: OutcomeCounts): void {
  into.impressions += c.impressions;
  into.clicks += c.clicks;
  into.addToCart += c.addToCart;
  into.purchases += c.purchases;
}

/** Totals per surface (in SURFACES order, only those with impressions or clicks) and overall. */
export function summarizeOutcomes(state: StoredOutcomes, variant?: string): OutcomeSummary {
  const total = zero();
  const bySurface = SURFACES.map((surface) => {
    const t = { surface, ...zero() };
    for (const c of state.cells) if (c.surface === surface) add(t, c);
    add(total, t);
    return t;
  }).filter((t) => t.impressions > 0 || t.clicks > 0);
  return variant === undefined ? { bySurface, total } : { bySurface, total, variant };
}

/** Totals per variant, e.g. for the bandit. */
export function totalsByVariant(state: StoredOutcomes): Map<string, OutcomeCounts> {
  const out = new Map<string, OutcomeCounts>();
  for (const c of state.cells) {
    const t = out.get(c.variant) ?? zero();
    add(t, c);
    out.set(c.variant, t);
  }
  return out;
}

/** Bandit arms: clicks are successes, impressions without a click failures (a Beta-Bernoulli CTR per arm). */
export function variantArms(state: StoredOutcomes, variants: readonly string[]): Arm[] {
  const totals = totalsByVariant(state);
  return variants.map((name) => {
    const t = totals.get(name) ?? zero();
    return { name, successes: t.clicks, failures: Math.max(0, t.impressions - t.clicks) };
  });
}

/** What one day's report says: the variant and its true bits, before randomized response. */
export interface DueReport {
  day: string;
  variant: string;
  bits: { clicked: boolean; converted: boolean };
}

/**
 * The report due today, if any: at most one per UTC day, about the latest earlier day with
 * impressions not yet reported. It is sent at a later visit whatever that day's outcome, so neither
 * its timing nor its presence gives a click away. A day with several variants (a bandit that
 * switched) reports the one shown most.
 */
export function dueReport(state: StoredOutcomes, today: string): DueReport | undefined {
  if (state.lastReportSentOn !== undefined && state.lastReportSentOn >= today) return undefined;
  const days = Object.keys(state.days)
    .filter((d) => d < today && (state.reportedThrough === undefined || d > state.reportedThrough))
    .sort();
  for (let i = days.length - 1; i >= 0; i--) {
    const byVariant = Object.entries(state.days[days[i]]).filter(([, o]) => o.impressions > 0);
    if (byVariant.length === 0) continue;
    const [variant, o] = byVariant.reduce((best, x) => (x[1].impressions > best[1].impressions ? x : best));
    return { day: days[i], variant, bits: { clicked: o.clicked, converted: o.converted } };
  }
  return undefined;
}

/** Marks today's report as spent (sent, or skipped) for `aboutDay`, and forgets the days it covered. */
export function markReported(state: StoredOutcomes, today: string, aboutDay: string): void {
  state.lastReportSentOn = today;
  if (state.reportedThrough === undefined || aboutDay > state.reportedThrough) state.reportedThrough = aboutDay;
  for (const d of Object.keys(state.days)) if (d <= state.reportedThrough) delete state.days[d];
}

/** Drops day records older than KEEP_DAYS (never reported: the device was away too long). */
export function pruneDays(state: StoredOutcomes, now: number): void {
  const oldest = utcDay(now - KEEP_DAYS * 24 * 60 * 60 * 1000);
  for (const d of Object.keys(state.days)) if (d < oldest) delete state.days[d];
}
