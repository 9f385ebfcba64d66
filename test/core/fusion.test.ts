import { describe, expect, it } from 'vitest';
import { fuse, zNormalize } from '../../src/core/fusion';

describe('normalising a few candidates as their whole catalogue would', () => {
  it('equals normalising the catalogue itself when the rest is what the population says', () => {
    const few = Float32Array.from([0.9, 0.5, 0.2]);
    const whole = new Float32Array(1000);
    whole.set(few);
    const z = zNormalize(few, { items: 1000, rest: 0 });
    const zWhole = zNormalize(whole);
    for (let i = 0; i < 3; i++) expect(z[i]).toBeCloseTo(zWhole[i], 4);
    // Without the population the same three items get far smaller z-scores.
    expect(zNormalize(few)[0]).toBeLessThan(z[0] / 10);
  });

  it('takes the rest\'s mean and spread for a dense signal, and leaves other signals alone', () => {
    const rest = Float32Array.from({ length: 998 }, (_, i) => (i % 2 ? 1 : 3)); // mean 2, std 1
    const few = Float32Array.from([4, 2]);
    const zWhole = zNormalize(Float32Array.from([...few, ...rest]));
    const fused = fuse(
      [{ name: 'popularity', weight: 1, scores: few }, { name: 'next', weight: 1, scores: Float32Array.from([1, 0]) }],
      2,
      { popularity: { items: 1000, rest: 2, restStd: 1 } },
    );
    expect(fused.parts[0].contribution[0]).toBeCloseTo(zWhole[0], 3);
    expect(fused.parts[1].contribution[0]).toBeCloseTo(1, 5); // over the two given: (1 - 0.5) / 0.5
  });
});
