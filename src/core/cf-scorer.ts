import { foldInUser } from './ials';

/** Hyper-parameters of the user-side fit, as the item factors were trained. */
export interface FoldInParams {
  alpha0: number;
  lambda: number;
  nu: number;
}

/**
 * The collaborative-filtering half of the model as the engine uses it: fit a shopper vector to
 * their weighted history (the on-device fine-tuning of the user side), and score every item.
 * Two implementations: tfjs on the chosen backend (`src/model/cf-model.ts`), and this plain
 * one, which serves while the backend warms up and when no backend can start.
 */
export interface CfScorer {
  /** 'js' or the tfjs backend name. */
  readonly kind: string;
  /** The exact iALS fold-in: argmin Σ c_h (1 − u·v_h)² + α0 Σ_all (u·v_j)² + λ_u |u|². */
  foldIn(rows: Int32Array, weights: Float32Array): Promise<Float32Array>;
  /** V·q for every row. */
  scoreAll(q: Float32Array): Promise<Float32Array>;
  /**
   * For queries Q [T, d] and their target rows, with scores Q·Vᵀ + bias over every row: the mean
   * over the T rows of the cross-entropy's gradient w.r.t. the query, Vᵀ(p − onehot) [d], and the
   * mean cross-entropy. The sequence model's fine-tuning on the device (`core/sequence-adapter.ts`).
   */
  softmaxGradient(queries: Float32Array, targets: Int32Array, bias: Float32Array): Promise<{ gradient: Float32Array; loss: number }>;
  dispose(): void;
}

export class JsCfScorer implements CfScorer {
  readonly kind = 'js';
  constructor(
    private readonly embeddings: Float32Array,
    readonly n: number,
    readonly d: number,
    private readonly gram: Float32Array,
    private readonly params: FoldInParams,
    /** Items of the whole model (a partitioned model's device holds only n of them). */
    private readonly nItems = n,
  ) {}

  async foldIn(rows: Int32Array, weights: Float32Array): Promise<Float32Array> {
    return Float32Array.from(foldInUser(this.embeddings, this.gram, rows, weights, { ...this.params, dim: this.d, nItems: this.nItems }));
  }

  async scoreAll(q: Float32Array): Promise<Float32Array> {
    const { n, d, embeddings: m } = this;
    const out = new Float32Array(n);
    for (let i = 0, o = 0; i < n; i++, o += d) {
      let s = 0;
      for (let j = 0; j < d; j++) s += m[o + j] * q[j];
      out[i] = s;
    }
    return out;
  }

  async softmaxGradient(queries: Float32Array, targets: Int32Array, bias: Float32Array): Promise<{ gradient: Float32Array; loss: number }> {
    const { n, d, embeddings: m } = this;
    const T = targets.length;
    const gradient = new Float32Array(d);
    const logits = new Float64Array(n);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const q = queries.subarray(t * d, t * d + d);
      let top = -Infinity;
      for (let i = 0, o = 0; i < n; i++, o += d) {
        let s = bias[i];
        for (let j = 0; j < d; j++) s += m[o + j] * q[j];
        logits[i] = s;
        if (s > top) top = s;
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (logits[i] = Math.exp(logits[i] - top));
      loss += Math.log(sum) - Math.log(logits[targets[t]]);
      for (let i = 0, o = 0; i < n; i++, o += d) {
        const p = logits[i] / sum / T;
        for (let j = 0; j < d; j++) gradient[j] += p * m[o + j];
      }
      for (let j = 0; j < d; j++) gradient[j] -= m[targets[t] * d + j] / T;
    }
    return { gradient, loss: loss / T };
  }

  dispose(): void {}
}
