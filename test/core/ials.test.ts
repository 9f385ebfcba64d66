import { describe, expect, it } from 'vitest';
import { choleskySolve, foldInUser, gramMatrix64, ialsLoss, trainIALS } from '../../src/core/ials';
import { createRng } from '../../src/core/random';

/**
 * A checkerboard of tastes: users 0..39 take random items from group A (0..19), users 40..79
 * from group B (20..39).
 */
function checkerboard(seed = 3): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: 80 }, (_, u) => {
    const base = u < 40 ? 0 : 20;
    const items = new Set<number>();
    while (items.size < 6) items.add(base + Math.floor(rng.next() * 20));
    return [...items];
  });
}

const OPTS = { dim: 4, alpha0: 0.1, lambda: 0.1, nu: 1, epochs: 8, seed: 42 };

describe('trainIALS', () => {
  const data = checkerboard();

  it('is deterministic for a fixed seed', () => {
    const a = trainIALS(data, 80, 40, OPTS);
    const b = trainIALS(data, 80, 40, OPTS);
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    const c = trainIALS(data, 80, 40, { ...OPTS, seed: 7 });
    expect(Array.from(c.itemFactors)).not.toEqual(Array.from(a.itemFactors));
  });

  it('decreases the loss every epoch (exact alternating minimisation)', () => {
    const losses: number[] = [];
    trainIALS(data, 80, 40, {
      ...OPTS,
      onEpoch: (_, s) => losses.push(ialsLoss(data, s.userFactors, s.itemFactors, 80, 40, OPTS)),
    });
    for (let e = 1; e < losses.length; e++) expect(losses[e]).toBeLessThanOrEqual(losses[e - 1] + 1e-9);
  });

  it('ranks a folded-in group-A user\'s unseen group-A items above all group-B items', () => {
    for (const cgSteps of [0, 3]) {
      const model = trainIALS(data, 80, 40, { ...OPTS, cgSteps });
      const g = gramMatrix64(model.itemFactors, 40, OPTS.dim);
      const history = [0, 3, 5, 8];
      const w = foldInUser(model.itemFactors, g, history, undefined, OPTS);
      const scores = Array.from({ length: 40 }, (_, i) => {
        let s = 0;
        for (let k = 0; k < OPTS.dim; k++) s += w[k] * model.itemFactors[i * OPTS.dim + k];
        return s;
      });
      const top = scores.map((s, i) => [s, i]).filter(([, i]) => !history.includes(i)).sort((a, b) => b[0] - a[0]);
      expect(top.slice(0, 16).every(([, i]) => i < 20)).toBe(true);
    }
  });

  it('CG steps converge towards the exact solution', () => {
    const exact = trainIALS(data, 80, 40, { ...OPTS, epochs: 15 });
    const cg = trainIALS(data, 80, 40, { ...OPTS, epochs: 15, cgSteps: 8 });
    const le = ialsLoss(data, exact.userFactors, exact.itemFactors, 80, 40, OPTS);
    const lc = ialsLoss(data, cg.userFactors, cg.itemFactors, 80, 40, OPTS);
    expect(Math.abs(lc - le) / le).toBeLessThan(0.02);
  });
});

describe('foldInUser', () => {
  it('solves the normal equations exactly', () => {
    const rng = createRng(5);
    const n = 30, d = 6;
    const h = Float32Array.from({ length: n * d }, () => rng.gaussian());
    const g = gramMatrix64(h, n, d);
    const items = [2, 7, 11, 29], weights = [1, 2, 0.5, 1];
    const o = { alpha0: 0.2, lambda: 0.05, nu: 1 };
    const w = foldInUser(h, Float32Array.from(g), items, weights, o);
    // Build A = Σ c h hᵀ + α0 G + λ(|I| + α0 n) I and b = Σ c h, then check A w = b.
    const reg = o.lambda * (items.length + o.alpha0 * n);
    for (let i = 0; i < d; i++) {
      let lhs = reg * w[i], rhs = 0;
      for (let j = 0; j < d; j++) lhs += o.alpha0 * g[i * d + j] * w[j];
      items.forEach((it, k) => {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += h[it * d + j] * w[j];
        lhs += weights[k] * h[it * d + i] * dot;
        rhs += weights[k] * h[it * d + i];
      });
      expect(lhs).toBeCloseTo(rhs, 5);
    }
  });

  it('reproduces the user step of training (same formula as trainIALS)', () => {
    const data = checkerboard();
    const snapshots: { h: Float64Array; w: Float64Array }[] = [];
    trainIALS(data, 80, 40, { ...OPTS, epochs: 2, onEpoch: (_, s) => snapshots.push({ h: s.itemFactors.slice(), w: s.userFactors.slice() }) });
    // Epoch 2 solves users against the item factors left by epoch 1.
    const h1 = snapshots[0].h, w2 = snapshots[1].w, d = OPTS.dim;
    const g = gramMatrix64(h1, 40, d);
    for (const u of [0, 17, 45, 79]) {
      const w = foldInUser(h1, g, data[u], undefined, OPTS);
      for (let k = 0; k < d; k++) expect(w[k]).toBeCloseTo(w2[u * d + k], 10);
    }
  });

  it('returns zeros for an empty history', () => {
    const w = foldInUser(new Float32Array(12), new Float32Array(4), [], undefined, { alpha0: 1, lambda: 1, nu: 1 });
    expect(Array.from(w)).toEqual([0, 0]);
  });
});

describe('choleskySolve', () => {
  it('solves a small SPD system', () => {
    const a = Float64Array.from([4, 0, 2, 3]); // lower triangle of [[4,2],[2,3]]
    const b = Float64Array.from([2, 1]);
    choleskySolve(a, b, 2);
    expect(b[0]).toBeCloseTo(0.5, 12);
    expect(b[1]).toBeCloseTo(0, 12);
  });
});
