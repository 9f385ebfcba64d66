import { describe, expect, it } from 'vitest';
import { createRng, mulberry32 } from '../../src/core/random';

describe('random', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws roughly standard normals', () => {
    const rng = createRng(1);
    let sum = 0, sq = 0;
    const n = 20_000;
    for (let k = 0; k < n; k++) {
      const g = rng.gaussian();
      sum += g;
      sq += g * g;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
  });
});
