/**
 * The engine's start-up: what it fetches, and in which order a shopper needs it (issue 12).
 *
 *  1. The model's manifest (with its starter list) and the merchant's rules, while the history
 *     is read: the starter list answers a first visit's first carousel on its own.
 *  2. The catalogue and the model's per-item arrays, once the manifest is in and the engine
 *     wants them (the page's first carousel is painted, or a list needs more than the starter
 *     list), so that they do not share the link with what the first carousel waits for.
 *  3. Later, by need (the engine asks `ModelLoader`): a list's neighbour rows when it reads them,
 *     the embeddings once there is a history to learn from.
 *
 * A first visit straight to a product page is answered from the anchor's shard alone (its
 * neighbour rows and anchor cards, found by the id's hash: `anchorCatalog`), and the catalogue
 * waits for that page's first carousel like a home page's.
 *
 * How bytes are fetched and kept is `assets.ts`.
 */
import { fetchManifest, ModelLoader, type AnchorShard, type BaseModel, type FetchBytes, type FetchOptions } from '../model/load-model';
import { PartitionLoader } from '../model/partition-loader';
import { isPartitioned } from '../shared/model-manifest';
import { validateCatalog } from '../shared/catalog';
import type { CatalogItem, EngineConfig, RecommendationList, RecommendRequest } from '../shared/protocol';
import { CatalogModel, FEATURED, selectList, toRecommended, type ListPolicy } from './ranker';

/** A whole model's loader, or a partitioned model's (issue 16). */
export type AnyLoader = ModelLoader | PartitionLoader;

/** Fetches the manifest and opens the loader its layout needs. */
export async function openModel(manifestUrl: string, fetchBytes: FetchBytes, opts?: FetchOptions): Promise<AnyLoader> {
  const data = await fetchManifest(manifestUrl, fetchBytes, opts);
  return isPartitioned(data) ? PartitionLoader.fromJson(manifestUrl, data, fetchBytes) : ModelLoader.fromJson(manifestUrl, data, fetchBytes);
}

/** A partitioned model's first catalogue and model: the working set for the history (see `working-set.ts`). */
export type OpenWorkingSet = (loader: PartitionLoader) => Promise<{ items: CatalogItem[]; model: BaseModel }>;

export interface Downloads {
  manifestUrl: string;
  /** The manifest, fetched and checked. */
  manifest: Promise<AnyLoader>;
  /** The merchant's rules as parsed JSON, undefined when the page names none. */
  rules: Promise<unknown>;
  /** The model's core arrays (ids, popularity, trending, Gram), started once the manifest settled. */
  core: Promise<BaseModel>;
  /** The catalogue's items and the core arrays, both settled. */
  bulk: Promise<[catalogue: PromiseSettledResult<CatalogItem[]>, core: PromiseSettledResult<BaseModel>]>;
}

/**
 * Starts every start-up download in the order above; relative URLs resolve against `base`. The
 * catalogue and core wait for the manifest and for `wanted`.
 */
export function startDownloads(config: EngineConfig, base: string, fetchBytes: FetchBytes, wanted: Promise<void>, openWorkingSet: OpenWorkingSet): Downloads {
  const manifestUrl = new URL(config.modelUrl, base).href;
  // The page may have fetched these two a moment ago (see `EngineConfig.pagePrefetched`).
  const opts = config.pagePrefetched ? { pagePrefetched: true } : undefined;
  const manifest = openModel(manifestUrl, fetchBytes, opts);
  const rulesUrl = config.merchantUrl ? new URL(config.merchantUrl, base).href : undefined;
  const rules = rulesUrl
    ? fetchBytes(rulesUrl, opts).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown)
    : Promise.resolve(undefined);
  const afterManifest = Promise.all([manifest.catch(() => undefined), wanted]);
  const catalogueUrl = new URL(config.catalogUrl, base).href;
  // A partitioned model has no whole catalogue: its items come with its parts.
  // A partitioned model has no whole catalogue: its items come with its parts. Without a
  // manifest, the catalogue still comes (lists go on without the model).
  const parts = afterManifest.then(([loader]) => (loader instanceof PartitionLoader ? openWorkingSet(loader) : undefined));
  const core = Promise.all([manifest, parts]).then(([loader, ws]) => ws?.model ?? (loader as ModelLoader).loadCore());
  const bulk = Promise.allSettled([
    parts.then(async (ws) => ws?.items ?? validateCatalog(JSON.parse(new TextDecoder().decode(await fetchBytes(catalogueUrl)))).items),
    core,
  ]);
  return { manifestUrl, manifest, rules, core, bulk };
}

/** The manifest's starter list: the top trending items with their catalogue entries. */
export interface StarterList {
  cat: CatalogModel;
  scores: Float32Array;
}

export function starterOf(loader: AnyLoader): StarterList | undefined {
  const starter = loader.manifest.starter;
  return starter && starter.items.length > 0 ? { cat: new CatalogModel(starter.items), scores: Float32Array.from(starter.scores) } : undefined;
}

/**
 * A list from the starter list, while the catalogue is on its way: Trending, and For you or
 * Recently viewed of a shopper with no history (`blank`), under a first visitor's `policy`.
 * Undefined for any other request.
 */
export function starterList(
  starter: StarterList,
  req: RecommendRequest,
  blank: boolean,
  policy: ListPolicy,
): RecommendationList | undefined {
  if (!(req.surface === 'trending' || (blank && (req.surface === 'for-you' || req.surface === 'recently-viewed')))) return undefined;
  if (req.surface === 'recently-viewed') return { surface: req.surface, items: [], personal: false };
  const k = Math.max(1, Math.min(req.k ?? 10, 100));
  const { items, scores, pinned } = selectList(starter.cat, starter.scores, k, () => false, policy);
  const list = items.map((i) => toRecommended(starter.cat, i, scores[i], pinned.has(i) ? FEATURED : { kind: 'trending', text: 'Popular right now' }));
  return { surface: req.surface, items: list, personal: false };
}

/**
 * The catalogue of a product page before the catalogue is in: the anchor (position 0) and its
 * neighbours whose cards its shard carries, over a model of just those items (the anchor's
 * neighbour rows and everyone's popularity; no embeddings). The engine's anchored lists run on it
 * unchanged, so the first list is ranked, diversified and explained as later ones are, with text
 * likeness among these candidates standing in for likeness over the whole catalogue.
 */
export function anchorCatalog(shard: AnchorShard, manifest: ModelLoader['manifest']): CatalogModel {
  const { row, start, k, tables, cards } = shard;
  const local = new Map<number, number>(); // model row → position here
  const keep = (r: number) => {
    const at = cards.rows.indexOf(r);
    if (at >= 0 && !local.has(r)) local.set(r, at);
  };
  keep(row);
  const base = (row - start) * k;
  for (let j = 0; j < k; j++) {
    keep(tables.coocIndex[base + j]);
    keep(tables.nextIndex[base + j]);
  }
  const rows = [...local.keys()];
  const n = rows.length;
  const model: BaseModel = {
    manifest, itemIds: rows.map((r) => cards.items[local.get(r)!].id), n, d: manifest.dim, k,
    embeddings: new Float32Array(n * manifest.dim), hasEmbeddings: false, gram: new Float32Array(manifest.dim * manifest.dim),
    popularity: Float32Array.from(rows, (r) => cards.popularity[local.get(r)!]), trending: new Float32Array(n),
    coocIndex: new Int32Array(n * k).fill(-1), coocWeight: new Float32Array(n * k),
    nextIndex: new Int32Array(n * k).fill(-1), nextWeight: new Float32Array(n * k),
  };
  const position = new Map(rows.map((r, i) => [r, i]));
  for (const [index, weight, toIndex, toWeight] of [
    [tables.coocIndex, tables.coocWeight, model.coocIndex, model.coocWeight],
    [tables.nextIndex, tables.nextWeight, model.nextIndex, model.nextWeight],
  ] as const) {
    for (let j = 0; j < k; j++) {
      const at = position.get(index[base + j]);
      if (at !== undefined && at !== 0) (toIndex[j] = at), (toWeight[j] = weight[base + j]);
    }
  }
  return new CatalogModel(rows.map((r) => cards.items[local.get(r)!]), model);
}
