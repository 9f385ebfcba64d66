/**
 * Item-to-item neighbour lists from user sequences: "bought together" (co-occurrence) and
 * "next" (what follows an item). Each is a dense n×K table sorted by weight, -1 padded.
 */

/** n×K neighbour table, row-major; row i lists item i's neighbours by decreasing weight. */
export interface NeighbourTable {
  k: number;
  index: Int32Array;
  weight: Float32Array;
}

/** Sorts the touched candidates of one row and writes its top K (weight desc, then index asc). */
function writeTopK(
  row: number, touched: number[], score: Float64Array, k: number, scale: number, out: NeighbourTable,
): void {
  touched.sort((a, b) => score[b] - score[a] || a - b);
  const m = Math.min(k, touched.length);
  for (let t = 0; t < m; t++) {
    out.index[row * k + t] = touched[t];
    out.weight[row * k + t] = score[touched[t]] * scale;
  }
}

function emptyTable(nItems: number, k: number): NeighbourTable {
  return { k, index: new Int32Array(nItems * k).fill(-1), weight: new Float32Array(nItems * k) };
}

/** Each sequence's distinct items (repeats say nothing more about co-occurrence). */
function distinct(seq: ArrayLike<number>): Int32Array {
  return Int32Array.from(new Set(Array.from(seq)));
}

/**
 * "Bought together": for each item, the K items most often in the same users' histories, with
 * cosine weight count(i,j) / √(count(i)·count(j)) where counts are numbers of users.
 */
export function cooccurrence(sequences: ArrayLike<ArrayLike<number>>, nItems: number, k: number): NeighbourTable {
  const sets = Array.from({ length: sequences.length }, (_, u) => distinct(sequences[u]));
  // Item → users, to visit each item's co-occurrences in one pass with a dense accumulator.
  const count = new Int32Array(nItems);
  for (const s of sets) for (const i of s) count[i]++;
  const ptr = new Int32Array(nItems + 1);
  for (let i = 0; i < nItems; i++) ptr[i + 1] = ptr[i] + count[i];
  const fill = ptr.slice(0, nItems);
  const usersOf = new Int32Array(ptr[nItems]);
  sets.forEach((s, u) => { for (const i of s) usersOf[fill[i]++] = u; });

  const out = emptyTable(nItems, k);
  const score = new Float64Array(nItems);
  const touched: number[] = [];
  for (let i = 0; i < nItems; i++) {
    touched.length = 0;
    for (let p = ptr[i]; p < ptr[i + 1]; p++) {
      for (const j of sets[usersOf[p]]) {
        if (j === i) continue;
        if (score[j] === 0) touched.push(j);
        score[j]++;
      }
    }
    for (const j of touched) score[j] /= Math.sqrt(count[i] * count[j]);
    writeTopK(i, touched, score, k, 1, out);
    for (const j of touched) score[j] = 0;
  }
  return out;
}

/**
 * "Next": for each item, the K items that follow it within the next `window` (default 3)
 * positions of a user's sequence, each occurrence weighted 1/distance. Weights are normalised
 * over the whole row before truncation to K, so they estimate P(next = j | i) and are
 * comparable across items (the kept K sum to at most 1).
 */
export function nextItems(sequences: ArrayLike<ArrayLike<number>>, nItems: number, k: number, window = 3): NeighbourTable {
  // Collect (source, target, weight) triples grouped by source.
  const rows: Map<number, number>[] = Array.from({ length: nItems }, () => new Map());
  for (let u = 0; u < sequences.length; u++) {
    const seq = sequences[u];
    for (let p = 0; p < seq.length; p++) {
      const src = seq[p];
      const row = rows[src];
      for (let q = p + 1; q <= p + window && q < seq.length; q++) {
        const dst = seq[q];
        if (dst === src) continue;
        row.set(dst, (row.get(dst) ?? 0) + 1 / (q - p));
      }
    }
  }
  const out = emptyTable(nItems, k);
  const score = new Float64Array(nItems);
  const touched: number[] = [];
  for (let i = 0; i < nItems; i++) {
    touched.length = 0;
    let total = 0;
    for (const [j, w] of rows[i]) {
      touched.push(j);
      score[j] = w;
      total += w;
    }
    if (total > 0) writeTopK(i, touched, score, k, 1 / total, out);
    for (const j of touched) score[j] = 0;
  }
  return out;
}
