/**
 * The shopper's interest profile: the engaged items grouped into a few interests by weighted
 * spherical k-means on their embeddings, each named from its products' text (platform plus the
 * most distinctive shared title words). Pure and deterministic: the same history gives the same
 * profile, so the UI can show it and remove an interest by key.
 */

import { categoryOf, CATEGORIES } from './category';
import { tokenize } from './content-index';
import { createRng, type Rng } from './random';

export interface ShopperInterest {
  /** Stable id (the name, normalised): the UI removes an interest by it. */
  key: string;
  /** Short human-readable name, e.g. "Call of Duty (PlayStation 4)". */
  name: string;
  /** Share of the shopper's history weight, 0..1. */
  weight: number;
  /** Catalogue positions, strongest first. */
  items: number[];
  /** The parts of the name, for phrasing ("More {topic}"): title words and platform. */
  topic?: string;
  platform?: string;
}

/** Document frequency of title words over the whole catalogue: what makes a word distinctive. */
export interface TitleWordStats {
  n: number;
  df: Map<string, number>;
}

/** What the profile needs of the catalogue, indexed by catalogue position. */
export interface InterestCatalog {
  titles: readonly string[];
  /** The items' categories; items without one get `categoryOf(title)`. */
  categories: readonly (string | undefined)[];
  words: TitleWordStats;
}

export interface InterestInput {
  /** Engaged catalogue positions with their weights (event type × recency, `summarizeHistory`). */
  items: ArrayLike<number>;
  weights: ArrayLike<number>;
  /** An item's embedding (all of length d), or undefined when the model does not know it. */
  embedding: (item: number) => Float32Array | undefined;
}

export interface InterestOptions {
  /** At most this many interests (default 4). */
  maxInterests?: number;
  /** Clusters whose centroids are closer than this cosine are one interest (default 0.6). */
  mergeCosine?: number;
  /** Clusters with less of the weight are folded into their nearest (default 0.08). */
  minShare?: number;
  seed?: number;
}

/** Counts title words over the catalogue; build once per catalogue. */
export function titleWordStats(titles: readonly string[]): TitleWordStats {
  const df = new Map<string, number>();
  for (const t of titles) for (const w of new Set(tokenize(plainText(t)))) df.set(w, (df.get(w) ?? 0) + 1);
  return { n: titles.length, df };
}

/** The items of the interests with the given keys (e.g. those the shopper removed). */
export function itemsOfInterests(interests: readonly ShopperInterest[], keys: Iterable<string>): Set<number> {
  const wanted = new Set(keys);
  const out = new Set<number>();
  for (const it of interests) if (wanted.has(it.key)) for (const i of it.items) out.add(i);
  return out;
}

interface Point {
  item: number;
  weight: number;
  vec: Float64Array;
}

/** A group of history items; `sum` is the weighted sum of unit embeddings (absent for text-only groups). */
interface Group {
  items: number[];
  weights: number[];
  weight: number;
  sum?: Float64Array;
}

/** The shopper's interests, heaviest first; empty for an empty history. */
export function interestProfile(input: InterestInput, catalog: InterestCatalog, options: InterestOptions = {}): ShopperInterest[] {
  const maxInterests = Math.max(1, options.maxInterests ?? 4);
  const mergeCosine = options.mergeCosine ?? 0.6;
  const minShare = options.minShare ?? 0.08;
  const category = (i: number) => catalog.categories[i] ?? categoryOf(catalog.titles[i]);

  // Sorted by position so the clustering depends on the set of items, not on the order of events.
  const entries: { item: number; weight: number; vec?: Float64Array }[] = [];
  const seen = new Set<number>();
  for (let j = 0; j < input.items.length; j++) {
    const item = input.items[j], weight = input.weights[j];
    if (!(weight > 0) || seen.has(item)) continue;
    seen.add(item);
    entries.push({ item, weight, vec: unit(input.embedding(item)) });
  }
  entries.sort((a, b) => a.item - b.item);
  const total = entries.reduce((s, e) => s + e.weight, 0);
  if (entries.length === 0 || !(total > 0)) return [];

  const embedded = entries.filter((e): e is Point => e.vec !== undefined);
  let groups = kmeans(embedded, maxInterests, createRng(options.seed ?? 0x5eed));
  groups = mergeClose(groups, mergeCosine);

  // Items the model does not know join the group that already holds most of their category.
  const textGroups = new Map<string, Group>();
  for (const e of entries) {
    if (e.vec) continue;
    const cat = category(e.item);
    const byCat = cat === 'Other' ? undefined : heaviestWithCategory(groups, cat, category);
    const g = byCat ?? textGroups.get(cat) ?? { items: [], weights: [], weight: 0 };
    if (!byCat && !textGroups.has(cat)) textGroups.set(cat, g);
    g.items.push(e.item);
    g.weights.push(e.weight);
    g.weight += e.weight;
  }
  groups.push(...textGroups.values());

  const similarity = (a: Group, b: Group) => groupSimilarity(a, b, catalog, category);
  // Too small to be an interest, or one too many: fold into the nearest.
  groups = foldWhile(groups, similarity, (gs) => gs.length > maxInterests || (gs.length > 1 && gs[gs.length - 1].weight < minShare * total));

  // Two groups with the same name are the same interest to the shopper.
  for (;;) {
    const named = groups.map((g) => ({ g, ...nameGroup(g, catalog, category) }));
    const dup = named.findIndex((a, x) => named.some((b, y) => y < x && b.key === a.key));
    if (dup < 0) {
      return named
        .map(({ g, key, name, topic, platform }): ShopperInterest => {
          const out: ShopperInterest = { key, name, weight: g.weight / total, items: byStrength(g).map((j) => g.items[j]) };
          if (topic) out.topic = topic;
          if (platform) out.platform = platform;
          return out;
        })
        .sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : 1));
    }
    const first = named.findIndex((b) => b.key === named[dup].key);
    groups = groups.filter((_, x) => x !== dup);
    groups[first] = join(named[first].g, named[dup].g);
  }
}

// ---- clustering ----

const RESTARTS = 4;
const ITERATIONS = 25;

function unit(v: ArrayLike<number> | undefined): Float64Array | undefined {
  if (!v) return undefined;
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  if (!(s > 0) || !Number.isFinite(s)) return undefined;
  const inv = 1 / Math.sqrt(s);
  return Float64Array.from(v, (x) => x * inv);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

const cosine = (a: Float64Array, b: Float64Array) => {
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n > 0 ? dot(a, b) / n : 0;
};

/**
 * Weighted spherical k-means, k-means++ seeding (distance 1 − cosine) from a fixed-seed rng, a
 * few restarts, the lowest-cost result kept.
 */
function kmeans(points: Point[], k: number, rng: Rng): Group[] {
  if (points.length === 0) return [];
  let best: { cost: number; assign: Int32Array; k: number } | undefined;
  for (let r = 0; r < RESTARTS; r++) {
    const centres = seedCentres(points, k, rng);
    const assign = new Int32Array(points.length).fill(-1);
    let cost = 0;
    for (let it = 0; it < ITERATIONS; it++) {
      let changed = false;
      cost = 0;
      points.forEach((p, j) => {
        let c = 0, cs = -Infinity;
        centres.forEach((centre, x) => {
          const s = dot(p.vec, centre);
          if (s > cs) [c, cs] = [x, s];
        });
        if (assign[j] !== c) changed = true;
        assign[j] = c;
        cost += p.weight * (1 - cs);
      });
      if (!changed) break;
      centres.forEach((centre, x) => {
        const s = new Float64Array(centre.length);
        points.forEach((p, j) => {
          if (assign[j] === x) for (let t = 0; t < s.length; t++) s[t] += p.weight * p.vec[t];
        });
        const u = unit(s);
        if (u) centres[x] = u; // an emptied cluster keeps its centre and stays empty
      });
    }
    if (!best || cost < best.cost - 1e-9) best = { cost, assign, k: centres.length };
  }
  const groups: Group[] = Array.from({ length: best!.k }, () => ({ items: [], weights: [], weight: 0, sum: new Float64Array(points[0].vec.length) }));
  points.forEach((p, j) => addItem(groups[best!.assign[j]], p.item, p.weight, p.vec));
  return groups.filter((g) => g.items.length > 0);
}

function seedCentres(points: Point[], k: number, rng: Rng): Float64Array[] {
  const pick = (w: number[]) => {
    const total = w.reduce((a, b) => a + b, 0);
    let u = rng.next() * total;
    for (let j = 0; j < w.length; j++) if ((u -= w[j]) < 0) return j;
    return w.length - 1;
  };
  const centres = [points[pick(points.map((p) => p.weight))].vec];
  const dist = points.map((p) => 1 - dot(p.vec, centres[0]));
  while (centres.length < k) {
    const w = points.map((p, j) => p.weight * Math.max(dist[j], 0));
    // Every point sits on a centre already: fewer distinct tastes than k.
    if (!(w.reduce((a, b) => a + b, 0) > 1e-9)) break;
    const c = points[pick(w)].vec;
    centres.push(c);
    points.forEach((p, j) => (dist[j] = Math.min(dist[j], 1 - dot(p.vec, c))));
  }
  return centres;
}

/** Positions within the group, heaviest item first (ties: lower catalogue position). */
function byStrength(g: Group): number[] {
  return g.items.map((_, j) => j).sort((a, b) => g.weights[b] - g.weights[a] || g.items[a] - g.items[b]);
}

function addItem(g: Group, item: number, weight: number, vec?: Float64Array): void {
  g.items.push(item);
  g.weights.push(weight);
  g.weight += weight;
  if (vec && g.sum) for (let t = 0; t < vec.length; t++) g.sum[t] += weight * vec[t];
}

function join(a: Group, b: Group): Group {
  let sum = a.sum ?? b.sum;
  if (a.sum && b.sum) sum = a.sum.map((x, t) => x + b.sum![t]);
  return { items: [...a.items, ...b.items], weights: [...a.weights, ...b.weights], weight: a.weight + b.weight, sum };
}

/** Merges the closest pair of centroids while their cosine exceeds the threshold. */
function mergeClose(groups: Group[], threshold: number): Group[] {
  for (;;) {
    let bx = -1, by = -1, bs = threshold;
    for (let x = 0; x < groups.length; x++) {
      for (let y = x + 1; y < groups.length; y++) {
        const s = cosine(groups[x].sum!, groups[y].sum!);
        if (s > bs) [bx, by, bs] = [x, y, s];
      }
    }
    if (bx < 0) return groups;
    groups = [...groups.filter((_, z) => z !== bx && z !== by), join(groups[bx], groups[by])];
  }
}

/** Folds the lightest group into its most similar one while `more` says so. */
function foldWhile(groups: Group[], similarity: (a: Group, b: Group) => number, more: (sorted: Group[]) => boolean): Group[] {
  let gs = [...groups].sort((a, b) => b.weight - a.weight);
  while (gs.length > 1 && more(gs)) {
    const light = gs[gs.length - 1];
    const rest = gs.slice(0, -1);
    let target = 0;
    rest.forEach((g, x) => {
      if (similarity(light, g) > similarity(light, rest[target])) target = x;
    });
    rest[target] = join(rest[target], light);
    gs = rest.sort((a, b) => b.weight - a.weight);
  }
  return gs;
}

function heaviestWithCategory(groups: Group[], cat: string, category: (i: number) => string): Group | undefined {
  let best: Group | undefined, bestWeight = 0;
  for (const g of groups) {
    const w = g.items.reduce((s, i, j) => s + (category(i) === cat ? g.weights[j] : 0), 0);
    if (w > bestWeight) [best, bestWeight] = [g, w];
  }
  return best;
}

/** Centroid cosine when both groups have embeddings; otherwise shared platform and title words. */
function groupSimilarity(a: Group, b: Group, catalog: InterestCatalog, category: (i: number) => string): number {
  if (a.sum && b.sum) return cosine(a.sum, b.sum);
  const words = (g: Group) => new Set(g.items.flatMap((i) => tokenize(plainText(catalog.titles[i]))));
  const wa = words(a), wb = words(b);
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  const union = wa.size + wb.size - shared;
  const ca = dominant(a, category), cb = dominant(b, category);
  return 0.5 * (ca.name === cb.name && ca.name !== 'Other' ? 1 : 0) + 0.5 * (union > 0 ? shared / union : 0);
}

/** The heaviest category of a group and its share, and the heaviest one that is not "Other". */
function dominant(g: Group, category: (i: number) => string): { name: string; share: number; known?: string } {
  const byCat = new Map<string, number>();
  g.items.forEach((i, j) => byCat.set(category(i), (byCat.get(category(i)) ?? 0) + g.weights[j]));
  const ranked = [...byCat].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const known = ranked.find(([c]) => c !== 'Other')?.[0];
  return { name: ranked[0][0], share: g.weight > 0 ? ranked[0][1] / g.weight : 0, known };
}

// ---- naming ----

/** A platform is named when it holds this share of the interest. */
const PLATFORM_SHARE = 0.5;
/** A title word is "shared" when the items holding it carry this share of the interest. */
const WORD_SHARE = 0.5;
/** Words after the first must score at least this fraction of the best word. */
const WORD_RELATIVE = 0.5;
const MAX_WORDS = 3;
/** How fast a word's weight falls with its position in the title. */
const POSITION_DECAY = 0.3;

/** Words that say nothing about taste in a product title. */
const GENERIC = new Set('bundle deluxe limited collector collectors standard special complete renewed refurbished import w'.split(' '));
/** Platform words: the platform is named on its own, not among the topic words. */
const PLATFORM_WORDS = new Set(CATEGORIES.flatMap((c) => tokenize(c)));
const SMALL_WORDS = new Set('a an and the of for to in on with by from at or vs'.split(' '));

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", '#39': "'", lt: ' ', gt: ' ', nbsp: ' ' };

/** Title text without HTML tags or entities. */
function plainText(title: string): string {
  return title.replace(/<[^>]*>/g, ' ').replace(/&(#?\w+);/g, (_, e: string) => ENTITIES[e.toLowerCase()] ?? ' ');
}

function isTopicWord(w: string): boolean {
  if (w.length < 2 || /^\d+$/.test(w) || GENERIC.has(w) || PLATFORM_WORDS.has(w)) return false;
  const platform = categoryOf(w);
  return platform === 'Other' || platform === 'PC' || platform === 'Toys & Figures';
}

function nameGroup(g: Group, catalog: InterestCatalog, category: (i: number) => string): { key: string; name: string; topic?: string; platform?: string } {
  const dom = dominant(g, category);
  const platform = dom.name !== 'Other' && dom.share >= PLATFORM_SHARE ? dom.name : undefined;
  const topic = topicOf(g, catalog);
  // A mixed group still says what it mostly is rather than nothing.
  const mixed = dom.known ? `${dom.known} and more` : 'Other products';
  const name = topic && platform ? `${topic} (${platform})` : topic ?? platform ?? mixed;
  const key = name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'other';
  return { key, name, topic, platform };
}

/**
 * The most distinctive words most of the interest's titles share (coverage × idf), shown as the
 * span of the strongest title that holds them, at most three words ("Call of Duty").
 */
function topicOf(g: Group, catalog: InterestCatalog): string | undefined {
  const { n, df } = catalog.words;
  const coverage = new Map<string, { weight: number; count: number; position: number }>();
  const texts = g.items.map((i) => plainText(catalog.titles[i]));
  texts.forEach((t, j) => {
    const words = t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
    for (const w of new Set(tokenize(t))) {
      if (!isTopicWord(w)) continue;
      const c = coverage.get(w) ?? { weight: 0, count: 0, position: 0 };
      c.weight += g.weights[j];
      c.count++;
      c.position += g.weights[j] * words.indexOf(w);
      coverage.set(w, c);
    }
  });
  const scored = [...coverage]
    .filter(([, c]) => c.weight >= WORD_SHARE * g.weight && (c.count >= 2 || g.items.length === 1))
    .map(([w, c]) => {
      const idf = Math.log((n + 1) / ((df.get(w) ?? 0) + 1) + 1);
      // Titles lead with the franchise ("Need for Speed Most Wanted"): earlier words weigh more.
      const lead = 1 / (1 + POSITION_DECAY * (c.position / c.weight));
      return { w, score: (c.weight / g.weight) * idf * lead };
    })
    .sort((a, b) => b.score - a.score || (a.w < b.w ? -1 : 1));
  if (scored.length === 0) return undefined;

  // The strongest title holding the best word: its spelling and word order make the name.
  const j = byStrength(g).find((x) => tokenize(texts[x]).includes(scored[0].w))!;
  const words = [...texts[j].matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ lower: m[0].toLowerCase(), start: m.index!, end: m.index! + m[0].length }));
  const at = (w: string) => words.findIndex((x) => x.lower === w);
  const span = (l: number, h: number) => tidy(texts[j].slice(words[l].start, words[h].end));
  let lo = at(scored[0].w), hi = lo;
  if (lo < 0) return tidy(scored[0].w);
  let chosen = 1;
  for (const { w, score } of scored.slice(1)) {
    if (chosen >= MAX_WORDS || score < WORD_RELATIVE * scored[0].score) break;
    const p = at(w);
    if (p < 0) continue;
    const [l, h] = [Math.min(lo, p), Math.max(hi, p)];
    // Counted as shown, so "&" and the small words between count too.
    if (span(l, h).split(' ').length > MAX_WORDS) continue;
    [lo, hi] = [l, h];
    chosen++;
  }
  return span(lo, hi);
}

/** Keeps letters, digits and a little punctuation; capitalises all but small inner words. */
function tidy(phrase: string): string {
  return phrase
    .replace(/[^\p{L}\p{N}\s'’&.-]+/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w, x) => (x > 0 && SMALL_WORDS.has(w.toLowerCase()) ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}
