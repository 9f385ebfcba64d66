/**
 * Training of the sequence model (issue 17; the forward pass is `src/core/sequence-model.ts`) in
 * Node with tfjs-core on the wasm backend (or cpu, for tests). Node-only: it loads tfjs-core's
 * gradients through a Node module hook (see `loadGradients` and `TFJS_CORE_RESOLVE_HOOK`).
 *
 * Examples: every prefix of every training sequence → its next item, the context being the last
 * `SEQ_LEN` items before it, left-padded. Loss: full-softmax cross-entropy over all n items with
 * scores z · (s·E)ᵀ + itemBias, where E is the base model's (frozen) item embedding table, s =
 * 1/rms(E), and z the block's output. Adam, seeded initialisation and shuffling.
 *
 * Speed on wasm (measured in the prototype, branch proto/sequence-model, batch 256, n 16,859, d 64):
 * the scaled table is kept transposed, [d, n], for the scores (`matMul(z, ET)` 33 ms against 287 ms
 * for `matMul(z, E, false, true)`), and the softmax and its gradient are fused in a `customGrad`
 * whose gradient is built in JS (tfjs's logSoftmax with its gradient: ~210 ms). Here: 135–165 ms
 * a step of 256, 170–220 s an epoch of the evaluation's 311,194 examples (2 shared cores).
 */
import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../../src/core/random';
import { SEQ_LEN, type SequenceWeights } from '../../src/core/sequence-model';
import { NODE_WASM_DIR } from './node-wasm';

export interface SequenceTrainOptions {
  /** Wall-clock budget of the training loop (default 600); training stops mid-epoch when it runs out. */
  seconds?: number;
  /** At most this many passes over the examples (default 1,000: the time budget decides). */
  maxEpochs?: number;
  /** Examples per Adam step (default 256). */
  batch?: number;
  /** Adam learning rate (default 0.002). */
  lr?: number;
  /** Seeds the initialisation and the shuffling (default 7). */
  seed?: number;
  /** tfjs backend to train on (default wasm); the process's tfjs stays switched to it afterwards. */
  backend?: 'wasm' | 'cpu';
  onProgress?: (msg: string) => void;
  /** Called with the weights after each full epoch (checkpoints of a long run). */
  onEpoch?: (epoch: number, weights: SequenceWeights) => void;
}

export interface SequenceTrainResult {
  weights: SequenceWeights;
  /** Passes over the examples, fractional when the time budget stopped one midway. */
  epochs: number;
  /** Wall-clock seconds of the training loop. */
  seconds: number;
  /** Training examples (prefix → next item) per epoch. */
  examples: number;
  /** Mean cross-entropy over the steps of the last (possibly partial) epoch. */
  finalLoss: number;
}

/** tfjs types customGrad's function as variadic over (Tensor | GradSaveFunc). */
type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/** The block's trainable tensors. Wk and Wv are trained as one [d, 2d] matrix: one matMul, not two. */
interface Params {
  P: tf.Tensor; Wq: tf.Tensor; Wkv: tf.Tensor; Wa: tf.Tensor; W1: tf.Tensor; W2: tf.Tensor; Wo: tf.Tensor;
  b1: tf.Tensor; b2: tf.Tensor; bo: tf.Tensor; g1: tf.Tensor; be1: tf.Tensor; g2: tf.Tensor; be2: tf.Tensor;
}

/**
 * A resolve hook for tfjs-core's ESM build, which imports paths without an extension, one of them
 * (`./gradients`) the name of both a file and a folder: a bundler (vitest) resolves those to the
 * `.js` file, Node (and tsx) stops at the folder with ERR_UNSUPPORTED_DIR_IMPORT. Only failures of
 * relative imports inside tfjs-core's dist are retried, with `.js`.
 */
const TFJS_CORE_RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const code = err && err.code;
    if ((code === 'ERR_UNSUPPORTED_DIR_IMPORT' || code === 'ERR_MODULE_NOT_FOUND') && specifier.startsWith('.') &&
        !specifier.endsWith('.js') && String(context.parentURL).includes('/@tensorflow/tfjs-core/dist/')) {
      return next(specifier + '.js', context);
    }
    throw err;
  }
}`;

let gradientsLoaded: Promise<void> | undefined;

/**
 * tfjs-core registers no gradients by itself (the `@tensorflow/tfjs` union package does, and it is
 * not a dependency); its ESM build holds them, one file per kernel. This registers the kernels the
 * training graph differentiates through (`encodeBatch`; `mm` and the loss bring their own). Not
 * `register_all_gradients`: it pulls in most of tfjs-core's ESM build, measured 6–7 s of the unit
 * test under vitest's transform against ~1–2 s for these eleven. A kernel missing here fails the
 * first step with "gradient function not found for kernel …". The registry is global (`_tfGlobals`),
 * so gradients registered from the ESM copy serve the CommonJS copy Node loads for tfjs-core.
 */
function loadGradients(): Promise<void> {
  if (!gradientsLoaded) {
    if (typeof register === 'function') register(`data:text/javascript,${encodeURIComponent(TFJS_CORE_RESOLVE_HOOK)}`);
    gradientsLoaded = Promise.all([
      import('@tensorflow/tfjs-core/dist/gradients/Add_grad').then((m) => m.addGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad').then((m) => m.batchMatMulGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Mean_grad').then((m) => m.meanGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Multiply_grad').then((m) => m.multiplyGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Relu_grad').then((m) => m.reluGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Reshape_grad').then((m) => m.reshapeGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Rsqrt_grad').then((m) => m.rsqrtGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Slice_grad').then((m) => m.sliceGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Softmax_grad').then((m) => m.softmaxGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Square_grad').then((m) => m.squareGradConfig),
      import('@tensorflow/tfjs-core/dist/gradients/Sub_grad').then((m) => m.subGradConfig),
    ]).then((configs) => {
      for (const config of configs) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
    });
  }
  return gradientsLoaded;
}

async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // 2 cores gain nothing from threads, and threaded wasm hangs in a minified build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setWasmPaths(NODE_WASM_DIR);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(name))) throw new Error(`sequence training: the ${name} backend failed to start`);
  await tf.ready();
}

/** 1/rms of all values of the table: the scale that gives the block unit-rms inputs. */
export function inputScaleOf(embeddings: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < embeddings.length; k++) sum += embeddings[k] * embeddings[k];
  const rms = Math.sqrt(sum / Math.max(embeddings.length, 1));
  if (!(rms > 0) || !Number.isFinite(rms)) throw new RangeError('sequence training: the embedding table is all zeros or not finite');
  return 1 / rms;
}

/** The context before position t of seq (its last L items, left-padded with `pad`) into out[at·L…]. */
function writeContext(seq: ArrayLike<number>, t: number, L: number, pad: number, out: Int32Array, at: number): void {
  for (let k = 0; k < L; k++) {
    const p = t - L + k;
    out[at * L + k] = p >= 0 ? seq[p] : pad;
  }
}

/** [n + 1, d]: the scaled table with a zero row at index n for padding (masked out of attention anyway). */
function paddedTable(embeddings: Float32Array, n: number, d: number, s: number): Float32Array {
  const rows = new Float32Array((n + 1) * d);
  for (let k = 0; k < n * d; k++) rows[k] = embeddings[k] * s;
  return rows;
}

/**
 * a · b for 2-d tensors, with a gradient that transposes explicitly: tfjs's own gradient of matMul
 * multiplies with transposed operands, which the wasm backend runs several times slower (measured:
 * the block's forward + backward at batch 256, 94 ms with tfjs's gradient, 43 ms with this one).
 */
const mm = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(sb) as tf.Tensor2D),
      tf.matMul(tf.transpose(sa) as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
}) as unknown as CustomGradFn) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const mean = tf.mean(x, 1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), 1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5))), g), b) as tf.Tensor2D;
}

/**
 * The block for a batch of B contexts ([B, L] item indices, `pad` = n for padding): z before the
 * input scale, [B, d]. The same maths as `encodeSequence`: positions P added to the scaled
 * embeddings, the last position's query attending over the unpadded positions, residual + layer
 * norm, feed-forward, residual + layer norm, projection.
 */
function encodeBatch(p: Params, Epad: Float32Array, idx: Int32Array, B: number, L: number, d: number, pad: number): tf.Tensor2D {
  // The rows are looked up in JS: faster than tf.gather on wasm, and E takes no gradient.
  const x = new Float32Array(B * L * d);
  for (let k = 0; k < B * L; k++) x.set(Epad.subarray(idx[k] * d, idx[k] * d + d), k * d);
  const H = tf.add(tf.tensor3d(x, [B, L, d]), p.P);
  const maskBias = tf.tensor3d(Float32Array.from(idx, (i) => (i === pad ? -1e9 : 0)), [B, 1, L]);
  const KV = mm(tf.reshape(H, [B * L, d]), p.Wkv); // [B·L, 2d]
  const K = tf.reshape(tf.slice(KV, [0, 0], [B * L, d]), [B, L, d]);
  const V = tf.reshape(tf.slice(KV, [0, d], [B * L, d]), [B, L, d]);
  const last = tf.reshape(tf.slice(H, [0, L - 1, 0], [B, 1, d]), [B, d]);
  const q = tf.reshape(mm(last, p.Wq), [B, 1, d]);
  const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, K, false, true), 1 / Math.sqrt(d)), maskBias)); // [B, 1, L]
  const ctx = tf.reshape(tf.matMul(att, V), [B, d]);
  const r1 = layerNorm(tf.add(last, mm(ctx, p.Wa)), p.g1, p.be1);
  const ff = tf.add(mm(tf.relu(tf.add(mm(r1, p.W1), p.b1)), p.W2), p.b2);
  const r2 = layerNorm(tf.add(r1, ff), p.g2, p.be2);
  return tf.add(mm(r2, p.Wo), p.bo) as tf.Tensor2D;
}

/**
 * Mean full-softmax cross-entropy of a batch, fused: the forward pass uses the backend's softmax
 * kernel; the gradient (p − onehot)/B and its column sums (the item bias's gradient) are built in
 * JS, and dz = G·(s·E) uses the row-major table (no transposed operand: ~10× slower on wasm).
 */
function softmaxLoss(z: tf.Tensor2D, itemBias: tf.Tensor, ET: tf.Tensor2D, Erows: tf.Tensor2D, targets: Int32Array, B: number, n: number): tf.Scalar {
  const f = tf.customGrad(((zIn: tf.Tensor, biasIn: tf.Tensor) => {
    const probs = tf.tidy(() => tf.softmax(tf.add(tf.matMul(zIn as tf.Tensor2D, ET), biasIn)));
    const pv = probs.dataSync();
    probs.dispose();
    let loss = 0;
    for (let b = 0; b < B; b++) loss -= Math.log(Math.max(pv[b * n + targets[b]], 1e-30));
    return {
      value: tf.scalar(loss / B),
      gradFunc: (dy: tf.Tensor) => {
        const scale = dy.dataSync()[0] / B;
        const g = new Float32Array(B * n);
        const dBias = new Float32Array(n);
        for (let b = 0; b < B; b++) {
          const row = b * n;
          for (let i = 0; i < n; i++) {
            const v = pv[row + i] * scale;
            g[row + i] = v;
            dBias[i] += v;
          }
          g[row + targets[b]] -= scale;
          dBias[targets[b]] -= scale;
        }
        return [tf.matMul(tf.tensor2d(g, [B, n]), Erows), tf.tensor1d(dBias)];
      },
    };
  }) as unknown as CustomGradFn);
  return f(z, itemBias) as tf.Scalar;
}

function glorot(rng: Rng, rows: number, cols: number, gain = 1): Float32Array {
  const a = gain * Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (rng.next() * 2 - 1) * a);
}

/** Initial weights (Glorot-uniform matrices, unit gains, zero biases), Wk and Wv joined as Wkv. */
function initialWeights(rng: Rng, d: number, L: number): Record<keyof Params, Float32Array> {
  return {
    P: glorot(rng, L, d, 0.5),
    Wq: glorot(rng, d, d),
    Wkv: glorot(rng, d, 2 * d),
    Wa: glorot(rng, d, d),
    W1: glorot(rng, d, d),
    W2: glorot(rng, d, d),
    // Small: the scaled item rows have norm ~√d, so the first scores stay near 0.
    Wo: glorot(rng, d, d, 1 / Math.sqrt(d)),
    b1: new Float32Array(d), b2: new Float32Array(d), bo: new Float32Array(d),
    g1: new Float32Array(d).fill(1), be1: new Float32Array(d), g2: new Float32Array(d).fill(1), be2: new Float32Array(d),
  };
}

const SHAPES = (d: number, L: number): Record<keyof Params, number[]> => ({
  P: [L, d], Wq: [d, d], Wkv: [d, 2 * d], Wa: [d, d], W1: [d, d], W2: [d, d], Wo: [d, d],
  b1: [d], b2: [d], bo: [d], g1: [d], be1: [d], g2: [d], be2: [d],
});

/** Wkv [d, 2d] → Wk, Wv [d, d] (row-major, x · W: Wk the first d columns). */
function splitKv(Wkv: Float32Array, d: number): { Wk: Float32Array; Wv: Float32Array } {
  const Wk = new Float32Array(d * d), Wv = new Float32Array(d * d);
  for (let i = 0; i < d; i++) {
    Wk.set(Wkv.subarray(i * 2 * d, i * 2 * d + d), i * d);
    Wv.set(Wkv.subarray(i * 2 * d + d, (i + 1) * 2 * d), i * d);
  }
  return { Wk, Wv };
}

function joinKv(Wk: Float32Array, Wv: Float32Array, d: number): Float32Array {
  const Wkv = new Float32Array(2 * d * d);
  for (let i = 0; i < d; i++) {
    Wkv.set(Wk.subarray(i * d, (i + 1) * d), i * 2 * d);
    Wkv.set(Wv.subarray(i * d, (i + 1) * d), i * 2 * d + d);
  }
  return Wkv;
}

/**
 * Trains the sequence block and the per-item bias on top of frozen item embeddings.
 * `sequences`: item indices, oldest first, one per training shopper; `embeddings`: the base model's
 * dequantised [n, d] table (as the engine sees it). Every tensor it makes is disposed.
 */
export async function trainSequenceModel(
  sequences: ArrayLike<number>[],
  embeddings: Float32Array,
  n: number,
  d: number,
  opts: SequenceTrainOptions = {},
): Promise<SequenceTrainResult> {
  const { seconds = 600, maxEpochs = 1000, batch = 256, lr = 0.002, seed = 7, backend = 'wasm', onProgress, onEpoch } = opts;
  if (!(n > 0 && d > 0) || embeddings.length !== n * d) throw new RangeError(`trainSequenceModel: ${embeddings.length} embedding values for n=${n}, d=${d}`);
  if (!(batch >= 1)) throw new RangeError(`trainSequenceModel: batch ${batch}`);
  const L = SEQ_LEN;
  const pad = n;

  // Examples: every prefix → its next item.
  let nEx = 0;
  for (const s of sequences) nEx += Math.max(s.length - 1, 0);
  const contexts = new Int32Array(nEx * L);
  const targets = new Int32Array(nEx);
  let ex = 0;
  for (const s of sequences) {
    for (let k = 0; k < s.length; k++) if (!(s[k] >= 0 && s[k] < n && Number.isInteger(s[k]))) throw new RangeError(`trainSequenceModel: item ${s[k]} outside 0..${n - 1}`);
    for (let t = 1; t < s.length; t++, ex++) {
      writeContext(s, t, L, pad, contexts, ex);
      targets[ex] = s[t];
    }
  }
  if (nEx === 0) throw new RangeError('trainSequenceModel: no sequence has two items');

  await loadGradients();
  await useBackend(backend);

  const s = inputScaleOf(embeddings);
  const rng = createRng(seed);
  const Epad = paddedTable(embeddings, n, d, s); // [n + 1, d] in JS: the input rows
  const Erows = tf.tensor2d(Epad.subarray(0, n * d), [n, d]); // the gradient of z
  const ET = tf.transpose(Erows) as tf.Tensor2D; // [d, n]: the scores
  const init = initialWeights(rng, d, L);
  const shapes = SHAPES(d, L);
  const params = Object.fromEntries(Object.entries(init).map(([k, v]) => {
    const t = tf.tensor(v, shapes[k as keyof Params]);
    const variable = tf.variable(t, true);
    t.dispose();
    return [k, variable];
  })) as unknown as Record<keyof Params, tf.Variable>;
  const biasInit = tf.zeros([n]);
  const itemBias = tf.variable(biasInit, true);
  biasInit.dispose();
  const trainable = [...Object.values(params), itemBias];
  const optimizer = tf.train.adam(lr);

  const order = Int32Array.from({ length: nEx }, (_, k) => k);
  const idx = new Int32Array(batch * L);
  const tb = new Int32Array(batch);
  const budgetMs = seconds * 1000;
  const stepsPerEpoch = Math.ceil(nEx / batch);
  const readWeights = (): SequenceWeights => {
    const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());
    const { Wk, Wv } = splitKv(read(params.Wkv), d);
    return {
      d, L, inputScale: s,
      P: read(params.P), Wq: read(params.Wq), Wk, Wv, Wa: read(params.Wa), W1: read(params.W1), W2: read(params.W2), Wo: read(params.Wo),
      b1: read(params.b1), b2: read(params.b2), bo: read(params.bo), g1: read(params.g1), be1: read(params.be1), g2: read(params.g2), be2: read(params.be2),
      itemBias: read(itemBias),
    };
  };
  const t0 = performance.now();
  let epochs = 0, finalLoss = NaN;
  try {
    let stopped = false;
    for (let epoch = 1; epoch <= maxEpochs && !stopped; epoch++) {
      for (let k = nEx - 1; k > 0; k--) {
        const j = Math.floor(rng.next() * (k + 1));
        const t = order[k];
        order[k] = order[j];
        order[j] = t;
      }
      const te = performance.now();
      let lossSum = 0, steps = 0;
      for (let at = 0; at < nEx; at += batch) {
        const B = Math.min(batch, nEx - at);
        for (let b = 0; b < B; b++) {
          const e = order[at + b];
          idx.set(contexts.subarray(e * L, e * L + L), b * L);
          tb[b] = targets[e];
        }
        const bIdx = idx.subarray(0, B * L), bTargets = tb.subarray(0, B);
        const cost = optimizer.minimize(() => softmaxLoss(encodeBatch(params, Epad, bIdx, B, L, d, pad), itemBias, ET, Erows, bTargets, B, n), true, trainable);
        const loss = cost!.dataSync()[0];
        cost!.dispose();
        if (!Number.isFinite(loss)) throw new Error(`sequence training diverged at epoch ${epoch}, step ${steps + 1} (loss ${loss}): lower the learning rate`);
        lossSum += loss;
        steps++;
        if (steps % 200 === 0) onProgress?.(`epoch ${epoch} step ${steps}/${stepsPerEpoch}: loss ${(lossSum / steps).toFixed(4)}, ${((performance.now() - te) / steps).toFixed(1)} ms/step`);
        if (performance.now() - t0 > budgetMs) {
          stopped = steps < stepsPerEpoch;
          break;
        }
      }
      epochs += steps / stepsPerEpoch;
      finalLoss = lossSum / steps;
      onProgress?.(`epoch ${epoch}${stopped ? ' (partial: time budget)' : ''}: ${steps} steps in ${((performance.now() - te) / 1000).toFixed(1)} s, loss ${finalLoss.toFixed(4)}`);
      if (!stopped) onEpoch?.(epoch, readWeights());
      if (performance.now() - t0 > budgetMs) stopped = true;
    }
    return { weights: readWeights(), epochs: Math.round(epochs * 1000) / 1000, seconds: (performance.now() - t0) / 1000, examples: nEx, finalLoss };
  } finally {
    optimizer.dispose();
    tf.dispose(trainable);
    tf.dispose([Erows, ET]);
  }
}

/**
 * The training graph's forward pass on given weights, on the active backend: for each context
 * (item indices, oldest first, 1..L of them) the query z already multiplied by the input scale,
 * as `encodeSequence` returns it. For tests: the shipped forward must equal the trained one.
 */
export function forwardForTest(w: SequenceWeights, embeddings: Float32Array, n: number, contexts: ArrayLike<number>[]): Float32Array[] {
  const { d, L } = w;
  const B = contexts.length;
  const idx = new Int32Array(B * L);
  contexts.forEach((c, b) => writeContext(c, c.length, L, n, idx, b));
  const values: Record<keyof Params, Float32Array> = {
    P: w.P, Wq: w.Wq, Wkv: joinKv(w.Wk, w.Wv, d), Wa: w.Wa, W1: w.W1, W2: w.W2, Wo: w.Wo,
    b1: w.b1, b2: w.b2, bo: w.bo, g1: w.g1, be1: w.be1, g2: w.g2, be2: w.be2,
  };
  const shapes = SHAPES(d, L);
  const z = tf.tidy(() => {
    const p = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v, shapes[k as keyof Params])])) as unknown as Params;
    return tf.mul(encodeBatch(p, paddedTable(embeddings, n, d, w.inputScale), idx, B, L, d, n), w.inputScale);
  });
  const zv = z.dataSync();
  z.dispose();
  return contexts.map((_, b) => Float32Array.from(zv.subarray(b * d, (b + 1) * d)));
}
