import type { FusionWeights, SignalName } from '../shared/model-manifest';
import { zNormalize, type Signal } from './fusion';
import { topK } from './top-k';
import { MetricsMean, rankOfTarget, type RankingMetrics } from './metrics';

/**
 * A held-out shopper for tuning: z-normalised signals restricted to the candidates that can reach
 * the top of any weighting (the union of each signal's best items, plus the target), the
 * target's position among them, and nothing else: re-weighing touches a few hundred numbers.
 */
export interface TuningCase {
  z: Partial<Record<SignalName, Float32Array>>;
  /** Index of the target within the candidate arrays. */
  target: number;
}

/** Candidates kept per signal: an item outside every signal's top few hundred cannot reach the top 20. */
const CANDIDATES_PER_SIGNAL = 300;

/** Prepares a tuning case from the engine's signals (normalised once, re-weighed many times). */
export function tuningCase(signals: Signal[], target: number, exclude: ArrayLike<number>): TuningCase {
  const excluded = new Set(Array.from(exclude));
  const zs = signals.map((s) => ({ name: s.name, z: zNormalize(s.scores) }));
  const keep = new Set<number>([target]);
  for (const { z } of zs) for (const i of topK(z, CANDIDATES_PER_SIGNAL, (i) => excluded.has(i))) keep.add(i);
  const candidates = [...keep];
  const out: TuningCase = { z: {}, target: 0 };
  for (const { name, z } of zs) out.z[name] = Float32Array.from(candidates, (i) => z[i]);
  return out;
}

/** Metrics of a weighting over the cases: fusion exactly as `fuse` computes it, ranked among the candidates. */
export function evaluateWeights(cases: TuningCase[], weights: FusionWeights): RankingMetrics {
  const mean = new MetricsMean();
  for (const c of cases) {
    const names = (Object.keys(c.z) as SignalName[]).filter((name) => weights[name] !== 0);
    const n = c.z[names[0] ?? 'content']?.length ?? 0;
    const total = new Float32Array(n);
    for (const name of names) {
      const z = c.z[name]!, w = weights[name];
      for (let i = 0; i < n; i++) total[i] += w * z[i];
    }
    mean.add(rankOfTarget(total, c.target, []));
  }
  return mean.mean();
}

/** What tuning maximises: both the hit rate and how high the hit sits matter to a shopper. */
export function tuningScore(m: RankingMetrics): number {
  return m['hr@10'] + m['ndcg@10'];
}

/**
 * Coordinate ascent over the fusion weights on validation shoppers: each weight in turn takes the
 * grid value that maximises HR@10 + NDCG@10, for a few rounds. Returns the weights and
 * the validation metrics they reach.
 */
export function tuneFusionWeights(
  cases: TuningCase[],
  initial: FusionWeights,
  grid: number[] = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 0.6, 0.75, 1, 1.25, 1.5, 2, 3],
  rounds = 4,
): { weights: FusionWeights; metrics: RankingMetrics; trials: number } {
  let weights = { ...initial };
  let best = evaluateWeights(cases, weights);
  let trials = 1;
  for (let round = 0; round < rounds; round++) {
    let improved = false;
    for (const name of Object.keys(weights) as SignalName[]) {
      for (const value of grid) {
        if (value === weights[name]) continue;
        const candidate = { ...weights, [name]: value };
        const m = evaluateWeights(cases, candidate);
        trials++;
        if (tuningScore(m) > tuningScore(best)) {
          best = m;
          weights = candidate;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { weights, metrics: best, trials };
}
