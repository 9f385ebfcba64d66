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
 * (x - mean) / std over the finite entries; NaN and constant signals become 0 (no opinion).
 * Sparse signals (mostly zeros: neighbour lists) get their z-score from the whole catalogue too,
 * so a non-zero entry stands out as it should.
 */
export function zNormalize(scores: Float32Array, over?: Population): Float32Array {
  let n = 0, sum = 0, sq = 0;
  for (const x of scores) {
    if (!Number.isFinite(x)) continue;
    n++;
    sum += x;
    sq += x * x;
  }
  const out = new Float32Array(scores.length);
  if (n === 0) return out;
  // Over a larger population: the items not given count as `over.rest` (0 for a sparse signal).
  if (over && over.items > n) {
    sq += (over.items - n) * (over.rest * over.rest + (over.restStd ?? 0) ** 2);
    sum += (over.items - n) * over.rest;
    n = over.items;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sq / n - mean * mean, 0));
  if (std < 1e-12) return out;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i];
    out[i] = Number.isFinite(x) ? (x - mean) / std : 0;
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

/** `over`: per signal, the population to normalise over (default: the n scores given). */
export function fuse(signals: Signal[], n: number, over?: Partial<Record<SignalName, Population>>): Fused {
  const total = new Float32Array(n);
  const parts = signals
    .filter((s) => s.weight !== 0)
    .map((s) => {
      const z = zNormalize(s.scores, over?.[s.name]);
      for (let i = 0; i < n; i++) {
        z[i] *= s.weight;
        total[i] += z[i];
      }
      return { name: s.name, contribution: z };
    });
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
