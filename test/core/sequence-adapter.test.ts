import { describe, expect, it } from 'vitest';
import { JsCfScorer } from '../../src/core/cf-scorer';
import { DEFAULT_FINE_TUNE, fitAdapter, shopperTransitions } from '../../src/core/sequence-adapter';

/** 6 items in 2 dims: items 0–2 along x, 3–5 along y, a little spread within each. */
const N = 6, D = 2;
const TABLE = Float32Array.from([1, 0, 0.9, 0.2, 0.8, 0.1, 0, 1, 0.2, 0.9, 0.1, 0.8]);
const scorer = new JsCfScorer(TABLE, N, D, new Float32Array(D * D), { alpha0: 0, lambda: 0, nu: 0 });
const bias = new Float32Array(N);
const gradientOf = (q: Float32Array, t: Int32Array) => scorer.softmaxGradient(q, t, bias);

describe('shopperTransitions', () => {
  it('makes the newest `max` prefix → next item pairs, each context at most L items', () => {
    expect(shopperTransitions([10, 11, 12, 13], 2, 2)).toEqual({ contexts: [[10, 11], [11, 12]], targets: [12, 13] });
    expect(shopperTransitions([10, 11, 12], 5, 8)).toEqual({ contexts: [[10], [10, 11]], targets: [11, 12] });
    expect(shopperTransitions([10], 5, 8)).toEqual({ contexts: [], targets: [] });
  });
});

describe('JsCfScorer.softmaxGradient', () => {
  it('is the mean cross-entropy and its gradient w.r.t. the query (finite differences)', async () => {
    const q = Float32Array.from([0.3, -0.2, 0.5, 0.4]); // two queries
    const t = Int32Array.from([4, 1]);
    const b = Float32Array.from([0, 0.1, -0.2, 0.3, 0, 0.5]);
    const lossAt = (qq: Float32Array) => {
      let total = 0;
      for (let r = 0; r < 2; r++) {
        const s = Array.from({ length: N }, (_, i) => qq[r * D] * TABLE[i * D] + qq[r * D + 1] * TABLE[i * D + 1] + b[i]);
        total += Math.log(s.reduce((a, x) => a + Math.exp(x), 0)) - s[t[r]];
      }
      return total / 2;
    };
    const { gradient, loss } = await scorer.softmaxGradient(q, t, b);
    expect(loss).toBeCloseTo(lossAt(q), 5);
    // The gradient w.r.t. a shift δ of every query: the mean of the per-query gradients.
    for (let j = 0; j < D; j++) {
      const h = 1e-3;
      const up = Float32Array.from(q, (v, k) => (k % D === j ? v + h : v));
      const down = Float32Array.from(q, (v, k) => (k % D === j ? v - h : v));
      expect(gradient[j]).toBeCloseTo((lossAt(up) - lossAt(down)) / (2 * h), 3);
    }
  });
});

describe('fitAdapter', () => {
  it('moves a query that points at the x items towards a shopper who always goes on to y items', async () => {
    const zs = [Float32Array.from([2, 0]), Float32Array.from([2, 0.2]), Float32Array.from([1.8, 0])];
    const targets = [3, 4, 3];
    const fit = await fitAdapter(zs, targets, gradientOf, { ...DEFAULT_FINE_TUNE, steps: 40, lr: 0.1, l2: 0 }, { measureAfter: true });
    expect(fit.steps).toBe(40);
    expect(fit.lossAfter).toBeLessThan(fit.lossBefore);
    const shifted = Float32Array.from(zs[0], (v, j) => v + fit.delta[j]);
    const scores = await scorer.scoreAll(shifted);
    const best = scores.indexOf(Math.max(...scores));
    expect(best).toBeGreaterThanOrEqual(3);
  });

  it('the L2 pull keeps the adapter smaller', async () => {
    const zs = [Float32Array.from([2, 0])];
    const free = await fitAdapter(zs, [3], gradientOf, { ...DEFAULT_FINE_TUNE, steps: 30, lr: 0.1, l2: 0 });
    const pulled = await fitAdapter(zs, [3], gradientOf, { ...DEFAULT_FINE_TUNE, steps: 30, lr: 0.1, l2: 5 });
    const norm = (v: Float32Array) => Math.hypot(...v);
    expect(norm(pulled.delta)).toBeLessThan(norm(free.delta));
  });

  it('stops when its time budget runs out (at least one step), and does nothing without examples', async () => {
    let clock = 0;
    const now = () => (clock += 30);
    const fit = await fitAdapter([Float32Array.from([1, 0])], [3], gradientOf, { ...DEFAULT_FINE_TUNE, steps: 10, budgetMs: 50 }, { now });
    expect(fit.steps).toBeGreaterThanOrEqual(1);
    expect(fit.steps).toBeLessThan(10);
    const none = await fitAdapter([], [], gradientOf, DEFAULT_FINE_TUNE);
    expect(none.steps).toBe(0);
  });

  it('a gradient that is not finite leaves the query as it was (adapter 0)', async () => {
    const fit = await fitAdapter([Float32Array.from([1, 0])], [3], async () => ({ gradient: Float32Array.from([NaN, 1]), loss: NaN }), DEFAULT_FINE_TUNE);
    expect(Array.from(fit.delta)).toEqual([0, 0]);
  });
});
