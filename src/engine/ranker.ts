import { borrowFromProxies, textProxies, type TextProxies } from '../core/cold-items';
import { ContentIndex, type SparseVector } from '../core/content-index';
import { rankWithNewItemSlots, type NewItemSlots } from '../core/new-item-slots';
import { embeddingSimilarity, mmrRerank, type Similarity } from '../core/diversity';
import { applyRules, clampCount, pinRuleItems, placePins } from '../core/merchant-rules';
import { topK } from '../core/top-k';
import type { ResolvedMerchantConfig } from '../shared/merchant-config';
import { dominantSignal, type Fused, type Signal } from '../core/fusion';
import type { FusionWeights, SignalName } from '../shared/model-manifest';
import type { ShopperHistory } from '../core/history';
import { mostSimilarRow, spreadNeighbours, type SpreadResult } from '../core/signals';
import type { BaseModel } from '../model/load-model';
import { fuse, type Population } from '../core/fusion';
import type { CatalogItem, Reason, RecommendationList, RecommendedItem, Surface } from '../shared/protocol';

/**
 * Everything known about the catalogue, indexed by catalogue position: items, text index, and
 * the base model's rows mapped onto catalogue positions (items the model does not know get no
 * CF or neighbour signal, but still content and context).
 */
export class CatalogModel {
  readonly n: number;
  readonly indexOf = new Map<string, number>();
  /** Catalogue position → model row (-1 = unknown to the model), and back. */
  readonly rowOf: Int32Array;
  readonly itemOfRow: Int32Array;
  private contentIndex?: ContentIndex;
  private cold?: { proxies?: TextProxies; isNew?: Uint8Array };

  /** Catalogue position → dense group number (-1 = in no group): variants of one product. */
  readonly groupOf: Int32Array;
  readonly hasGroups: boolean;

  constructor(readonly items: CatalogItem[], readonly model?: BaseModel) {
    this.n = items.length;
    items.forEach((it, i) => this.indexOf.set(it.id, i));
    this.groupOf = new Int32Array(this.n).fill(-1);
    const groups = new Map<string, number>();
    items.forEach((it, i) => {
      if (it.group === undefined) return;
      let g = groups.get(it.group);
      if (g === undefined) groups.set(it.group, (g = groups.size));
      this.groupOf[i] = g;
    });
    this.hasGroups = groups.size > 0;
    this.rowOf = new Int32Array(this.n).fill(-1);
    this.itemOfRow = new Int32Array(model?.n ?? 0).fill(-1);
    model?.itemIds.forEach((id, row) => {
      const i = this.indexOf.get(id);
      if (i !== undefined) {
        this.rowOf[i] = row;
        this.itemOfRow[row] = i;
      }
    });
    // Built once the embeddings are in (it caches row norms): text similarity serves until then.
    let rowSimilarity: Similarity | undefined;
    this.similarity = (a, b) => {
      const ra = this.rowOf[a], rb = this.rowOf[b];
      if (!model?.hasEmbeddings || ra < 0 || rb < 0) return this.content.similarity(a, b);
      return (rowSimilarity ??= embeddingSimilarity(model.embeddings, model.d))(ra, rb);
    };
  }

  /**
   * `exclude`, widened to the other variants of the `sources` (the history, or the anchors): a
   * shopper looking at one edition of a product is not offered another edition of it.
   */
  excludingVariantsOf(sources: ArrayLike<number>, exclude: (i: number) => boolean): (i: number) => boolean {
    if (!this.hasGroups) return exclude;
    const blocked = new Set<number>();
    const own = new Set<number>();
    for (let j = 0; j < sources.length; j++) {
      own.add(sources[j]);
      if (this.groupOf[sources[j]] >= 0) blocked.add(this.groupOf[sources[j]]);
    }
    if (blocked.size === 0) return exclude;
    return (i) => exclude(i) || (!own.has(i) && blocked.has(this.groupOf[i]));
  }

  /** The list with only the first (best) item of each group: one card per product. */
  onePerGroup(list: number[]): number[] {
    if (!this.hasGroups) return list;
    const taken = new Set<number>();
    return list.filter((i) => {
      const g = this.groupOf[i];
      if (g < 0) return true;
      if (taken.has(g)) return false;
      taken.add(g);
      return true;
    });
  }

  /** How alike two items are (0..1): embedding cosine where the model knows both, else title text. */
  readonly similarity: Similarity;

  /**
   * The TF-IDF index of the product text the catalogue carries (title, brand, category; the
   * description stays at build time, where it places new items), built on first use: a first
   * visit's Trending does not need it, so the first carousel does not wait for it (the engine
   * builds it right after).
   */
  get content(): ContentIndex {
    this.contentIndex ??= new ContentIndex(this.items.map((it) => `${it.title} ${it.brand ?? ''} ${it.category ?? ''}`));
    return this.contentIndex;
  }

  /**
   * Items with no collaborative data — unknown to the model, or never interacted with (zero
   * popularity) — and the known items whose signals they borrow, by text similarity.
   */
  get proxies(): TextProxies | undefined {
    return this.coldItems().proxies;
  }

  private coldItems(): { proxies?: TextProxies; isNew?: Uint8Array } {
    if (!this.cold) {
      const m = this.model;
      const proxies = m ? textProxies(this.content, (i) => this.rowOf[i] >= 0 && m.popularity[this.rowOf[i]] > 0) : undefined;
      // 1 for the new items, when there are any.
      const isNew = proxies && proxies.items.length > 0 ? new Uint8Array(this.n) : undefined;
      if (isNew) for (const c of proxies!.items) isNew[c] = 1;
      this.cold = { proxies, isNew };
    }
    return this.cold;
  }

  /**
   * Slots for new items in a personal list (see `rankWithNewItemSlots`): every 5th position, for
   * a new item whose title shares a good part of its words with the shopper's history.
   */
  newItemSlots(content: Float32Array): NewItemSlots | undefined {
    const isNew = this.coldItems().isNew;
    if (!isNew) return undefined;
    return { isNew: (i) => isNew[i] === 1, content, every: NEW_ITEM_EVERY, minContent: NEW_ITEM_MIN_CONTENT };
  }

  /** A per-item signal with the cold items' values borrowed from their text proxies. */
  withProxies(scores: Float32Array): Float32Array {
    return this.proxies && this.proxies.items.length > 0 ? borrowFromProxies(scores, this.proxies) : scores;
  }

  /** How many catalogue items the model knows. */
  get coverage(): number {
    let c = 0;
    for (const r of this.rowOf) if (r >= 0) c++;
    return c;
  }

  /** A per-row model array as a per-item array (NaN where the model does not know the item). */
  fromRows(rows: Float32Array): Float32Array {
    const out = new Float32Array(this.n);
    const rowOf = this.rowOf;
    for (let i = 0; i < out.length; i++) {
      const r = rowOf[i];
      out[i] = r >= 0 ? rows[r] : NaN;
    }
    return out;
  }

  /** Popularity per item, cold items' borrowed from their text proxies: the same for every list. */
  get popularity(): Float32Array | undefined {
    if (!this.model) return undefined;
    this.itemPopularity ??= this.withProxies(this.fromRows(this.model.popularity));
    return this.itemPopularity;
  }
  private itemPopularity?: Float32Array;

  /** Rows of the given catalogue items that the model knows. */
  toRows(items: ArrayLike<number>, weights?: ArrayLike<number>): { items: Int32Array; weights: Float32Array } {
    const rows: number[] = [], ws: number[] = [];
    for (let j = 0; j < items.length; j++) {
      const r = this.rowOf[items[j]];
      if (r >= 0) {
        rows.push(r);
        ws.push(weights ? weights[j] : 1);
      }
    }
    return { items: Int32Array.from(rows), weights: Float32Array.from(ws) };
  }

  /** Spreads catalogue-item weights over a neighbour table; results per catalogue item. */
  spread(table: 'cooc' | 'next', items: ArrayLike<number>, weights: ArrayLike<number>): SpreadResult {
    const m = this.model;
    if (!m) return { scores: new Float32Array(this.n), source: new Int32Array(this.n).fill(-1) };
    const rows = this.toRows(items, weights);
    const [index, weight] = table === 'cooc' ? [m.coocIndex, m.coocWeight] : [m.nextIndex, m.nextWeight];
    const r = spreadNeighbours(index, weight, m.k, rows, m.n);
    const scores = new Float32Array(this.n);
    const source = new Int32Array(this.n).fill(-1);
    const rowOf = this.rowOf, itemOfRow = this.itemOfRow;
    for (let i = 0; i < scores.length; i++) {
      const row = rowOf[i];
      if (row < 0) continue;
      scores[i] = r.scores[row];
      if (r.source[row] >= 0) source[i] = itemOfRow[r.source[row]];
    }
    return { scores: this.withProxies(scores), source };
  }

  /** The history item (catalogue position) whose embedding is closest to item i's. */
  closestByEmbedding(i: number, history: ArrayLike<number>): number {
    const m = this.model;
    const row = this.rowOf[i];
    if (!m?.hasEmbeddings || row < 0) return -1;
    const rows = this.toRows(history).items;
    const best = mostSimilarRow(m.embeddings, m.d, row, rows);
    return best >= 0 ? this.itemOfRow[best] : -1;
  }

  /** The history item whose text is closest to item i's. */
  closestByText(i: number, history: ArrayLike<number>): number {
    let best = -1, bestScore = 0;
    for (let j = 0; j < history.length; j++) {
      const s = this.content.similarity(i, history[j]);
      if (s > bestScore) {
        bestScore = s;
        best = history[j];
      }
    }
    return best;
  }
}

/** The context a fused list is explained from. */
export interface ExplainContext {
  /** Items that drove the list (history, or the anchors), most important first. */
  sources: ArrayLike<number>;
  spreads: Partial<Record<'cooc' | 'next', SpreadResult>>;
  /** The search query that drove the content signal, if it was the only content source. */
  query?: string;
  /** The context item the sequence model's attention weighed most (catalogue position). */
  sequenceSource?: number;
}

/** How a list is cut from its scores: the merchant's rules and the diversity strength. */
export interface ListPolicy {
  surface: Surface;
  merchant: ResolvedMerchantConfig;
  /** The shopper's purchases (catalogue positions), excluded where the merchant says so. */
  purchased: ReadonlySet<number>;
  /** MMR λ: 1 keeps the score order, lower trades relevance for variety. */
  lambda: number;
}

/**
 * Fusion, rules, diversity and reasons work on a few hundred candidates per list, not on the
 * whole catalogue: each weighted signal's own best items (its z-score is still taken over the
 * whole catalogue), the new items that could take a slot, and the items the merchant pins. An
 * item outside every signal's top few hundred does not reach a top 10; the evaluation runs this
 * path, so its figures would show it if it did. A boost or bury reorders candidates only.
 */
export const CANDIDATES_PER_SIGNAL = 200;

export function candidatesOf(signals: Signal[], n: number, extra: Iterable<number> = [], exclude?: (i: number) => boolean): Int32Array {
  const mark = new Uint8Array(n);
  // Items the list leaves out (the history itself tops the text signal) take no candidate's place.
  for (const s of signals) if (s.weight > 0) for (const i of topK(s.scores, CANDIDATES_PER_SIGNAL, exclude)) mark[i] = 1;
  for (const i of extra) if (i >= 0 && i < n) mark[i] = 1;
  let count = 0;
  for (let i = 0; i < n; i++) count += mark[i];
  const out = new Int32Array(count);
  for (let i = 0, c = 0; i < n; i++) if (mark[i]) out[c++] = i;
  return out;
}

/** A list's signals fused over its candidates (see `candidatesOf`); `exclude`: what the list leaves out. */
export function fuseList(
  cat: CatalogModel,
  signals: Signal[],
  policy: ListPolicy,
  exclude: (i: number) => boolean,
  slots?: NewItemSlots,
  over?: Partial<Record<SignalName, Population>>,
): Fused {
  const extra = pinRuleItems(policy.surface, cat.items, policy.merchant);
  if (slots) extra.push(...topK(slots.content, CANDIDATES_PER_SIGNAL, (i) => !slots.isNew(i) || exclude(i)));
  return fuse(signals, cat.n, over, candidatesOf(signals, cat.n, extra, exclude));
}

/** MMR re-ranks the first positions (what a carousel shows) from a pool of the best candidates. */
const MMR_HEAD = 12;
const MMR_POOL = 40;

/**
 * The items of a list, best first: merchant exclusions and boosts, the new-item slots, MMR
 * diversity over the head, pinned items in front, and the merchant's minimum and maximum.
 */
export function selectList(
  cat: CatalogModel,
  scores: Float32Array,
  k: number,
  exclude: (i: number) => boolean,
  policy: ListPolicy,
  slots?: NewItemSlots,
): { items: number[]; scores: Float32Array; pinned: ReadonlySet<number> } {
  const rules = applyRules(policy.surface, scores, cat.items, policy.merchant, policy.purchased);
  const pinned = rules.pinned.filter((i) => !exclude(i));
  // MMR reorders the head of the main list (one item per product group); the new-item slots are
  // filled in after it.
  const diversify = (all: number[]) => {
    const main = cat.onePerGroup(all);
    const head = mmrRerank(main.slice(0, MMR_POOL), (i) => rules.scores[i], cat.similarity, Math.min(k, MMR_HEAD), policy.lambda);
    const inHead = new Set(head);
    return head.concat(main.filter((i) => !inHead.has(i)));
  };
  // Variants of one product compete for one place, so the pool is deeper where groups exist.
  const pool = Math.max(k, MMR_POOL) * (cat.hasGroups ? 2 : 1);
  const ranked = rankWithNewItemSlots(rules.scores, pool, (i) => exclude(i) || rules.exclude(i), slots, diversify);
  const items = cat.onePerGroup(placePins(pinned, ranked, pool)).slice(0, k);
  return { items: clampCount(items, policy.merchant), scores: rules.scores, pinned: new Set(pinned) };
}

/**
 * Ranks the fused scores (see `selectList`) and explains each pick by the signal that contributed
 * most, naming the history (or anchor) item behind that signal.
 */
export function rankAndExplain(
  cat: CatalogModel,
  fused: Fused,
  k: number,
  exclude: (i: number) => boolean,
  ctx: ExplainContext,
  policy: ListPolicy,
  slots?: NewItemSlots,
): RecommendedItem[] {
  const { items, scores, pinned } = selectList(cat, fused.total, k, exclude, policy, slots);
  return items.map((i) => {
    if (pinned.has(i)) return toRecommended(cat, i, scores[i], FEATURED);
    const signal = dominantSignal(fused, i) ?? 'popularity';
    return toRecommended(cat, i, scores[i], { ...explain(cat, i, signal, ctx), signal });
  });
}

/** A pinned item is there because the shop put it there, and says so. */
export const FEATURED: Reason = { kind: 'featured', text: 'Featured by the shop' };

function explain(cat: CatalogModel, i: number, signal: SignalName, ctx: ExplainContext): Reason {
  const named = (j: number) => (j >= 0 ? { title: cat.items[j].title, id: cat.items[j].id } : undefined);
  switch (signal) {
    case 'cooc': {
      const src = named(ctx.spreads.cooc?.source[i] ?? -1);
      if (src) return { kind: 'bought-with', text: `Often bought with ${src.title}`, sourceItemId: src.id };
      break;
    }
    case 'next': {
      const src = named(ctx.spreads.next?.source[i] ?? -1);
      if (src) return { kind: 'viewed', text: `Often chosen after ${src.title}`, sourceItemId: src.id };
      break;
    }
    case 'cf': {
      const src = named(cat.closestByEmbedding(i, ctx.sources));
      if (src) return { kind: 'taste', text: `Liked by shoppers who liked ${src.title}`, sourceItemId: src.id };
      break;
    }
    case 'content': {
      const src = named(cat.closestByText(i, ctx.sources));
      if (src) return { kind: 'similar-text', text: `Similar to ${src.title}`, sourceItemId: src.id };
      if (ctx.query) return { kind: 'similar-text', text: `Matches your search “${ctx.query}”` };
      break;
    }
    case 'lastItem': {
      const src = named(ctx.sources.length > 0 ? ctx.sources[0] : -1);
      if (src) return { kind: 'viewed', text: `Because you viewed ${src.title}`, sourceItemId: src.id };
      break;
    }
    case 'sequence': {
      const src = named(ctx.sequenceSource ?? -1);
      if (src) return { kind: 'viewed', text: `Often next for shoppers who viewed what you did, ${src.title} most of all`, sourceItemId: src.id };
      break;
    }
    case 'popularity':
      break;
  }
  return { kind: 'trending', text: 'Popular right now' };
}

export function toRecommended(cat: CatalogModel, i: number, score: number, reason: Reason): RecommendedItem {
  const it = cat.items[i];
  // The card's fields, without the catalogue-only ones (`group`).
  const { group: _group, ...card } = it;
  return { ...card, score, reason };
}

/** One position in this many of a personal list is kept for a new item that matches. */
const NEW_ITEM_EVERY = 5;
/** Cosine similarity of titles a new item needs with the shopper's history to take that slot. */
const NEW_ITEM_MIN_CONTENT = 0.25;

/** Positional weights of the last items for the next-item signal: the newest counts most. */
const NEXT_ITEMS = 5;
const NEXT_DECAY = 0.5;

function signalList(
  cat: CatalogModel,
  parts: { content: Float32Array; next: SpreadResult; cooc: SpreadResult; cf?: Float32Array; lastItem?: Float32Array; sequence?: Float32Array },
  weights: FusionWeights,
): Signal[] {
  const signals: Signal[] = [
    { name: 'content', weight: weights.content, scores: parts.content },
    { name: 'next', weight: weights.next, scores: parts.next.scores },
    { name: 'cooc', weight: weights.cooc, scores: parts.cooc.scores },
  ];
  // Cold items have embeddings placed by their text at build time; items the model has never
  // seen get CF scores from their text proxies here.
  if (parts.cf) signals.push({ name: 'cf', weight: weights.cf, scores: cat.withProxies(cat.fromRows(parts.cf)) });
  if (parts.lastItem) signals.push({ name: 'lastItem', weight: weights.lastItem, scores: cat.withProxies(cat.fromRows(parts.lastItem)) });
  if (parts.sequence) signals.push({ name: 'sequence', weight: weights.sequence, scores: cat.withProxies(cat.fromRows(parts.sequence)) });
  if (cat.popularity) signals.push({ name: 'popularity', weight: weights.popularity, scores: cat.popularity });
  return signals;
}

/**
 * The signals of a personal list, for the "for-you" surface. `cfScores` and `lastItemScores` are
 * per model row: V·u for the shopper vector, and V·v for the newest history item; `sequence`: the
 * sequence model's scores per model row and the context item it weighed most.
 */
export function forYouSignals(
  cat: CatalogModel,
  history: ShopperHistory,
  cfScores: Float32Array | undefined,
  lastItemScores: Float32Array | undefined,
  weights: FusionWeights,
  sequence?: { scores: Float32Array; source: number },
): { signals: Signal[]; ctx: ExplainContext } {
  const lastN = Math.min(history.items.length, NEXT_ITEMS);
  const next = cat.spread('next', history.items.subarray(0, lastN), Float32Array.from({ length: lastN }, (_, j) => Math.pow(NEXT_DECAY, j)));
  const cooc = cat.spread('cooc', history.items, history.weights);
  const parts: { vector: SparseVector; weight: number }[] = [];
  history.items.forEach((item, j) => parts.push({ vector: cat.content.vectors[item], weight: history.weights[j] }));
  history.queries.slice(0, 3).forEach((q) => parts.push({ vector: cat.content.vectorizeText(q), weight: 1 }));
  const content = cat.content.scoreAll(ContentIndex.combine(parts));
  const query = history.items.length === 0 ? history.queries[0] : undefined;
  return {
    signals: signalList(cat, { content, next, cooc, cf: cfScores, lastItem: lastItemScores, sequence: sequence?.scores }, weights),
    ctx: { sources: history.items, spreads: { next, cooc }, query, sequenceSource: sequence?.source },
  };
}

/**
 * "Bought together" is about co-purchase (complements, accessories): co-occurrence leads and
 * look-alike text is left out; "because you viewed" is about likeness (the model's weights).
 */
const BOUGHT_TOGETHER: FusionWeights = { cf: 0.2, lastItem: 0, next: 0.5, cooc: 1, content: 0, popularity: 0.05, sequence: 0 };

/**
 * An item-anchored list ("because you viewed", "bought together"): the anchors' signals fused and
 * ranked, without the anchors and other variants of them. `cfScores` per model row, if the
 * embeddings are in; `over`: the whole catalogue's populations when `cat` holds only candidates.
 */
export function anchoredList(
  cat: CatalogModel,
  surface: 'because-you-viewed' | 'bought-together',
  anchors: number[],
  cfScores: Float32Array | undefined,
  weights: FusionWeights,
  k: number,
  policy: ListPolicy,
  over?: Partial<Record<SignalName, Population>>,
): RecommendationList {
  const { signals, ctx } = anchorSignals(cat, anchors, cfScores, surface === 'bought-together' ? BOUGHT_TOGETHER : weights);
  const isAnchor = new Set<number>(anchors);
  const exclude = cat.excludingVariantsOf(anchors, (i) => isAnchor.has(i));
  const items = rankAndExplain(cat, fuseList(cat, signals, policy, exclude, undefined, over), k, exclude, ctx, policy);
  return { surface, items, personal: false, anchor: cat.items[anchors[0]] };
}

/** Signals of an item-anchored list: "because you viewed" and "bought together". */
export function anchorSignals(
  cat: CatalogModel,
  anchors: number[],
  cfScores: Float32Array | undefined,
  weights: FusionWeights,
): { signals: Signal[]; ctx: ExplainContext } {
  const ones = anchors.map(() => 1);
  const next = cat.spread('next', anchors, ones);
  const cooc = cat.spread('cooc', anchors, ones);
  const content = cat.content.scoreAll(ContentIndex.combine(anchors.map((a) => ({ vector: cat.content.vectors[a], weight: 1 }))));
  return { signals: signalList(cat, { content, next, cooc, cf: cfScores }, weights), ctx: { sources: anchors, spreads: { next, cooc } } };
}

