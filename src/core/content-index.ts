/**
 * Content similarity of product text: TF-IDF over title tokens, L2-normalised, with an inverted
 * index so that scoring a profile touches only the items that share a term with it.
 */

const STOPWORDS = new Set(
  'a an and the of for to in on with by from at or is it this that your you my our its as be are edition game games video new pack version'.split(' '),
);

/** Lower-cased word tokens of a text; digits kept ("4" in "PlayStation 4" matters). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length === 0 || STOPWORDS.has(raw)) continue;
    out.push(raw);
  }
  return out;
}

/** A sparse vector: parallel arrays of term ids and weights. */
export interface SparseVector {
  terms: Int32Array;
  weights: Float32Array;
}

export class ContentIndex {
  readonly vocabulary = new Map<string, number>();
  private idf: Float32Array;
  /** Per item, its normalised TF-IDF vector. */
  readonly vectors: SparseVector[];
  /** Per term, the items holding it and their weights. */
  private postings: { items: Int32Array; weights: Float32Array }[];

  constructor(texts: readonly string[]) {
    const docs = texts.map((t) => tokenize(t));
    const df: number[] = [];
    for (const tokens of docs) {
      for (const tok of new Set(tokens)) {
        let id = this.vocabulary.get(tok);
        if (id === undefined) {
          id = this.vocabulary.size;
          this.vocabulary.set(tok, id);
          df.push(0);
        }
        df[id]++;
      }
    }
    const n = texts.length;
    this.idf = Float32Array.from(df, (f) => Math.log((1 + n) / (1 + f)) + 1);
    this.vectors = docs.map((tokens) => this.vectorize(tokens));
    const counts = new Int32Array(df.length);
    for (const v of this.vectors) for (const t of v.terms) counts[t]++;
    this.postings = Array.from(counts, (c) => ({ items: new Int32Array(c), weights: new Float32Array(c) }));
    const fill = new Int32Array(df.length);
    this.vectors.forEach((v, item) => {
      for (let j = 0; j < v.terms.length; j++) {
        const t = v.terms[j];
        this.postings[t].items[fill[t]] = item;
        this.postings[t].weights[fill[t]++] = v.weights[j];
      }
    });
  }

  get size(): number {
    return this.vectors.length;
  }

  /** The normalised TF-IDF vector of any text (unknown words are ignored). */
  vectorizeText(text: string): SparseVector {
    return this.vectorize(tokenize(text));
  }

  private vectorize(tokens: string[]): SparseVector {
    const tf = new Map<number, number>();
    for (const tok of tokens) {
      const id = this.vocabulary.get(tok);
      if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    const terms = Int32Array.from(tf.keys());
    const weights = Float32Array.from(terms, (t) => (1 + Math.log(tf.get(t)!)) * this.idf[t]);
    normalize(weights);
    return { terms, weights };
  }

  /**
   * A profile: the weighted sum of sparse vectors, normalised. Used for a shopper's history
   * (items and search queries together).
   */
  static combine(parts: { vector: SparseVector; weight: number }[]): SparseVector {
    const acc = new Map<number, number>();
    for (const { vector, weight } of parts) {
      for (let j = 0; j < vector.terms.length; j++) {
        acc.set(vector.terms[j], (acc.get(vector.terms[j]) ?? 0) + weight * vector.weights[j]);
      }
    }
    const terms = Int32Array.from(acc.keys());
    const weights = Float32Array.from(terms, (t) => acc.get(t)!);
    normalize(weights);
    return { terms, weights };
  }

  /** Cosine similarity of `profile` with every item, written into `out` (length = size). */
  scoreAll(profile: SparseVector, out = new Float32Array(this.size)): Float32Array {
    out.fill(0);
    for (let j = 0; j < profile.terms.length; j++) {
      const p = this.postings[profile.terms[j]];
      const w = profile.weights[j];
      for (let k = 0; k < p.items.length; k++) out[p.items[k]] += w * p.weights[k];
    }
    return out;
  }

  /**
   * The nearest items of a subset (e.g. those a model knows): postings restricted to the subset,
   * so scoring costs what the subset holds, not the whole catalogue. Returns, for a vector, up to
   * `m` items of the subset with a positive cosine, as [item, cosine] by decreasing cosine, then
   * increasing index.
   *
   * Dense accumulator and a running top m rather than a Map of every item sharing a term, sorted
   * whole: words every product has (a brand, "made", boilerplate of the descriptions) make that
   * every item of the catalogue, and sorting 100k entries per cold item took 11 minutes of a
   * 100k-product build. Sums are accumulated in the same order, so the result is the same.
   */
  subsetNearest(keep: (item: number) => boolean, m: number): (v: SparseVector) => [number, number][] {
    const postings = this.postings.map((p) => {
      const idx: number[] = [];
      for (let k = 0; k < p.items.length; k++) if (keep(p.items[k])) idx.push(k);
      return { items: Int32Array.from(idx, (k) => p.items[k]), weights: Float32Array.from(idx, (k) => p.weights[k]) };
    });
    const acc = new Float64Array(this.size);
    const seen = new Uint8Array(this.size);
    const touched: number[] = [];
    return (v) => {
      touched.length = 0;
      for (let j = 0; j < v.terms.length; j++) {
        const p = postings[v.terms[j]];
        const w = v.weights[j];
        for (let k = 0; k < p.items.length; k++) {
          const it = p.items[k];
          if (seen[it] === 0) {
            seen[it] = 1;
            touched.push(it);
          }
          acc[it] += w * p.weights[k];
        }
      }
      // Kept sorted best first; a candidate enters if it beats the last (insertion, m is small).
      const top: [number, number][] = [];
      for (const it of touched) {
        const s = acc[it];
        acc[it] = 0;
        seen[it] = 0;
        if (!(s > 0)) continue;
        if (top.length === m) {
          const [li, ls] = top[m - 1];
          if (s < ls || (s === ls && it > li)) continue;
          top.pop();
        }
        let at = top.length;
        while (at > 0 && (top[at - 1][1] < s || (top[at - 1][1] === s && top[at - 1][0] > it))) at--;
        top.splice(at, 0, [it, s]);
      }
      return top;
    };
  }

  /** Cosine similarity of two items. */
  similarity(a: number, b: number): number {
    return dot(this.vectors[a], this.vectors[b]);
  }

  /** Items whose text matches every query word best first (for catalogue search). */
  search(query: string): number[] {
    const q = this.vectorizeText(query);
    if (q.terms.length === 0) return [];
    const scores = this.scoreAll(q);
    const hits: number[] = [];
    for (let i = 0; i < scores.length; i++) if (scores[i] > 0) hits.push(i);
    return hits.sort((a, b) => scores[b] - scores[a] || a - b);
  }
}

function normalize(w: Float32Array): void {
  let s = 0;
  for (const x of w) s += x * x;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let i = 0; i < w.length; i++) w[i] /= norm;
}

function dot(a: SparseVector, b: SparseVector): number {
  let s = 0;
  for (let i = 0; i < a.terms.length; i++) {
    const t = a.terms[i];
    for (let j = 0; j < b.terms.length; j++) if (b.terms[j] === t) s += a.weights[i] * b.weights[j];
  }
  return s;
}
