/** Int8 quantisation of embedding matrices (4× smaller model files) and the Gram matrix. */

/** A row-quantised matrix: value[r][c] ≈ q[r*d + c] * scales[r]. */
export interface QuantizedMatrix {
  q: Int8Array;
  scales: Float32Array;
}

/**
 * Symmetric per-row quantisation to `bits` (8: codes -127..127; 4: -7..7, two per byte in the
 * model file): scale = max|row| / top code, q = round(x / scale). Per-row scales keep rare items
 * (small norms) as precise as popular ones. A zero row gets scale 0. Round-trip error per entry
 * is at most scale / 2.
 */
export function quantizeRows(matrix: ArrayLike<number>, n: number, d: number, bits: 4 | 8 = 8): QuantizedMatrix {
  const top = bits === 8 ? 127 : 7;
  const q = new Int8Array(n * d);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let max = 0;
    for (let c = 0; c < d; c++) max = Math.max(max, Math.abs(matrix[r * d + c]));
    const scale = Math.fround(max / top);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let c = 0; c < d; c++) {
      const v = Math.round(matrix[r * d + c] / scale);
      q[r * d + c] = v > top ? top : v < -top ? -top : v;
    }
  }
  return { q, scales };
}

/** 4-bit codes (-7..7) two per byte, the first in the low nibble, stored as code + 8. */
export function packInt4(q: Int8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(q.length / 2));
  for (let j = 0; j < q.length; j++) out[j >> 1] |= (q[j] + 8) << ((j & 1) * 4);
  return out;
}

/** Inverse of `packInt4` for `count` codes; a nibble outside -7..7 (0) is refused. */
export function unpackInt4(bytes: Uint8Array, count: number): Int8Array {
  const q = new Int8Array(count);
  for (let j = 0; j < count; j++) {
    const nibble = (bytes[j >> 1] >> ((j & 1) * 4)) & 15;
    if (nibble === 0) throw new Error(`4-bit code ${j} is out of range`);
    q[j] = nibble - 8;
  }
  return q;
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
