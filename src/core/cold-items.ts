import { ContentIndex } from './content-index';
import { topK } from './top-k';

/**
 * Items nobody has interacted with yet (new products) have no collaborative signal of their own.
 * They borrow one from the items their text resembles: the similarity-weighted mean of the
 * embedding (and popularity) of their `m` most similar warm items, by TF-IDF cosine of the titles.
 * This maps content into the CF space, so a new item can rank for shoppers whose taste matches
 * the items it resembles.
 *
 * Mutates `factors` [n, d] and `popularity` [n] in place for the items `isWarm` rejects; returns
 * how many items were imputed.
 */
export function imputeColdItems(
  texts: readonly string[],
  factors: Float32Array,
  d: number,
  popularity: Float32Array,
  isWarm: (item: number) => boolean,
  m = 20,
): number {
  const n = texts.length;
  const cold: number[] = [];
  for (let i = 0; i < n; i++) if (!isWarm(i)) cold.push(i);
  if (cold.length === 0 || cold.length === n) return 0;
  const index = new ContentIndex(texts);
  for (const c of cold) {
    const sims = index.scoreAll(index.vectors[c]);
    const nbs = topK(sims, m, (i) => !isWarm(i) || sims[i] <= 0);
    let total = 0;
    for (const j of nbs) total += sims[j];
    if (total <= 0) continue; // nothing alike: stays neutral
    let pop = 0;
    for (const j of nbs) {
      const w = sims[j] / total;
      for (let k = 0; k < d; k++) factors[c * d + k] += w * factors[j * d + k];
      pop += w * popularity[j];
    }
    popularity[c] = pop;
  }
  return cold.length;
}
