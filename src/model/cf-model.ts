import * as tf from '@tensorflow/tfjs-core';

export interface FoldInParams {
  alpha0: number;
  lambda: number;
  nu: number;
}

/**
 * The collaborative-filtering model on the active tfjs backend: the item table V [n, d] and its
 * Gram matrix stay on the device; a shopper is a vector u [d].
 *
 * Fine-tuning the user side minimises the implicit-ALS loss of the shopper's own events,
 *   Σ_h c_h (1 − u·v_h)² + α0 Σ_all (u·v_j)² + λ_u |u|²,
 * by preconditioned conjugate gradient on the backend, warm-started from the previous vector,
 * so each new event costs a few small kernels rather than a full retrain.
 */
export class CfModel {
  private readonly table: tf.Tensor2D;
  private readonly gram: tf.Tensor2D;
  /** Diagonal of α0·G, for the Jacobi preconditioner. */
  private readonly gramDiag: Float32Array;

  constructor(
    embeddings: Float32Array,
    readonly n: number,
    readonly d: number,
    gram: Float32Array,
    private readonly params: FoldInParams,
  ) {
    this.table = tf.tensor2d(embeddings, [n, d]);
    this.gram = tf.tensor2d(gram, [d, d]);
    this.gramDiag = Float32Array.from({ length: d }, (_, j) => gram[j * d + j]);
  }

  /** λ_u of iALS-revisited: regularisation grows with the shopper's history. */
  private userLambda(historySize: number): number {
    const { lambda, alpha0, nu } = this.params;
    return lambda * Math.pow(historySize + alpha0 * this.n, nu);
  }

  /**
   * Fits the shopper vector to weighted history rows. `init` warm-starts the solver (the
   * previous vector); `iterations` bounds the work (CG is exact after d steps).
   */
  async foldIn(items: Int32Array, weights: Float32Array, init?: Float32Array, iterations = 24): Promise<Float32Array> {
    const { d } = this;
    if (items.length === 0) return new Float32Array(d);
    const lambdaU = this.userLambda(items.length);
    const { alpha0 } = this.params;
    // Jacobi preconditioner: diag(A) = Σ c_h v_hj² + α0 G_jj + λ_u, computed here (h×d numbers).
    const u = tf.tidy(() => {
      const h = tf.gather(this.table, tf.tensor1d(items, 'int32')); // [h, d]
      const c = tf.tensor2d(weights, [weights.length, 1]); // [h, 1]
      const diag = tf.add(tf.add(tf.sum(tf.mul(c, tf.square(h)), 0), tf.mul(tf.tensor1d(this.gramDiag), alpha0)), lambdaU);
      const minv = tf.reshape(tf.reciprocal(diag), [d, 1]);
      const apply = (p: tf.Tensor): tf.Tensor =>
        tf.add(tf.add(tf.matMul(h, tf.mul(c, tf.matMul(h, p)), true, false), tf.mul(tf.matMul(this.gram, p), alpha0)), tf.mul(p, lambdaU));
      const b = tf.matMul(h, c, true, false); // Σ c_h v_h
      let x: tf.Tensor = init ? tf.tensor2d(init, [d, 1]) : tf.zeros([d, 1]);
      let r = tf.sub(b, apply(x));
      let z = tf.mul(r, minv);
      let p = z;
      let rz = tf.sum(tf.mul(r, z));
      for (let it = 0; it < iterations; it++) {
        const ap = apply(p);
        // A zero denominator only happens at the exact solution; the epsilon keeps it finite.
        const alpha = tf.div(rz, tf.add(tf.sum(tf.mul(p, ap)), 1e-30));
        x = tf.add(x, tf.mul(p, alpha));
        r = tf.sub(r, tf.mul(ap, alpha));
        z = tf.mul(r, minv);
        const rzNext = tf.sum(tf.mul(r, z));
        const beta = tf.div(rzNext, tf.add(rz, 1e-30));
        p = tf.add(z, tf.mul(p, beta));
        rz = rzNext;
      }
      return tf.reshape(x, [d]);
    });
    try {
      return (await u.data()) as Float32Array;
    } finally {
      u.dispose();
    }
  }

  /** V·q for every item: the CF score of the whole catalogue for a shopper (or item) vector. */
  async scoreAll(q: Float32Array): Promise<Float32Array> {
    const out = tf.tidy(() => tf.reshape(tf.matMul(this.table, tf.tensor2d(q, [this.d, 1])), [this.n]));
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    this.table.dispose();
    this.gram.dispose();
  }
}
