import { ContentIndex } from './content-index';

/**
/**
 * Items nobody has interacted with yet (new products) have no collaborative signal of their own.
 * They borrow one from the items their text resembles: for each cold item, its `m` most similar
 * warm items by TF-IDF cosine of the titles, with normalised weights. Maps content into the CF
 * space, so a new item can rank for shoppers whose taste matches the items it resembles.
 */
export interface TextProxies {
  /** Cold items (indexes into `texts`). */
  items: Int32Array;
  /** For each cold item, up to `m` warm items (-1 = none) and their weights (summing to 1). */
  from: Int32Array;
  weights: Float32Array;
  m: number;
}

export function textProxies(texts: readonly string[] | ContentIndex, isWarm: (item: number) => boolean, m = 20): TextProxies {
  const index = texts instanceof ContentIndex ? texts : new ContentIndex(texts);
  const cold: number[] = [];
  for (let i = 0; i < index.size; i++) if (!isWarm(i)) cold.push(i);
  const out: TextProxies = { items: Int32Array.from(cold), from: new Int32Array(cold.length * m).fill(-1), weights: new Float32Array(cold.length * m), m };
  if (cold.length === 0 || cold.length === index.size) return out; // nothing to place, or nothing to borrow from
  // Scored against warm items only: the cost follows what the model knows, however many new items.
  const nearestWarm = index.subsetNearest(isWarm, m);
  cold.forEach((c, r) => {
    const nbs = nearestWarm(index.vectors[c]);
    let total = 0;
    for (const [, sim] of nbs) total += sim;
    nbs.forEach(([j, sim], k) => {
      out.from[r * m + k] = j;
      out.weights[r * m + k] = sim / total;
    });
  });
  return out;
}

/** Sets each cold item's value to the weighted mean of its proxies' values (in place). */
export function borrowFromProxies(values: Float32Array, proxies: TextProxies): Float32Array {
  const { m } = proxies;
  proxies.items.forEach((c, r) => {
    let v = 0, any = false;
    for (let k = 0; k < m; k++) {
      const j = proxies.from[r * m + k];
      if (j < 0) break;
      v += proxies.weights[r * m + k] * values[j];
      any = true;
    }
    if (any) values[c] = v;
  });
  return values;
}

/**
 * Gives each cold row of an [n, d] factor matrix the weighted mean of its proxies' rows (in
 * place), so cold items have an embedding for the fold-in and for "because you viewed".
 * Returns how many items were placed.
 */
export function imputeColdItems(texts: readonly string[], factors: Float32Array, d: number, isWarm: (item: number) => boolean, m = 20): number {
  const proxies = textProxies(texts, isWarm, m);
  proxies.items.forEach((c, r) => {
    for (let k = 0; k < m; k++) {
      const j = proxies.from[r * m + k];
      if (j < 0) break;
      const w = proxies.weights[r * m + k];
      for (let x = 0; x < d; x++) factors[c * d + x] += w * factors[j * d + x];
    }
  });
  return proxies.items.length;
}
