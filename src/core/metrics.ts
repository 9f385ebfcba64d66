/**
 * Full-ranking metrics of the evaluation protocol (docs/evaluation-protocol.md): the target's
 * rank among all items but the shopper's own history, ties counted against the model.
 */

/**
 * 1-based rank of `target`: 1 + the number of other candidates scoring at least as high.
 * Excluded items (the fold-in) are not candidates. A non-finite target score ranks last.
 */
export function rankOfTarget(scores: ArrayLike<number>, target: number, exclude: ArrayLike<number>): number {
  const t = scores[target];
  const excluded = new Set<number>();
  for (let i = 0; i < exclude.length; i++) excluded.add(exclude[i]);
  const candidates = scores.length - excluded.size - (excluded.has(target) ? 0 : 1);
  if (!Number.isFinite(t)) return candidates + 1;
  let ahead = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i !== target && scores[i] >= t && !excluded.has(i)) ahead++;
  }
  return ahead + 1;
}

export interface RankingMetrics {
  'hr@10': number;
  'ndcg@10': number;
  'hr@20': number;
  'mrr@100': number;
}

/** Per-user metric values of one rank. */
export function metricsOfRank(rank: number): RankingMetrics {
  return {
    'hr@10': rank <= 10 ? 1 : 0,
    'ndcg@10': rank <= 10 ? 1 / Math.log2(rank + 1) : 0,
    'hr@20': rank <= 20 ? 1 : 0,
    'mrr@100': rank <= 100 ? 1 / rank : 0,
  };
}

/** Mean metrics over users. */
export class MetricsMean {
  private sums: RankingMetrics = { 'hr@10': 0, 'ndcg@10': 0, 'hr@20': 0, 'mrr@100': 0 };
  count = 0;

  add(rank: number): void {
    const m = metricsOfRank(rank);
    for (const key of Object.keys(m) as (keyof RankingMetrics)[]) this.sums[key] += m[key];
    this.count++;
  }

  mean(): RankingMetrics {
    const n = Math.max(this.count, 1);
    const out = { ...this.sums };
    for (const key of Object.keys(out) as (keyof RankingMetrics)[]) out[key] = round4(out[key] / n);
    return out;
  }
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** The q-quantile (0..1) of a sample, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
