import { describe, expect, it } from 'vitest';
import { CANDIDATES_PER_SIGNAL, candidatesOf } from '../../src/engine/ranker';

describe('a list\'s candidates', () => {
  const n = 3000;
  const descending = Float32Array.from({ length: n }, (_, i) => n - i); // item 0 best
  const ascending = Float32Array.from({ length: n }, (_, i) => i); // item n-1 best

  it('are each weighted signal\'s own best items, and the extra ones asked for', () => {
    const c = [...candidatesOf([{ name: 'cf', weight: 1, scores: descending }, { name: 'content', weight: 0.5, scores: ascending }, { name: 'popularity', weight: 0, scores: descending }], n, [1500])];
    expect(c).toHaveLength(2 * CANDIDATES_PER_SIGNAL + 1);
    expect(c).toContain(0);
    expect(c).toContain(n - 1);
    expect(c).toContain(1500);
    expect(c).not.toContain(CANDIDATES_PER_SIGNAL); // just below cf's top; the zero-weight signal adds nothing
    expect(c).toEqual([...c].sort((a, b) => a - b));
  });

  it('skip what the list leaves out, so a history at the top of a signal takes no candidate\'s place', () => {
    const seen = (i: number) => i < 250; // the best 250 of the signal are the shopper's own history
    const c = [...candidatesOf([{ name: 'content', weight: 1, scores: descending }], n, [], seen)];
    expect(c).toHaveLength(CANDIDATES_PER_SIGNAL);
    expect(c[0]).toBe(250);
    expect(c.at(-1)).toBe(250 + CANDIDATES_PER_SIGNAL - 1);
  });
});
