import { describe, expect, it } from 'vitest';
import { cooccurrence, nextItems } from '../../src/core/neighbours';
import { popularity, trending } from '../../src/core/popularity';

const rows = (t: { k: number; index: Int32Array; weight: Float32Array }, i: number) =>
  Array.from(t.index.slice(i * t.k, i * t.k + t.k));
const weights = (t: { k: number; weight: Float32Array }, i: number) => Array.from(t.weight.slice(i * t.k, i * t.k + t.k));

describe('cooccurrence', () => {
  // Item counts: 0:3 users, 1:2, 2:2, 3:1. Pairs: (0,1):2, (0,2):1, (1,2):0, (2,3):1, (0,3):0.
  const seqs = [[0, 1], [1, 0, 0], [0, 2], [2, 3]];
  const t = cooccurrence(seqs, 5, 3);

  it('ranks by cosine count(i,j)/sqrt(count(i)·count(j)) and pads with -1', () => {
    expect(rows(t, 0)).toEqual([1, 2, -1]);
    expect(weights(t, 0)[0]).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
    expect(weights(t, 0)[1]).toBeCloseTo(1 / Math.sqrt(3 * 2), 6);
    expect(rows(t, 2)).toEqual([3, 0, -1]); // 1/√2 > 1/√6
    expect(weights(t, 2)[0]).toBeCloseTo(1 / Math.sqrt(2), 6);
    expect(rows(t, 4)).toEqual([-1, -1, -1]);
    expect(weights(t, 4)).toEqual([0, 0, 0]);
  });
});

describe('nextItems', () => {
  it('weights followers by 1/distance within 3 positions, normalised per row', () => {
    const t = nextItems([[0, 1, 2, 3, 4]], 5, 4);
    // From 0: 1 (1), 2 (1/2), 3 (1/3); 4 is 4 positions away. Total 11/6.
    expect(rows(t, 0)).toEqual([1, 2, 3, -1]);
    const w = weights(t, 0);
    expect(w[0]).toBeCloseTo(6 / 11, 6);
    expect(w[1]).toBeCloseTo(3 / 11, 6);
    expect(w[2]).toBeCloseTo(2 / 11, 6);
    expect(rows(t, 4)).toEqual([-1, -1, -1, -1]);
  });

  it('accumulates across users and breaks ties by item index', () => {
    const t = nextItems([[0, 2], [0, 1], [0, 1]], 3, 2);
    expect(rows(t, 0)).toEqual([1, 2]);
    expect(weights(t, 0)[0]).toBeCloseTo(2 / 3, 6);
    const tie = nextItems([[0, 2], [0, 1]], 3, 2);
    expect(rows(tie, 0)).toEqual([1, 2]);
  });
});

describe('popularity', () => {
  it('counts users (log1p) and recent positions for trending', () => {
    const seqs = [[0, 1, 2], [2, 0], [1]];
    expect(Array.from(popularity(seqs, 4))).toEqual([Math.log1p(2), Math.log1p(2), Math.log1p(2), 0].map(Math.fround));
    // Last 2 positions: [1,2], [2,0], [1] → 0:1, 1:2, 2:2.
    expect(Array.from(trending(seqs, 4))).toEqual([Math.log1p(1), Math.log1p(2), Math.log1p(2), 0].map(Math.fround));
  });
});
