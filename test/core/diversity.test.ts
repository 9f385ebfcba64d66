import { describe, expect, it } from 'vitest';
import {
  catalogCoverage, embeddingCosine, embeddingSimilarity, intraListDiversity, mmrRerank, type Similarity,
} from '../../src/core/diversity';

/** Items 0..5: 0,1,2 near-duplicates; 3,4 near-duplicates; 5 alone. */
const group = [0, 0, 0, 1, 1, 2];
const sim: Similarity = (a, b) => (a === b ? 1 : group[a] === group[b] ? 0.95 : 0.1);
/** Relevance on the fused z-score scale: best first, far outside 0..1. */
const fused = [4.2, 4.1, 4.0, 2.5, 2.4, 1.0];
const rel = (i: number) => fused[i];
const pool = [0, 1, 2, 3, 4, 5];

describe('mmrRerank', () => {
  it('λ = 1 keeps the given order', () => {
    expect(mmrRerank(pool, rel, sim, 6, 1)).toEqual(pool);
    expect(mmrRerank(pool, rel, sim, 3, 1)).toEqual([0, 1, 2]);
    // Even when relevance disagrees with the given order (e.g. pins placed first).
    expect(mmrRerank([5, 0, 1], rel, sim, 3, 1)).toEqual([5, 0, 1]);
  });

  it('spreads near-duplicates: one of each group first', () => {
    expect(mmrRerank(pool, rel, sim, 3, 0.3)).toEqual([0, 3, 5]);
    // Then the duplicates, the more relevant first.
    expect(mmrRerank(pool, rel, sim, 6, 0.3)).toEqual([0, 3, 5, 1, 2, 4]);
    // At λ = 0.5 the least relevant item (rescaled to 0) loses to a second copy of the best group.
    expect(mmrRerank(pool, rel, sim, 3, 0.5)).toEqual([0, 3, 1]);
  });

  it('a high λ only moves a near-duplicate past a clearly less relevant item when it pays', () => {
    // At λ = 0.9 relevance dominates: 1 and 2 are almost as good as 0, so they stay ahead of 5.
    const out = mmrRerank(pool, rel, sim, 4, 0.9);
    expect(out[0]).toBe(0);
    expect(out.slice(0, 4)).toContain(3);
    expect(out).not.toContain(5);
  });

  it('is invariant to the scale and offset of relevance (rescaled to 0..1 over the pool)', () => {
    const a = mmrRerank(pool, rel, sim, 6, 0.7);
    const b = mmrRerank(pool, (i) => 100 * fused[i] - 37, sim, 6, 0.7);
    expect(b).toEqual(a);
  });

  it('handles k beyond the pool, k ≤ 0, an empty pool, constant and non-finite relevance', () => {
    expect(mmrRerank(pool, rel, sim, 50, 0.5)).toHaveLength(6);
    expect(mmrRerank(pool, rel, sim, 0, 0.5)).toEqual([]);
    expect(mmrRerank([], rel, sim, 5, 0.5)).toEqual([]);
    expect(mmrRerank(pool, () => 3, sim, 3, 0.5)).toEqual([0, 3, 5]); // diversity alone decides
    const withNaN = mmrRerank(pool, (i) => (i === 0 ? NaN : fused[i]), sim, 6, 0.8);
    expect(new Set(withNaN)).toEqual(new Set(pool));
    expect(withNaN[0]).toBe(1);
  });

  it('returns each candidate at most once', () => {
    const out = mmrRerank(pool, rel, () => 0.5, 6, 0.3);
    expect(new Set(out).size).toBe(6);
  });
});

describe('metrics', () => {
  it('intraListDiversity: mean pairwise 1 − similarity', () => {
    expect(intraListDiversity([0, 1, 2], sim)).toBeCloseTo(0.05);
    expect(intraListDiversity([0, 3, 5], sim)).toBeCloseTo(0.9);
    // Pairs (0,1)=0.05, (0,3)=0.9, (1,3)=0.9 → 1.85 / 3.
    expect(intraListDiversity([0, 1, 3], sim)).toBeCloseTo(1.85 / 3);
    expect(intraListDiversity([0], sim)).toBe(0);
    expect(intraListDiversity([], sim)).toBe(0);
  });

  it('MMR raises intra-list diversity', () => {
    expect(intraListDiversity(mmrRerank(pool, rel, sim, 3, 0.3), sim)).toBeGreaterThan(intraListDiversity(pool.slice(0, 3), sim));
  });

  it('catalogCoverage: share of items in any list', () => {
    expect(catalogCoverage([[0, 1], [1, 2]], 10)).toBeCloseTo(0.3);
    expect(catalogCoverage([], 10)).toBe(0);
    expect(catalogCoverage([[0, 1, 2, 3]], 4)).toBe(1);
    expect(catalogCoverage([[0, -1, 99]], 4)).toBe(0.25);
    expect(catalogCoverage([[0]], 0)).toBe(0);
  });
});

describe('embedding similarity', () => {
  // d = 2: rows (1,0), (2,0), (0,3), (-1,0), (0,0).
  const e = Float32Array.from([1, 0, 2, 0, 0, 3, -1, 0, 0, 0]);

  it('embeddingCosine: cosine of rows, 0 for a zero row', () => {
    expect(embeddingCosine(e, 2, 0, 1)).toBeCloseTo(1);
    expect(embeddingCosine(e, 2, 0, 2)).toBeCloseTo(0);
    expect(embeddingCosine(e, 2, 0, 3)).toBeCloseTo(-1);
    expect(embeddingCosine(e, 2, 0, 4)).toBe(0);
  });

  it('embeddingSimilarity: the same cosine clamped to 0..1', () => {
    const s = embeddingSimilarity(e, 2);
    expect(s(0, 1)).toBeCloseTo(1);
    expect(s(1, 2)).toBeCloseTo(0);
    expect(s(0, 3)).toBe(0);
    expect(s(4, 4)).toBe(1);
    expect(s(0, 4)).toBe(0);
  });
});
