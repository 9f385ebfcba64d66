/**
 * The sequence model (issue 17): what the shopper does next, from the order of their last items.
 * One self-attentive block in the spirit of SASRec (Kang & McAuley 2018): the last item's position
 * attends over the last `L` items (learned position vectors added), then a feed-forward layer,
 * each with a residual connection and layer norm; the result, projected, is a query vector z in
 * the item embedding space. An item's score is z · (s·e_i) + bias_i, with e_i the base model's own
 * (shipped) item embedding and s one scale, so only the block's weights and the per-item bias
 * travel. Pure: the forward pass is plain TypeScript (a few thousand multiply-adds per item of the
 * context); training is `scripts/lib/sequence-train.ts`.
 *
 * Matrices are row-major and multiply from the right (x · W, x a row vector).
 */
import { sequenceLength } from '../shared/model-manifest';

/** Items of context (the newest last; fewer are left-padded). */
export const SEQ_LEN = 10;

export interface SequenceWeights {
  d: number;
  L: number;
  /** s: the embeddings are scaled to unit rms per coordinate before use (as in training). */
  inputScale: number;
  /** [L, d] position vectors, oldest position first. */
  P: Float32Array;
  /** [d, d] each. */
  Wq: Float32Array;
  Wk: Float32Array;
  Wv: Float32Array;
  Wa: Float32Array;
  W1: Float32Array;
  W2: Float32Array;
  Wo: Float32Array;
  /** [d] each. */
  b1: Float32Array;
  b2: Float32Array;
  bo: Float32Array;
  g1: Float32Array;
  be1: Float32Array;
  g2: Float32Array;
  be2: Float32Array;
  /** [n] per-item bias of the output layer. */
  itemBias: Float32Array;
}

/** The file's order: inputScale, P, these matrices, these vectors, then the item bias (`sequenceLength`). */
const MATRICES = ['Wq', 'Wk', 'Wv', 'Wa', 'W1', 'W2', 'Wo'] as const;
const VECTORS = ['b1', 'b2', 'bo', 'g1', 'be1', 'g2', 'be2'] as const;

export function packSequence(w: SequenceWeights): Float32Array {
  const { d, L } = w;
  // A part of the wrong length would shift every later one: refused by name.
  const parts: [string, Float32Array, number][] = [
    ['P', w.P, L * d], ...MATRICES.map((k): [string, Float32Array, number] => [k, w[k], d * d]), ...VECTORS.map((k): [string, Float32Array, number] => [k, w[k], d]),
  ];
  for (const [name, a, len] of parts) if (a.length !== len) throw new RangeError(`packSequence: ${name} has ${a.length} values, expected ${len}`);
  const out = new Float32Array(sequenceLength(d, L, w.itemBias.length));
  let at = 0;
  out[at++] = w.inputScale;
  for (const a of [...parts.map((p) => p[1]), w.itemBias]) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Throws for a length that does not fit d, L and n, or a non-finite value. */
export function unpackSequence(data: Float32Array, d: number, L: number, n: number): SequenceWeights {
  if (data.length !== sequenceLength(d, L, n)) throw new Error(`sequence model has ${data.length} values, expected ${sequenceLength(d, L, n)} for d=${d}, L=${L}, n=${n}`);
  for (const v of data) if (!Number.isFinite(v)) throw new Error('sequence model holds a non-finite number');
  let at = 1;
  const take = (len: number) => data.subarray(at, (at += len));
  const P = take(L * d);
  const m = Object.fromEntries(MATRICES.map((k) => [k, take(d * d)])) as Record<(typeof MATRICES)[number], Float32Array>;
  const v = Object.fromEntries(VECTORS.map((k) => [k, take(d)])) as Record<(typeof VECTORS)[number], Float32Array>;
  return { d, L, inputScale: data[0], P, ...m, ...v, itemBias: take(n) };
}

/** x · W for a row vector x [d] and W [d, d]. */
function times(x: Float32Array, W: Float32Array, d: number, out = new Float32Array(d)): Float32Array {
  out.fill(0);
  for (let i = 0; i < d; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * d;
    for (let j = 0; j < d; j++) out[j] += xi * W[row + j];
  }
  return out;
}

function layerNorm(x: Float32Array, g: Float32Array, b: Float32Array): Float32Array {
  const d = x.length;
  let mean = 0;
  for (const v of x) mean += v / d;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2 / d;
  const inv = 1 / Math.sqrt(variance + 1e-5);
  return Float32Array.from(x, (v, j) => (v - mean) * inv * g[j] + b[j]);
}

export interface SequenceQuery {
  /** The query vector, already multiplied by `inputScale`: item i scores z · e_i + itemBias[i]. */
  z: Float32Array;
  /** Attention of the last position over the context items (oldest first, as given): what weighed most. */
  attention: Float32Array;
}

/**
 * The forward pass for one shopper: `context` holds the embeddings (unscaled, as the base model
 * ships them) of their last items, oldest first, at most L of them.
 */
export function encodeSequence(w: SequenceWeights, context: readonly Float32Array[]): SequenceQuery {
  const { d, L } = w;
  if (context.length === 0 || context.length > L) throw new RangeError(`encodeSequence: 1..${L} items, got ${context.length}`);
  const offset = L - context.length; // left padding: position of the first item
  const H = context.map((e, t) => Float32Array.from({ length: d }, (_, j) => e[j] * w.inputScale + w.P[(offset + t) * d + j]));
  const last = H[H.length - 1];
  const q = times(last, w.Wq, d);
  const logits = H.map((h) => {
    const k = times(h, w.Wk, d);
    let s = 0;
    for (let j = 0; j < d; j++) s += q[j] * k[j];
    return s / Math.sqrt(d);
  });
  const top = Math.max(...logits);
  const expd = logits.map((x) => Math.exp(x - top));
  const sum = expd.reduce((a, b) => a + b, 0);
  const attention = Float32Array.from(expd, (x) => x / sum);
  const ctx = new Float32Array(d);
  H.forEach((h, t) => {
    const v = times(h, w.Wv, d);
    for (let j = 0; j < d; j++) ctx[j] += attention[t] * v[j];
  });
  const a = times(ctx, w.Wa, d);
  const r1 = layerNorm(Float32Array.from(last, (x, j) => x + a[j]), w.g1, w.be1);
  const hidden = times(r1, w.W1, d).map((x, j) => Math.max(0, x + w.b1[j]));
  const ff = times(hidden, w.W2, d);
  const r2 = layerNorm(Float32Array.from(r1, (x, j) => x + ff[j] + w.b2[j]), w.g2, w.be2);
  const z = times(r2, w.Wo, d).map((x, j) => (x + w.bo[j]) * w.inputScale);
  return { z, attention };
}
