/** Int8 quantisation of embedding matrices (4× smaller model files) and the Gram matrix. */

/** A row-quantised matrix: value[r][c] ≈ q[r*d + c] * scales[r]. */
export interface QuantizedMatrix {
  q: Int8Array;
  scales: Float32Array;
}

/**
 * Symmetric per-row int8 quantisation: scale = max|row| / 127, q = round(x / scale). Per-row
 * scales keep rare items (small norms) as precise as popular ones. A zero row gets scale 0.
 * Round-trip error per entry is at most scale / 2.
 */
export function quantizeRows(matrix: ArrayLike<number>, n: number, d: number): QuantizedMatrix {
  const q = new Int8Array(n * d);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let max = 0;
    for (let c = 0; c < d; c++) max = Math.max(max, Math.abs(matrix[r * d + c]));
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let c = 0; c < d; c++) {
      const v = Math.round(matrix[r * d + c] / scale);
      q[r * d + c] = v > 127 ? 127 : v < -127 ? -127 : v;
    }
  }
  return { q, scales };
}

/** Inverse of `quantizeRows` (in float32, as the engine computes it: q * scale). */
export function dequantizeRows(q: Int8Array, scales: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const s = scales[r];
    for (let c = 0; c < d; c++) out[r * d + c] = q[r * d + c] * s;
  }
  return out;
}
