/**
 * Fine-tuning the sequence model on the device (issue 17): a per-shopper adapter δ [d] added to
 * the model's query, z' = z + δ, fitted by a few Adam steps on the shopper's own history (each
 * prefix → the item that followed it), with full-softmax cross-entropy over the catalogue and an
 * L2 pull towards δ = 0. The block itself stays as shipped: a handful of transitions cannot train
 * 29k weights, but they can move one query towards what this shopper does next.
 *
 * Pure: the gradient over the catalogue is computed by the caller's scorer (on the tfjs backend
 * in the worker; `softmaxGradient` of `CfScorer`), this module only runs the optimiser.
 */
import type { SequenceFineTune } from '../shared/model-manifest';

/**
 * What the evaluation tries: of the settings swept on 1,500 validation shoppers (10 steps at lr
 * 0.1 / 0.3 / 1, 20 at 0.3), the one that helped the sequence signal most on its own.
 */
export const DEFAULT_FINE_TUNE: SequenceFineTune = { steps: 10, lr: 0.1, l2: 0.01, examples: 8, budgetMs: 100 };

/**
 * The transitions the adapter learns from: for the history `items` (oldest first) the newest
 * `max` of (context of up to L items before position t → item at t).
 */
export function shopperTransitions(items: readonly number[], L: number, max: number): { contexts: number[][]; targets: number[] } {
  const contexts: number[][] = [], targets: number[] = [];
  for (let t = Math.max(1, items.length - max); t < items.length; t++) {
    contexts.push(items.slice(Math.max(0, t - L), t));
    targets.push(items[t]);
  }
  return { contexts, targets };
}

/** The mean gradient over the examples of the cross-entropy w.r.t. each query, and the mean loss. */
export type SoftmaxGradient = (queries: Float32Array, targets: Int32Array) => Promise<{ gradient: Float32Array; loss: number }>;

export interface AdapterFit {
  delta: Float32Array;
  steps: number;
  /** Mean cross-entropy before the first step and after the last one taken. */
  lossBefore: number;
  lossAfter: number;
}

/**
 * Adam on δ for the queries `zs` (one per transition, [d] each) and their `targets`. Every step
 * evaluates the loss and gradient at the current δ, so the loss after the last step costs one more
 * gradient call only when it is asked for (`measureAfter`: tests).
 */
export async function fitAdapter(
  zs: readonly Float32Array[],
  targets: ArrayLike<number>,
  gradientOf: SoftmaxGradient,
  f: SequenceFineTune,
  opts: { now?: () => number; measureAfter?: boolean } = {},
): Promise<AdapterFit> {
  const now = opts.now ?? (() => performance.now());
  const T = zs.length;
  const d = zs[0]?.length ?? 0;
  const delta = new Float32Array(d);
  if (T === 0 || T !== targets.length) return { delta, steps: 0, lossBefore: NaN, lossAfter: NaN };
  const tgt = Int32Array.from(targets);
  const queries = new Float32Array(T * d);
  const fill = () => zs.forEach((z, t) => {
    for (let j = 0; j < d; j++) queries[t * d + j] = z[j] + delta[j];
  });
  const m = new Float64Array(d), v = new Float64Array(d);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const start = now();
  let lossBefore = NaN, lossAfter = NaN, steps = 0;
  while (steps < f.steps && (steps === 0 || now() - start < f.budgetMs)) {
    fill();
    const { gradient, loss } = await gradientOf(queries, tgt);
    if (steps === 0) lossBefore = loss;
    lossAfter = loss;
    steps++;
    for (let j = 0; j < d; j++) {
      const g = gradient[j] + f.l2 * delta[j];
      m[j] = b1 * m[j] + (1 - b1) * g;
      v[j] = b2 * v[j] + (1 - b2) * g * g;
      const mh = m[j] / (1 - b1 ** steps), vh = v[j] / (1 - b2 ** steps);
      delta[j] -= f.lr * mh / (Math.sqrt(vh) + eps);
    }
  }
  if (opts.measureAfter && steps > 0) {
    fill();
    lossAfter = (await gradientOf(queries, tgt)).loss;
  }
  for (const x of delta) if (!Number.isFinite(x)) return { delta: new Float32Array(d), steps, lossBefore, lossAfter: NaN };
  return { delta, steps, lossBefore, lossAfter };
}
