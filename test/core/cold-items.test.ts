import { describe, expect, it } from 'vitest';
import { borrowFromProxies, imputeColdItems, textProxies } from '../../src/core/cold-items';

const texts = ['Racing Cars Turbo', 'Racing Cars Deluxe', 'Puzzle Blocks', 'Puzzle Gems', 'Racing Cars Ultimate'];
const warm = (i: number) => i !== 4;

describe('cold items borrow from the items their text resembles', () => {
  it('finds text proxies among warm items only, weights summing to 1', () => {
    const p = textProxies(texts, warm, 3);
    expect(Array.from(p.items)).toEqual([4]);
    expect(Array.from(p.from.subarray(0, 2)).sort()).toEqual([0, 1]);
    expect(p.from[2]).toBe(-1); // the puzzle items share no word
    expect(p.weights[0] + p.weights[1]).toBeCloseTo(1, 5);
  });

  it('borrows a signal value as the proxies\' weighted mean, leaving warm items alone', () => {
    const p = textProxies(texts, warm, 3);
    const values = borrowFromProxies(Float32Array.from([2, 4, 9, 9, 0]), p);
    expect(values[4]).toBeGreaterThanOrEqual(2);
    expect(values[4]).toBeLessThanOrEqual(4);
    expect(Array.from(values.subarray(0, 4))).toEqual([2, 4, 9, 9]);
  });

  it('places a cold embedding among its proxies', () => {
    const factors = Float32Array.from([1, 0, 0.8, 0, 0, 1, 0, 0.9, 0, 0]);
    expect(imputeColdItems(texts, factors, 2, warm)).toBe(1);
    expect(factors[8]).toBeGreaterThan(0.7); // along the racing axis
    expect(factors[9]).toBe(0);
  });

  it('leaves an item whose text resembles nothing untouched', () => {
    const values = borrowFromProxies(Float32Array.from([1, 7]), textProxies(['Racing', 'Gardening'], (i) => i === 0));
    expect(values[1]).toBe(7);
  });
});
