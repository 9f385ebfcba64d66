import { describe, expect, it } from 'vitest';
import { rankWithNewItemSlots } from '../../src/core/new-item-slots';

describe('new-item slots', () => {
  const scores = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5];
  const isNew = (i: number) => i >= 8; // items 8 and 9 have no collaborative data
  const content = [0, 0, 0, 0, 0, 0, 0, 0, 0.6, 0.1];

  it('gives every n-th position to the best new item whose text matches', () => {
    const order = rankWithNewItemSlots(scores, 6, () => false, { isNew, content, every: 3, minContent: 0.3 });
    expect(order).toEqual([0, 1, 8, 2, 3, 4]); // item 9 matches too weakly for the second slot
  });

  it('keeps the plain order without slots, and never shows excluded items', () => {
    expect(rankWithNewItemSlots(scores, 3, () => false)).toEqual([0, 1, 2]);
    const order = rankWithNewItemSlots(scores, 4, (i) => i === 8 || i === 0, { isNew, content, every: 2, minContent: 0 });
    expect(order).toEqual([1, 9, 2, 3]);
  });

  it("a re-ranking of the main items (diversity) never takes a new item's slot", () => {
    const reversed = (main: number[]) => [...main].reverse();
    const order = rankWithNewItemSlots(scores, 6, () => false, { isNew, content, every: 3, minContent: 0.3 }, reversed);
    expect(order).toEqual([5, 4, 8, 3, 2, 1]);
  });
});
