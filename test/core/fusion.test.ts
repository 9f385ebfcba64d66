import { describe, expect, it } from 'vitest';
import { fuse, zNormalize } from '../../src/core/fusion';

describe('normalising a few candidates as their whole catalogue would', () => {
  it('equals normalising the catalogue itself when the rest is what the population says', () => {
    const few = Float32Array.from([0.9, 0.5, 0.2]);
    const whole = new Float32Array(1000);
    whole.set(few);
    const z = zNormalize(few, { items: 1000, rest: 0 });
    const zWhole = zNormalize(whole);
    for (let i = 0; i < 3; i++) expect(z[i]).toBeCloseTo(zWhole[i], 4);
    // Without the population the same three items get far smaller z-scores.
    expect(zNormalize(few)[0]).toBeLessThan(z[0] / 10);
  });

  it('takes the rest\'s mean and spread for a dense signal, and leaves other signals alone', () => {
    const rest = Float32Array.from({ length: 998 }, (_, i) => (i % 2 ? 1 : 3)); // mean 2, std 1
    const few = Float32Array.from([4, 2]);
    const zWhole = zNormalize(Float32Array.from([...few, ...rest]));
    const fused = fuse(
      [{ name: 'popularity', weight: 1, scores: few }, { name: 'next', weight: 1, scores: Float32Array.from([1, 0]) }],
      2,
      { popularity: { items: 1000, rest: 2, restStd: 1 } },
    );
    expect(fused.parts[0].contribution[0]).toBeCloseTo(zWhole[0], 3);
    expect(fused.parts[1].contribution[0]).toBeCloseTo(1, 5); // over the two given: (1 - 0.5) / 0.5
  });
});

describe('fusing only a list\'s candidates', () => {
  it('gives each candidate the score full fusion gives it, normalised over every item, and no other item a score', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 5000;
    const dense = Float32Array.from({ length: n }, rnd);
    const sparse = new Float32Array(n);
    for (let i = 0; i < n; i += 37) sparse[i] = rnd();
    sparse[3] = NaN; // a signal that knows nothing of item 3
    const signals = [{ name: 'cf' as const, weight: 0.7, scores: dense }, { name: 'cooc' as const, weight: 0.4, scores: sparse }];
    const full = fuse(signals, n);
    const candidates = Int32Array.from([3, 10, 37, 4999]);
    const part = fuse(signals, n, undefined, candidates);
    for (const c of candidates) {
      expect(part.total[c]).toBeCloseTo(full.total[c], 5);
      for (let s = 0; s < 2; s++) expect(part.parts[s].contribution[c]).toBeCloseTo(full.parts[s].contribution[c], 5);
    }
    expect(part.total[11]).toBe(-Infinity);
    expect(part.parts[0].contribution[11]).toBe(0);
    // The top of the full fusion is the top of a candidate fusion over each signal's own top.
    const best = (total: Float32Array) => [...total.keys()].sort((a, b) => total[b] - total[a] || a - b).slice(0, 10);
    const own = (s: Float32Array) => [...s.keys()].filter((i) => Number.isFinite(s[i])).sort((a, b) => s[b] - s[a]).slice(0, 200);
    const union = Int32Array.from(new Set([...own(dense), ...own(sparse)]));
    expect(best(fuse(signals, n, undefined, union).total)).toEqual(best(full.total));
  });
});
