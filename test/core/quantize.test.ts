import { describe, expect, it } from 'vitest';
import { gramMatrix64 } from '../../src/core/ials';
import { dequantizeRows, quantizeRows } from '../../src/core/quantize';
import { createRng } from '../../src/core/random';

describe('quantizeRows', () => {
  it('round-trips within half a step per entry', () => {
    const rng = createRng(9);
    const n = 50, d = 16;
    const m = Float32Array.from({ length: n * d }, (_, k) => rng.gaussian() * (1 + (k % 7)));
    const { q, scales } = quantizeRows(m, n, d);
    const back = dequantizeRows(q, scales, n, d);
    for (let r = 0; r < n; r++) {
      let max = 0;
      for (let c = 0; c < d; c++) max = Math.max(max, Math.abs(m[r * d + c]));
      expect(scales[r]).toBeCloseTo(max / 127, 6);
      for (let c = 0; c < d; c++) {
        expect(Math.abs(back[r * d + c] - m[r * d + c])).toBeLessThanOrEqual(scales[r] / 2 + 1e-6);
      }
    }
    expect(Math.max(...Array.from(q, Math.abs))).toBe(127);
  });

  it('maps a zero row to scale 0 and zeros', () => {
    const { q, scales } = quantizeRows(new Float32Array(4), 2, 2);
    expect(Array.from(scales)).toEqual([0, 0]);
    expect(Array.from(dequantizeRows(q, scales, 2, 2))).toEqual([0, 0, 0, 0]);
  });
});

describe('gramMatrix64', () => {
  it('computes VᵀV', () => {
    // V = [[1,2],[3,4],[5,6]] → VᵀV = [[35,44],[44,56]].
    expect(Array.from(gramMatrix64(Float32Array.from([1, 2, 3, 4, 5, 6]), 3, 2))).toEqual([35, 44, 44, 56]);
  });
});
