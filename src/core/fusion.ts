/**
 * Score fusion: each signal is z-normalised over the candidates, then the weighted sum ranks.
 * Keeping the normalised signals lets the explanation name the signal that contributed most.
 */

import type { SignalName } from '../shared/model-manifest';

export interface Signal {
  name: SignalName;
  weight: number;
  /** One score per catalogue item; NaN where the signal knows nothing of the item. */
  scores: Float32Array;
}

/**
 * The mean and spread a signal is normalised with: over its finite entries, or over a larger
 * population (`over`: the items not given count as `over.rest`, 0 for a sparse signal). Sparse
 * signals (mostly zeros: neighbour lists) get their z-score from the whole catalogue too, so a
 * non-zero entry stands out as it should. std 0: the signal has no opinion.
 */
export function populationStats(scores: Float32Array, over?: Population): { mean: number; std: number } {
  let n = 0, sum = 0, sq = 0;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i];
    if (x - x !== 0) continue; // NaN or ±Infinity
    n++;
    sum += x;
    sq += x * x;
  }
  if (n === 0) return { mean: 0, std: 0 };
  if (over && over.items > n) {
    sq += (over.items - n) * (over.rest * over.rest + (over.restStd ?? 0) ** 2);
    sum += (over.items - n) * over.rest;
    n = over.items;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(sq / n - mean * mean, 0)) };
}

/** (x - mean) / std over the finite entries (see `populationStats`); NaN and constant signals become 0. */
export function zNormalize(scores: Float32Array, over?: Population): Float32Array {
  const { mean, std } = populationStats(scores, over);
  const out = new Float32Array(scores.length);
  if (std < 1e-12) return out;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i];
    out[i] = x - x === 0 ? (x - mean) / std : 0;
  }
  return out;
}

export interface Fused {
  total: Float32Array;
  /** The weighted, normalised contribution of each signal, in the order given. */
  parts: { name: SignalName; contribution: Float32Array }[];
}

/**
 * The catalogue a few candidates were taken from, for normalising their signals as the whole
 * catalogue would: `items` in all, the others scoring `rest` on average (with `restStd` spread).
 */
export interface Population {
  items: number;
  rest: number;
  restStd?: number;
}

/**
 * The weighted sum of the z-normalised signals. `over`: per signal, the population to normalise
 * over (default: the n scores given). `candidates`: fuse only these items (each signal is still
 * normalised over all n); every other item's total is -Infinity, so no list takes it.
 */
export function fuse(signals: Signal[], n: number, over?: Partial<Record<SignalName, Population>>, candidates?: ArrayLike<number>): Fused {
  const total = new Float32Array(n);
  if (candidates) {
    total.fill(-Infinity);
    for (let c = 0; c < candidates.length; c++) total[candidates[c]] = 0;
  }
  const parts: Fused['parts'] = [];
  for (const s of signals) {
    if (s.weight === 0) continue;
    const { mean, std } = populationStats(s.scores, over?.[s.name]);
    const contribution = new Float32Array(n);
    parts.push({ name: s.name, contribution });
    if (std < 1e-12) continue; // no opinion
    const w = s.weight / std, scores = s.scores;
    const at = (i: number) => {
      const x = scores[i];
      const z = x - x === 0 ? w * (x - mean) : 0;
      contribution[i] = z;
      total[i] += z;
    };
    if (candidates) for (let c = 0; c < candidates.length; c++) at(candidates[c]);
    else for (let i = 0; i < n; i++) at(i);
  }
  return { total, parts };
}

/** The signal that contributed most to item i's fused score. */
export function dominantSignal(fused: Fused, i: number): SignalName | undefined {
  let best: SignalName | undefined;
  let bestValue = -Infinity;
  for (const p of fused.parts) {
    if (p.contribution[i] > bestValue) {
      bestValue = p.contribution[i];
      best = p.name;
    }
  }
  return best;
}
