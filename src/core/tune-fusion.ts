import type { FusionWeights, SignalName } from '../shared/model-manifest';
import { zNormalize, type Signal } from './fusion';
import { MetricsMean, rankOfTarget, type RankingMetrics } from './metrics';

/** A held-out shopper for tuning: z-normalised signals, the target and the history to exclude. */
export interface TuningCase {
  z: Partial<Record<SignalName, Float32Array>>;
  target: number;
  exclude: ArrayLike<number>;
}

/** Prepares a tuning case from the engine's signals (normalised once, re-weighed many times). */
export function tuningCase(signals: Signal[], target: number, exclude: ArrayLike<number>): TuningCase {
  const z: TuningCase['z'] = {};
  for (const s of signals) z[s.name] = zNormalize(s.scores);
  return { z, target, exclude };
}

/** Metrics of a weighting over the cases: fusion exactly as `fuse` computes it. */
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
    mean.add(rankOfTarget(total, c.target, c.exclude));
  }
  return mean.mean();
}

/**
 * Coordinate ascent over the fusion weights on validation shoppers: each weight in turn takes the
 * grid value that maximises HR@10 (NDCG@10 breaks ties), for a few rounds. Returns the weights and
 * the validation metrics they reach.
 */
export function tuneFusionWeights(
  cases: TuningCase[],
  initial: FusionWeights,
  grid: number[] = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3],
  rounds = 3,
): { weights: FusionWeights; metrics: RankingMetrics; trials: number } {
  const score = (m: RankingMetrics) => m['hr@10'] + 1e-3 * m['ndcg@10'];
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
        if (score(m) > score(best)) {
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
