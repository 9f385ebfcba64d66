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
    // 4-bit rows ship their scale as float16 (its error is far below the codes'): rounded first, so the codes use it.
    const scale = bits === 4 ? halfToFloat(floatToHalf(max / top)) : Math.fround(max / top);
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

/** IEEE 754 half precision (round to nearest even) of a finite, non-negative-or-negative number; overflow → ±65504. */
export function floatToHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7bff;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rest = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  if ((half & 0x7c00) === 0x7c00) return sign | 0x7bff;
  return sign | half;
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
