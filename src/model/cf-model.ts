import * as tf from '@tensorflow/tfjs-core';
import type { CfScorer, FoldInParams } from '../core/cf-scorer';
import { choleskySolve, rowRegularisation } from '../core/ials';

/**
 * The collaborative-filtering model on the active tfjs backend: the item table V [n, d] and
 * α0·G stay on the device; a shopper is a vector u [d].
 *
 * The user-side fit forms the normal equations on the backend (Vₕᵀ C Vₕ + α0 G + λ_u I, Vₕᵀ c:
 * a handful of kernels whatever the history length) and solves the d×d system exactly on the
 * CPU (Cholesky, microseconds for d = 64). An iterative solver on the device would need hundreds
 * of small kernel launches, which is what makes software WebGPU slow.
 */
export class TfCfModel implements CfScorer {
  readonly kind: string;
  private readonly table: tf.Tensor2D;
  private readonly scaledGram: tf.Tensor2D;
  /** The last bias `softmaxGradient` was given, on the backend (the sequence model's: one per model). */
  private bias?: { of: Float32Array; tensor: tf.Tensor2D };

  constructor(
    embeddings: Float32Array,
    readonly n: number,
    readonly d: number,
    gram: Float32Array,
    private readonly params: FoldInParams,
  ) {
    this.kind = tf.getBackend();
    this.table = tf.tensor2d(embeddings, [n, d]);
    this.scaledGram = tf.tidy(() => tf.mul(tf.tensor2d(gram, [d, d]), params.alpha0));
  }

  async foldIn(rows: Int32Array, weights: Float32Array): Promise<Float32Array> {
    const { d } = this;
    if (rows.length === 0) return new Float32Array(d);
    const { lambda, alpha0, nu } = this.params;
    const lambdaU = rowRegularisation(lambda, alpha0, nu, rows.length, this.n);
    const [a, b] = tf.tidy(() => {
      const h = tf.gather(this.table, tf.tensor1d(rows, 'int32')); // [h, d]
      const c = tf.tensor2d(weights, [weights.length, 1]); // [h, 1]
      const lhs = tf.add(tf.add(tf.matMul(h, tf.mul(c, h), true, false), this.scaledGram), tf.mul(tf.eye(d), lambdaU));
      return [lhs, tf.matMul(h, c, true, false)];
    });
    try {
      const [av, bv] = await Promise.all([a.data(), b.data()]);
      const rhs = Float64Array.from(bv);
      choleskySolve(Float64Array.from(av), rhs, d);
      return Float32Array.from(rhs);
    } finally {
      a.dispose();
      b.dispose();
    }
  }

  async scoreAll(q: Float32Array): Promise<Float32Array> {
    const out = tf.tidy(() => tf.reshape(tf.matMul(this.table, tf.tensor2d(q, [this.d, 1])), [this.n]));
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  async softmaxGradient(queries: Float32Array, targets: Int32Array, bias: Float32Array): Promise<{ gradient: Float32Array; loss: number }> {
    const { n, d } = this;
    const T = targets.length;
    if (this.bias?.of !== bias) {
      this.bias?.tensor.dispose();
      this.bias = { of: bias, tensor: tf.tensor2d(bias, [1, n]) };
    }
    const biasRow = this.bias.tensor;
    const [grad, loss] = tf.tidy(() => {
      // V · Qᵀ, then transposed: a transposed [n, d] operand is several times slower on wasm.
      const logits = tf.add(tf.transpose(tf.matMul(this.table, tf.transpose(tf.tensor2d(queries, [T, d])))), biasRow); // [T, n]
      const logp = tf.logSoftmax(logits);
      const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), n); // [T, n]
      const g = tf.matMul(tf.sub(tf.exp(logp), onehot), this.table); // [T, d]
      return [tf.div(tf.sum(g, 0), T), tf.div(tf.neg(tf.sum(tf.mul(logp, onehot))), T)];
    });
    try {
      const [gv, lv] = await Promise.all([grad.data(), loss.data()]);
      return { gradient: Float32Array.from(gv), loss: lv[0] };
    } finally {
      grad.dispose();
      loss.dispose();
    }
  }

  dispose(): void {
    this.table.dispose();
    this.scaledGram.dispose();
    this.bias?.tensor.dispose();
  }
}
