import { describe, expect, it } from 'vitest';
import { thompsonChoose } from '../../src/core/experiments';
import { createRng, mulberry32 } from '../../src/core/random';
import {
  addClick, addImpressions, attributeConversion, dueReport, emptyOutcomes, markReported, pruneDays, readOutcomes, SESSION_GAP_MS,
  summarizeOutcomes, touchSession, utcDay, variantArms,
} from '../../src/core/outcomes';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('outcome counters', () => {
  it('counts one impression per position, per surface and variant', () => {
    const s = emptyOutcomes();
    addImpressions(s, T0, 'trending', 3, 'a');
    addImpressions(s, T0, 'trending', 2, 'a');
    addImpressions(s, T0, 'for-you', 1, 'b');
    const trending = s.cells.filter((c) => c.surface === 'trending').sort((x, y) => x.position - y.position);
    expect(trending.map((c) => [c.position, c.impressions])).toEqual([[0, 2], [1, 2], [2, 1]]);
    expect(s.cells.find((c) => c.surface === 'for-you')).toMatchObject({ position: 0, variant: 'b', impressions: 1 });
    const sum = summarizeOutcomes(s);
    expect(sum.bySurface.map((x) => [x.surface, x.impressions])).toEqual([['for-you', 1], ['trending', 5]]);
    expect(sum.total.impressions).toBe(6);
  });

  it('a cart add and a purchase of a clicked item in the same session are credited to its card', () => {
    const s = emptyOutcomes();
    addImpressions(s, T0, 'trending', 5, 'a');
    addClick(s, T0 + MIN, 'trending', 3, 'it-7', 'a');
    expect(attributeConversion(s, T0 + 2 * MIN, 'add_to_cart', 'it-7')).toMatchObject({ surface: 'trending', position: 3 });
    expect(attributeConversion(s, T0 + 3 * MIN, 'purchase', 'it-7')).toBeDefined();
    const c = s.cells.find((x) => x.surface === 'trending' && x.position === 3)!;
    expect(c).toMatchObject({ impressions: 1, clicks: 1, addToCart: 1, purchases: 1, variant: 'a' });
    expect(s.days[utcDay(T0)].a).toEqual({ impressions: 5, clicked: true, converted: true });
  });

  it('credits each card once per kind, and never an item that was not clicked', () => {
    const s = emptyOutcomes();
    addClick(s, T0, 'for-you', 0, 'it-1', 'a');
    expect(attributeConversion(s, T0 + MIN, 'add_to_cart', 'it-1')).toBeDefined();
    expect(attributeConversion(s, T0 + 2 * MIN, 'add_to_cart', 'it-1')).toBeUndefined();
    expect(attributeConversion(s, T0 + 2 * MIN, 'purchase', 'it-2')).toBeUndefined();
    expect(summarizeOutcomes(s).total).toEqual({ impressions: 0, clicks: 1, addToCart: 1, purchases: 0 });
  });

  it('30 minutes without activity end the session: a later purchase is not credited', () => {
    const s = emptyOutcomes();
    addClick(s, T0, 'for-you', 0, 'it-1', 'a');
    // Activity within the gap keeps the session alive, however long it lasts in total.
    for (let t = T0 + 20 * MIN; t < T0 + 100 * MIN; t += 20 * MIN) expect(touchSession(s, t)).toBe(false);
    expect(attributeConversion(s, T0 + 100 * MIN, 'purchase', 'it-1')).toBeDefined();
    addClick(s, T0 + 101 * MIN, 'for-you', 1, 'it-2', 'a');
    expect(attributeConversion(s, T0 + 101 * MIN + SESSION_GAP_MS + 1, 'purchase', 'it-2')).toBeUndefined();
    expect(summarizeOutcomes(s).total.purchases).toBe(1);
  });

  it('bandit arms: clicks are successes, impressions without a click failures', () => {
    const s = emptyOutcomes();
    addImpressions(s, T0, 'trending', 10, 'a');
    addClick(s, T0, 'trending', 0, 'x', 'a');
    addImpressions(s, T0, 'trending', 4, 'b');
    expect(variantArms(s, ['a', 'b', 'c'])).toEqual([
      { name: 'a', successes: 1, failures: 9 },
      { name: 'b', successes: 0, failures: 4 },
      { name: 'c', successes: 0, failures: 0 },
    ]);
  });

  it('the bandit over these arms, on 2,000 simulated devices: B (twice A\'s CTR) gets the later sessions', () => {
    // Each device: 300 sessions of 5 cards, each opened with its arm's CTR (A 10%, B 20%).
    const shares: number[] = [];
    for (let seed = 1; seed <= 2000; seed++) {
      const s = emptyOutcomes();
      const rng = createRng(seed), user = mulberry32(seed * 7919);
      let onB = 0;
      for (let k = 0; k < 300; k++) {
        const arm = thompsonChoose(variantArms(s, ['a', 'b']), rng);
        if (k >= 200 && arm === 'b') onB++;
        addImpressions(s, T0 + k * DAY, 'for-you', 5, arm);
        for (let p = 0; p < 5; p++) if (user() < (arm === 'a' ? 0.1 : 0.2)) addClick(s, T0 + k * DAY, 'for-you', p, 'x', arm);
      }
      shares.push(onB / 100);
    }
    shares.sort((x, y) => x - y);
    const [p5, median] = [shares[100], shares[1000]];
    console.log(`bandit, 2,000 devices, share of sessions 201-300 on B: median ${median}, 5th percentile ${p5}, at most 0.7: ${shares.filter((x) => x <= 0.7).length}`);
    expect(median).toBeGreaterThan(0.95);
    expect(p5).toBeGreaterThan(0.9);
    expect(shares.filter((x) => x <= 0.7).length).toBeLessThanOrEqual(4); // e2e/experiments.spec.ts relies on this
  });

  it('reads an unreadable record as empty', () => {
    expect(readOutcomes(undefined)).toEqual(emptyOutcomes());
    expect(readOutcomes({ version: 2, cells: [], days: {} })).toEqual(emptyOutcomes());
    expect(readOutcomes('x')).toEqual(emptyOutcomes());
  });
});

describe('the daily report', () => {
  it('is due on a later day, about the latest earlier day with impressions, and only once that day', () => {
    const s = emptyOutcomes();
    addImpressions(s, T0, 'trending', 4, 'a');
    expect(dueReport(s, utcDay(T0))).toBeUndefined(); // never the same day
    addClick(s, T0 + DAY, 'trending', 0, 'x', 'a');
    addImpressions(s, T0 + DAY, 'trending', 4, 'a');
    const today = utcDay(T0 + 3 * DAY);
    const due = dueReport(s, today)!;
    expect(due).toEqual({ day: utcDay(T0 + DAY), variant: 'a', bits: { clicked: true, converted: false } });
    markReported(s, today, due.day);
    expect(dueReport(s, today)).toBeUndefined();
    expect(Object.keys(s.days)).toEqual([]); // both days spent: the older one is never reported
    expect(dueReport(s, utcDay(T0 + 4 * DAY))).toBeUndefined(); // no new active day
  });

  it('a day without impressions (only a click) is not reported; a bandit day reports the variant shown most', () => {
    const s = emptyOutcomes();
    addClick(s, T0, 'trending', 0, 'x', 'a');
    expect(dueReport(s, utcDay(T0 + DAY))).toBeUndefined();
    addImpressions(s, T0, 'trending', 2, 'a');
    addImpressions(s, T0, 'trending', 5, 'b');
    expect(dueReport(s, utcDay(T0 + DAY))).toEqual({ day: utcDay(T0), variant: 'b', bits: { clicked: false, converted: false } });
  });

  it('forgets days older than two weeks', () => {
    const s = emptyOutcomes();
    addImpressions(s, T0, 'trending', 1, 'a');
    addImpressions(s, T0 + 10 * DAY, 'trending', 1, 'a');
    pruneDays(s, T0 + 15 * DAY);
    expect(Object.keys(s.days)).toEqual([utcDay(T0 + 10 * DAY)]);
  });
});
