/**
 * The base model: everything `public/model/` holds, trained from user sequences. Pure, so the
 * build script (all users) and the offline evaluation (training users only) share it.
 */
import { gramMatrix64, trainIALS } from './ials';
import { imputeColdItems } from './cold-items';
import { cooccurrence, nextItems, type NeighbourTable } from './neighbours';
import { popularity, trending } from './popularity';
import { dequantizeRows, quantizeRows } from './quantize';

/** Options of `trainBaseModel`; every field has a default. */
export interface BaseModelOptions {
  dim: number;
  alpha0: number;
  lambda: number;
  nu: number;
  epochs: number;
  /** Neighbours kept per item (co-occurrence and next). */
  k: number;
  seed: number;
  /**
   * CG steps per row instead of exact solves (0 = exact). 3 warm-started steps match the exact
   * solver's validation HR@10 on amazon-videogames (0.0934 vs 0.0936) at about half the time.
   */
  cgSteps: number;
  /** Window of the "next" table and the number of last positions counted as trending. */
  nextWindow: number;
  trendingLast: number;
  /** Bits per shipped embedding value (per-row scale): 4 halves the largest file a shopper downloads. */
  embeddingBits: 4 | 8;
  onProgress?: (stage: string, detail: string) => void;
}

export const DEFAULT_BASE_MODEL_OPTIONS: Readonly<Omit<BaseModelOptions, 'onProgress'>> = {
  dim: 64,
  alpha0: 0.03,
  lambda: 0.003,
  nu: 1,
  epochs: 10,
  k: 20,
  seed: 42,
  cgSteps: 3,
  nextWindow: 3,
  trendingLast: 2,
  embeddingBits: 4,
};

/** The trained arrays, in the shapes of the model manifest (n items, d dims, k neighbours). */
export interface BaseModel {
  nItems: number;
  dim: number;
  k: number;
  options: Omit<BaseModelOptions, 'onProgress'>;
  /** float32 [n, d], before quantisation (for evaluation; not shipped). */
  itemFactors: Float32Array;
  /** Codes [n, d] (`options.embeddingBits` wide) and float32 [n]: the shipped embeddings, value = q * scale. */
  embeddings: Int8Array;
  embeddingScales: Float32Array;
  /** float32 [d, d]: Gram of the dequantised embeddings, so the fold-in matches the scores. */
  gram: Float32Array;
  popularity: Float32Array;
  trending: Float32Array;
  cooc: NeighbourTable;
  next: NeighbourTable;
  /** Seconds per stage. */
  timing: Record<string, number>;
}

/**
 * Trains the base model. `sequences[u]` lists user u's items in order (each item once; the
 * protocol's step 1). Deterministic for a fixed seed. With `texts` (item titles), items without
 * training interactions are placed in the embedding space by their text (`imputeColdItems`).
 *
 * With `itemFactors` (float32 [nItems, d], trained elsewhere, e.g. Spark's ALS read by
 * `sparkItemFactors`), iALS is skipped: `dim` is their width, and the items with a zero row (those
 * the factors do not cover) are the ones placed by their text. The array is not modified.
 */
export function trainBaseModel(
  sequences: ArrayLike<ArrayLike<number>>, nItems: number, options: Partial<BaseModelOptions> & { itemFactors?: Float32Array } = {},
  texts?: readonly string[],
): BaseModel {
  const { onProgress, itemFactors: given, ...rest } = options;
  const o = { ...DEFAULT_BASE_MODEL_OPTIONS, ...rest };
  if (given) {
    if (!(nItems > 0 && given.length > 0 && given.length % nItems === 0)) {
      throw new RangeError(`trainBaseModel: itemFactors has ${given.length} values, not a multiple of ${nItems} items`);
    }
    o.dim = given.length / nItems;
  }
  const timing: Record<string, number> = {};
  let t = Date.now();
  const lap = (stage: string) => {
    const now = Date.now();
    timing[stage] = (now - t) / 1000;
    t = now;
    onProgress?.(stage, `${timing[stage].toFixed(1)} s`);
  };
  let factors: Float32Array;
  if (given) {
    // A copy: the cold-item imputation below writes into the factors.
    factors = given.slice();
  } else {
    factors = trainIALS(sequences, sequences.length, nItems, {
      dim: o.dim, alpha0: o.alpha0, lambda: o.lambda, nu: o.nu, epochs: o.epochs, seed: o.seed, cgSteps: o.cgSteps,
      onEpoch: (epoch, s) => onProgress?.('ials', `epoch ${epoch}/${o.epochs} (${s.seconds.toFixed(1)} s)`),
    }).itemFactors;
    lap('ials');
  }
  const pop = popularity(sequences, nItems);
  if (texts) {
    // Items without training interactions get an embedding from the items their text resembles;
    // with given factors, the items they leave out (iALS gives exactly those a zero row too).
    const d = o.dim;
    let isWarm = (i: number) => pop[i] > 0;
    if (given) {
      const covered = new Uint8Array(nItems);
      for (let k = 0; k < given.length; k++) if (given[k] !== 0) covered[(k / d) | 0] = 1;
      isWarm = (i) => covered[i] === 1;
    }
    const imputed = imputeColdItems(texts, factors, d, isWarm);
    lap('cold items');
    onProgress?.('cold items', `${imputed} items without ${given ? 'a factor row' : 'interactions'} placed by their text`);
  }
  const { q, scales } = quantizeRows(factors, nItems, o.dim, o.embeddingBits);
  const g = Float32Array.from(gramMatrix64(dequantizeRows(q, scales, nItems, o.dim), nItems, o.dim));
  lap('quantize');
  const trend = trending(sequences, nItems, o.trendingLast);
  lap('popularity');
  const cooc = cooccurrence(sequences, nItems, o.k);
  lap('cooc');
  const next = nextItems(sequences, nItems, o.k, o.nextWindow);
  lap('next');
  return {
    nItems, dim: o.dim, k: o.k, options: o,
    itemFactors: factors, embeddings: q, embeddingScales: scales, gram: g,
    popularity: pop, trending: trend, cooc, next, timing,
  };
}
