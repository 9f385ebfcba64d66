import { describe, expect, it } from 'vitest';
import {
  buildReport,
  compareVariants,
  debias,
  DEFAULT_EPSILON_PER_BIT,
  DEFAULT_EPSILON_PER_DAY,
  DEFAULT_EPSILON_PER_REPORT,
  keepProbability,
  normalQuantile,
  pool,
  predictedStdError,
  randomizedResponse,
} from '../../src/core/ldp';
import { mulberry32 } from '../../src/core/random';
import { MAX_REPORT_BYTES, validateReport } from '../../src/shared/report';

/** n noisy reports of a bit that is true with probability `truth`; returns the count of ones. */
function noisyCount(truth: number, n: number, epsilon: number, rand: () => number): number {
  let ones = 0;
  for (let i = 0; i < n; i++) if (randomizedResponse(rand() < truth, epsilon, rand)) ones++;
  return ones;
}

describe('randomized response', () => {
  it('keeps the bit with probability e^ε/(1+e^ε)', () => {
    const rand = mulberry32(1);
    const n = 100_000;
    let kept = 0;
    for (let i = 0; i < n; i++) if (randomizedResponse(true, 1, rand)) kept++;
    expect(keepProbability(1)).toBeCloseTo(Math.E / (1 + Math.E), 12);
    expect(Math.abs(kept / n - keepProbability(1))).toBeLessThan(0.005);
  });

  it('states the default budget: 1 per bit, 2 per report and per day', () => {
    expect([DEFAULT_EPSILON_PER_BIT, DEFAULT_EPSILON_PER_REPORT, DEFAULT_EPSILON_PER_DAY]).toEqual([1, 2, 2]);
  });
});

describe('debias', () => {
  it('is unbiased and its 95% intervals cover the truth about 95% of the time', () => {
    const rand = mulberry32(7);
    const truth = 0.1, n = 2000, runs = 2000;
    let covered = 0, sum = 0;
    for (let r = 0; r < runs; r++) {
      const e = debias(noisyCount(truth, n, 1, rand), n, 1);
      sum += e.estimate;
      if (e.ci95[0] <= truth && truth <= e.ci95[1]) covered++;
    }
    expect(Math.abs(sum / runs - truth)).toBeLessThan(0.002);
    expect(covered / runs).toBeGreaterThan(0.935);
    expect(covered / runs).toBeLessThan(0.965);
  });

  it('widens the interval by the predicted factor when ε is halved', () => {
    const rand = mulberry32(3);
    const n = 20_000;
    const wide = debias(noisyCount(0.1, n, 0.5, rand), n, 0.5);
    const narrow = debias(noisyCount(0.1, n, 1, rand), n, 1);
    const predicted = predictedStdError(0.1, n, 0.5) / predictedStdError(0.1, n, 1);
    expect(predicted).toBeGreaterThan(1.8);
    expect(wide.stdError / narrow.stdError / predicted).toBeCloseTo(1, 1);
  });

  it('never gives a zero-width interval, even on a handful of reports', () => {
    expect(debias(0, 3, 1).stdError).toBeGreaterThan(0.1);
    expect(debias(0, 0, 1)).toMatchObject({ n: 0, ci95: [0, 1] });
  });

  it('pools groups of different ε without bias', () => {
    const a = debias(300, 1000, 1), b = debias(500, 1000, 0.5);
    const pooled = pool([a, b]);
    expect(pooled.n).toBe(2000);
    expect(pooled.estimate).toBeCloseTo((a.estimate + b.estimate) / 2, 12);
    expect(pooled.variance).toBeCloseTo((a.variance + b.variance) / 4, 12);
  });
});

describe('compareVariants', () => {
  it('gives a verdict only when the interval excludes 0', () => {
    const low = debias(3600, 10_000, 1), high = debias(4200, 10_000, 1);
    expect(compareVariants(high, low).verdict).toBe('A better');
    expect(compareVariants(low, high).verdict).toBe('B better');
    const c = compareVariants(debias(360, 1000, 1), debias(370, 1000, 1));
    expect(c.verdict).toBe('no verdict yet');
    expect(c.ci95[0]).toBeLessThan(0);
    expect(c.ci95[1]).toBeGreaterThan(0);
  });

  it('widens the interval for several comparisons (Bonferroni)', () => {
    const a = debias(300, 1000, 1), b = debias(320, 1000, 1);
    const one = compareVariants(a, b), three = compareVariants(a, b, 3);
    expect(three.ci95[1] - three.ci95[0]).toBeGreaterThan(one.ci95[1] - one.ci95[0]);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(1 - 0.025 / 3)).toBeCloseTo(2.39398, 4);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe('report wire format', () => {
  const ok = { v: 1, variant: 'fusion-b', epsilon: 1, bits: { clicked: true, converted: false } };

  it('builds reports holding only the variant, ε and the noised bits', () => {
    const report = buildReport('fusion-b', { clicked: true, converted: false }, 0.5, mulberry32(2));
    expect(Object.keys(report).sort()).toEqual(['bits', 'epsilon', 'v', 'variant']);
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(() => buildReport('a', { clicked: true, converted: true }, 5, Math.random)).toThrow(RangeError);
  });

  it('fits the body limit with room to spare', () => {
    const longest = { ...ok, variant: 'x'.repeat(32), epsilon: 0.35, bits: { clicked: false, converted: false } };
    expect(JSON.stringify(longest).length).toBeLessThan(MAX_REPORT_BYTES / 2);
  });

  it.each([
    ['not an object', [ok], /JSON object/],
    ['an unknown key', { ...ok, itemId: 'sku-1' }, /unknown key "itemId"/],
    ['an unknown bit', { ...ok, bits: { ...ok.bits, viewed: true } }, /unknown key "viewed"/],
    ['a missing bit', { ...ok, bits: { clicked: true } }, /"converted" must be true or false/],
    ['a non-boolean bit', { ...ok, bits: { clicked: 1, converted: false } }, /"clicked"/],
    ['a bad variant', { ...ok, variant: 'Fusion B' }, /"variant"/],
    ['a long variant', { ...ok, variant: 'a'.repeat(33) }, /"variant"/],
    ['too large an ε', { ...ok, epsilon: 3 }, /"epsilon"/],
    ['an off-grid ε', { ...ok, epsilon: 0.73 }, /"epsilon"/],
    ['a wrong version', { ...ok, v: 2 }, /"v" must be 1/],
  ])('rejects %s', (_, body, message) => {
    expect(() => validateReport(body)).toThrow(message);
  });
});
