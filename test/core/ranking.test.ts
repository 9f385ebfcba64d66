import { describe, expect, it } from 'vitest';
import { ContentIndex, tokenize } from '../../src/core/content-index';
import { dominantSignal, fuse, zNormalize } from '../../src/core/fusion';
import { summarizeHistory } from '../../src/core/history';
import { EVENT_WEIGHTS } from '../../src/shared/protocol';
import { spreadNeighbours } from '../../src/core/signals';
import { topK } from '../../src/core/top-k';

describe('topK', () => {
  it('returns the k best in order, ties to the lower index, skipping excluded and non-finite', () => {
    const scores = [0.5, 2, NaN, 2, -1, 9, Infinity];
    expect(topK(scores, 3)).toEqual([5, 1, 3]);
    expect(topK(scores, 3, (i) => i === 5)).toEqual([1, 3, 0]);
    expect(topK(scores, 0)).toEqual([]);
    expect(topK([1], 5)).toEqual([0]);
  });

  it('agrees with a full sort on random data', () => {
    let s = 1;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const scores = Float32Array.from({ length: 5000 }, () => Math.round(rnd() * 100) / 100);
    const sorted = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
    expect(topK(scores, 50)).toEqual(sorted.slice(0, 50));
  });
});

describe('fusion', () => {
  it('z-normalises, treating NaN and constants as no opinion', () => {
    const z = zNormalize(Float32Array.from([1, 2, 3, NaN]));
    expect(z[0]).toBeCloseTo(-1.2247, 3);
    expect(z[2]).toBeCloseTo(1.2247, 3);
    expect(z[3]).toBe(0);
    expect(Array.from(zNormalize(Float32Array.from([4, 4, 4])))).toEqual([0, 0, 0]);
  });

  it('sums weighted signals and names the one that contributed most', () => {
    const fused = fuse(
      [
        { name: 'cf', weight: 1, scores: Float32Array.from([3, 0, 0]) },
        { name: 'content', weight: 2, scores: Float32Array.from([0, 3, 0]) },
        { name: 'next', weight: 0, scores: Float32Array.from([0, 0, 9]) },
      ],
      3,
    );
    expect(fused.parts.map((p) => p.name)).toEqual(['cf', 'content']); // zero weight dropped
    expect(fused.total[1]).toBeGreaterThan(fused.total[0]);
    expect(dominantSignal(fused, 0)).toBe('cf');
    expect(dominantSignal(fused, 1)).toBe('content');
  });
});

describe('content index', () => {
  const titles = ['Mario Kart DS', 'Super Mario 64 DS', 'Halo 3 - Xbox 360', 'Forza Motorsport 4 - Xbox 360'];
  const index = new ContentIndex(titles);

  it('tokenises to lower-case words without stop words', () => {
    expect(tokenize('The Legend of Zelda: Breath of the Wild')).toEqual(['legend', 'zelda', 'breath', 'wild']);
  });

  it('scores by cosine similarity, nearest text first', () => {
    const s = index.scoreAll(index.vectors[0]);
    expect(s[0]).toBeCloseTo(1, 5);
    expect(s[1]).toBeGreaterThan(s[2]);
    expect(s[1]).toBeGreaterThan(s[3]);
    expect(index.similarity(2, 3)).toBeGreaterThan(index.similarity(0, 3));
  });

  it('searches by words, best match first, nothing for unknown words', () => {
    expect(index.search('xbox 360 halo')[0]).toBe(2);
    expect(index.search('mario').sort()).toEqual([0, 1]);
    expect(index.search('zzzz')).toEqual([]);
  });

  it('combines a profile from weighted parts', () => {
    const p = ContentIndex.combine([
      { vector: index.vectors[2], weight: 5 },
      { vector: index.vectors[0], weight: 1 },
    ]);
    const s = index.scoreAll(p);
    expect(s[2]).toBeGreaterThan(s[0]);
  });
});

describe('history', () => {
  it('weights by event type and recency, newest first, and tracks purchases and queries', () => {
    const h = summarizeHistory([
      { type: 'view', item: 1 },
      { type: 'search', item: -1, query: 'zelda' },
      { type: 'add_to_cart', item: 2 },
      { type: 'purchase', item: 2 },
      { type: 'view', item: 3 },
    ]);
    expect(Array.from(h.items)).toEqual([3, 2, 1]);
    expect(h.weights[0]).toBeCloseTo(EVENT_WEIGHTS.view, 5);
    expect(h.weights[1]).toBeGreaterThan(EVENT_WEIGHTS.purchase); // purchase + cart
    expect(h.weights[2]).toBeLessThan(EVENT_WEIGHTS.view); // older view faded
    expect(h.queries).toEqual(['zelda']);
    expect([...h.purchased]).toEqual([2]);
  });
});

describe('spreadNeighbours', () => {
  it('passes history weight along edges and remembers the strongest source', () => {
    // 3 items, k = 2: 0 → [1, 2], 1 → [2, -1], 2 → [-1, -1]
    const index = Int32Array.from([1, 2, 2, -1, -1, -1]);
    const weight = Float32Array.from([0.9, 0.1, 0.5, 0, 0, 0]);
    const r = spreadNeighbours(index, weight, 2, { items: Int32Array.from([0, 1]), weights: Float32Array.from([1, 2]) }, 3);
    expect(r.scores[1]).toBeCloseTo(0.9, 5);
    expect(r.scores[2]).toBeCloseTo(0.1 + 1.0, 5);
    expect(r.source[2]).toBe(1);
    expect(r.source[0]).toBe(-1);
  });
});
