import { describe, expect, it } from 'vitest';
import { imputeColdItems } from '../../src/core/cold-items';

describe('imputeColdItems', () => {
  it('places an item without interactions among the items its text resembles', () => {
    const texts = ['Racing Cars Turbo', 'Racing Cars Deluxe', 'Puzzle Blocks', 'Puzzle Gems', 'Racing Cars Ultimate'];
    const d = 2;
    // Racing items point along x, puzzle items along y; item 4 is new (no interactions, zeros).
    const factors = Float32Array.from([1, 0, 0.8, 0, 0, 1, 0, 0.9, 0, 0]);
    const popularity = Float32Array.from([2, 1, 3, 3, 0]);
    const imputed = imputeColdItems(texts, factors, d, popularity, (i) => i !== 4);
    expect(imputed).toBe(1);
    expect(factors[8]).toBeGreaterThan(0.7); // along the racing axis
    expect(factors[9]).toBe(0);
    expect(popularity[4]).toBeGreaterThan(1);
    expect(popularity[4]).toBeLessThan(2);
    expect(Array.from(factors.subarray(0, 8))).toEqual([1, 0, 0.8, 0, 0, 1, 0, 0.9].map((x) => Math.fround(x)));
  });

  it('leaves an item whose text resembles nothing neutral', () => {
    const factors = Float32Array.from([1, 0, 0, 0]);
    const popularity = Float32Array.from([1, 0]);
    imputeColdItems(['Racing', 'Gardening'], factors, 2, popularity, (i) => i === 0);
    expect(Array.from(factors.subarray(2))).toEqual([0, 0]);
    expect(popularity[1]).toBe(0);
  });
});
