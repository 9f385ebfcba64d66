/**
 * Diversity: maximal marginal relevance re-ranking (Carbonell & Goldstein, 1998) so a list does
 * not show ten copies of the same thing, and the metrics the evaluation reports about it.
 */

import { rowDot } from './signals';

/** Similarity of two items in 0..1 (1 = the same thing). */
export type Similarity = (a: number, b: number) => number;

/**
 * Re-ranks `candidates` (best first) into k items, each step taking the candidate maximising
 * λ·relevance − (1−λ)·(its highest similarity to the items already taken).
 *
 * Fused scores are z-score sums with no fixed range, so relevance is first rescaled to 0..1 over
 * the candidates; otherwise λ would mean something different for every list. Ties go to the
 * earlier candidate, and λ ≥ 1 keeps the given order exactly. Cost: O(k · candidates) similarity
 * calls, so pass a pool of a few times k, not the catalogue.
 */
export function mmrRerank(
  candidates: readonly number[],
  relevance: (i: number) => number,
  similarity: Similarity,
  k: number,
  lambda: number,
): number[] {
  const m = candidates.length;
  const want = Math.min(Math.max(k, 0), m);
  if (lambda >= 1 || want === 0) return candidates.slice(0, want);
  const rel = candidates.map((c) => {
    const r = relevance(c);
    return Number.isFinite(r) ? r : -Infinity;
  });
  let lo = Infinity, hi = -Infinity;
  for (const r of rel) {
    if (r === -Infinity) continue;
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  const span = hi - lo;
  // Non-finite relevance counts as the least relevant; a constant pool is equally relevant.
  const scaled = rel.map((r) => (r === -Infinity ? 0 : span > 0 ? (r - lo) / span : 1));
  const maxSim = new Float64Array(m); // highest similarity to the picks so far
  const taken = new Uint8Array(m);
  const out: number[] = [];
  while (out.length < want) {
    let best = -1, bestValue = -Infinity;
    for (let j = 0; j < m; j++) {
      if (taken[j]) continue;
      const v = lambda * scaled[j] - (1 - lambda) * maxSim[j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    taken[best] = 1;
    const picked = candidates[best];
    out.push(picked);
    for (let j = 0; j < m; j++) {
      if (!taken[j]) maxSim[j] = Math.max(maxSim[j], similarity(candidates[j], picked));
    }
  }
  return out;
}

/** Mean pairwise dissimilarity (1 − similarity) of a list; 0 for fewer than two items. */
export function intraListDiversity(list: readonly number[], similarity: Similarity): number {
  let sum = 0, pairs = 0;
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      sum += 1 - similarity(list[a], list[b]);
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : 0;
}

/** Share of the n catalogue items that appear in at least one list. */
export function catalogCoverage(lists: readonly (readonly number[])[], n: number): number {
  if (n <= 0) return 0;
  const seen = new Uint8Array(n);
  let count = 0;
  for (const list of lists) {
    for (const i of list) {
      if (i >= 0 && i < n && !seen[i]) {
        seen[i] = 1;
        count++;
      }
    }
  }
  return count / n;
}

/** Cosine of rows a and b of a row-major [n, d] embedding matrix; 0 when either row is zero. */
export function embeddingCosine(embeddings: Float32Array, d: number, a: number, b: number): number {
  const na = rowDot(embeddings, d, a, a), nb = rowDot(embeddings, d, b, b);
  return na > 0 && nb > 0 ? rowDot(embeddings, d, a, b) / Math.sqrt(na * nb) : 0;
}

/**
 * A `Similarity` over embedding rows for MMR and the metrics: cosine clamped to 0..1 (opposite
 * tastes are no more "different" than unrelated ones for a list). Row norms are computed on first
 * use and cached, so building it costs nothing for a large catalogue.
 */
export function embeddingSimilarity(embeddings: Float32Array, d: number): Similarity {
  const n = Math.floor(embeddings.length / d);
  const invNorm = new Float32Array(n).fill(NaN);
  const inv = (r: number) => {
    if (Number.isNaN(invNorm[r])) {
      const s = rowDot(embeddings, d, r, r);
      invNorm[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
    return invNorm[r];
  };
  return (a, b) => {
    if (a === b) return 1;
    const c = rowDot(embeddings, d, a, b) * inv(a) * inv(b);
    return c > 1 ? 1 : c > 0 ? c : 0;
  };
}
