/**
 * Item-side signals computed from a shopper's weighted history: pure array maths, no I/O.
 */

/** A shopper's history as model rows with a weight each (event type × recency). */
export interface WeightedItems {
  items: Int32Array;
  weights: Float32Array;
}

export interface SpreadResult {
  scores: Float32Array;
  /** For each item, the history item that added most to its score (-1 = none). */
  source: Int32Array;
}

/**
 * Spreads the history over a top-K neighbour table (co-occurrence or next-item): each history
 * item passes its weight times the edge weight to its neighbours.
 */
export function spreadNeighbours(
  index: Int32Array,
  weight: Float32Array,
  k: number,
  history: WeightedItems,
  n: number,
): SpreadResult {
  const scores = new Float32Array(n);
  const best = new Float32Array(n);
  const source = new Int32Array(n).fill(-1);
  for (let h = 0; h < history.items.length; h++) {
    const src = history.items[h];
    const wh = history.weights[h];
    const row = src * k;
    for (let j = 0; j < k; j++) {
      const dst = index[row + j];
      if (dst < 0) break;
      const add = wh * weight[row + j];
      scores[dst] += add;
      if (add > best[dst]) {
        best[dst] = add;
        source[dst] = src;
      }
    }
  }
  return { scores, source };
}

/** Dot product of rows a and b of a row-major [n, d] matrix. */
export function rowDot(m: Float32Array, d: number, a: number, b: number): number {
  let s = 0;
  const oa = a * d, ob = b * d;
  for (let j = 0; j < d; j++) s += m[oa + j] * m[ob + j];
  return s;
}

/** Of `candidates`, the one whose row is most similar (dot product) to row `target`. */
export function mostSimilarRow(m: Float32Array, d: number, target: number, candidates: ArrayLike<number>): number {
  let best = -1, bestScore = -Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const s = rowDot(m, d, target, candidates[i]);
    if (s > bestScore) {
      bestScore = s;
      best = candidates[i];
    }
  }
  return best;
}
