/**
 * The base model's manifest (`public/model/manifest.json`): what each file holds and its sha256,
 * so the worker can refuse a corrupt or mismatched model before using it, and fetch each part
 * when it is first needed. All binary files are little-endian typed arrays, row-major.
 *
 * Format 2 (issue 12) is laid out in the order a shopper needs it:
 * - `starter`: the top trending items with their catalogue entries, inside the manifest, so the
 *   first carousel of a first visit needs no other data file;
 * - `files`: the per-item arrays every list uses (ids, popularity, trending, the Gram matrix) and
 *   the embeddings (loaded once the shopper has a history);
 * - `shards`: the neighbour tables cut into row ranges, fetched for the rows a list reads (a
 *   product page needs one anchor's row, not every row). 16-bit ids while the model has fewer
 *   than 65,535 items, and 8-bit weights with one scale per row.
 * File names carry their sha256 prefix, so a new model version fetches only what changed.
 */
import type { CatalogItem } from './protocol';
import { validateCatalog } from './catalog';

export type DType = 'float32' | 'float16' | 'int32' | 'int8' | 'int4' | 'uint16' | 'json';

export interface ModelFileEntry {
  path: string; // relative to the manifest
  sha256: string; // hex
  dtype: DType;
  shape: number[];
}

/**
 * The whole-model files. `n` = number of items the model knows (ids in `itemIds`),
 * `d` = embedding size.
 */
export interface ModelFiles {
  /** JSON array of the n catalogue ids the model rows refer to, in row order. */
  itemIds: ModelFileEntry;
  /** int8 or int4 [n, d]: item embeddings of the collaborative-filtering model, quantised per row (int4: two codes per byte, low nibble first, code + 8). */
  embeddings: ModelFileEntry;
  /** float32 [n] (float16 with int4 embeddings): per-row scale; embedding = code * scale. */
  embeddingScales: ModelFileEntry;
  /** float32 [d, d]: Gram matrix VᵀV of the dequantised embeddings (for the fold-in). */
  gram: ModelFileEntry;
  /** float32 [n]: log(1 + interactions) over all training shoppers. */
  popularity: ModelFileEntry;
  /** float32 [n]: popularity among recent interactions (what is trending). */
  trending: ModelFileEntry;
}

/** One shard of the neighbour tables: rows [start, end) of both tables. */
export interface ShardEntry {
  path: string;
  sha256: string;
  start: number;
  end: number;
}

/**
 * What a product page of one of a group's items can show before the catalogue is in: the card
 * entries of the group's own items and of each row's strongest neighbours, with their model rows
 * and popularity, in parallel arrays.
 */
export interface AnchorCards {
  rows: number[];
  popularity: number[];
  items: CatalogItem[];
}

/**
 * The shard of an item id when `lookup` is `id-hash`: FNV-1a (32-bit) over the id's UTF-16 code
 * units, modulo the number of shards. The build and the worker compute the same.
 */
export function bucketOfId(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** Where anchor-card group `g` is, next to the manifest: named after the index that lists its digest. */
export function anchorCardsPath(g: number, indexSha256: string): string {
  return `cards-${String(g).padStart(4, '0')}.${indexSha256.slice(0, 12)}.json`;
}

/**
 * The neighbour tables ("bought together": co-occurrence; "next": items taken next), k per row.
 * A shard of m rows is, in order: cooc ids [m, k], next ids [m, k] (`indexDtype`; the largest
 * value of the type, or -1 for int32, = none), cooc row scales float32 [m], next row scales
 * float32 [m], cooc weights uint8 [m, k], next weights uint8 [m, k] (weight = q / 255 * scale).
 */
export interface ModelShards {
  /** Rows per shard (`id-hash`: on average; each shard holds the items whose id hashes to it). */
  rowsPerShard: number;
  /** `id-hash`: shard s holds the items with `bucketOfId(id, files.length) === s`; absent: row ranges of `rowsPerShard`. */
  lookup?: 'id-hash';
  /**
   * With `id-hash` and a catalogue: anchor cards (`AnchorCards`) in `groups` files, item id → group
   * by `bucketOfId(id, groups)` (a multiple of the shard count, so a group's items share a shard).
   * `index` is JSON `{ groups: sha256[] }`; group g is at `anchorCardsPath(g, index.sha256)`.
   */
  cards?: {
    groups: number;
    index: { path: string; sha256: string };
    /** Mean and standard deviation of `popularity` over all items: a product page's few candidates are normalised as the whole catalogue would be. */
    popularity?: { mean: number; std: number };
  };
  indexDtype: 'uint16' | 'int32';
  files: ShardEntry[];
}

/** The lists a first visit can be shown before the catalogue arrives. */
export interface StarterList {
  /** The top trending items, best first, as the catalogue had them when the model was built. */
  items: CatalogItem[];
  /** Their trending scores (the model's `trending` values). */
  scores: number[];
}

/** The signals a recommendation fuses (see `src/core/fusion.ts`). */
export type SignalName = 'cf' | 'lastItem' | 'next' | 'cooc' | 'content' | 'popularity' | 'sequence';
export const SIGNAL_NAMES: readonly SignalName[] = ['cf', 'lastItem', 'next', 'cooc', 'content', 'popularity', 'sequence'];
/** Weight of each z-normalised signal in the fused score. */
export type FusionWeights = Record<SignalName, number>;

/** Weights a model starts from before tuning (build-model and the evaluation tune them). */
export const DEFAULT_FUSION: FusionWeights = { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1, sequence: 0.5 };

/** Hyper-parameters the engine needs to use the model as it was trained and tuned. */
export interface ModelParams {
  /** Implicit-ALS weight of unobserved items (in the fold-in's Gram term). */
  alpha0: number;
  /** L2 regularisation; a shopper with h items gets lambda * (h + alpha0 * n) ** nu (iALS, Rendle 2022). */
  lambda: number;
  nu: number;
  /** Fusion weights of the z-normalised signals for the "for-you" surface (tuned on validation users). */
  fusion: FusionWeights;
  /**
   * Optional: fine-tune the sequence model's query on the device for each shopper
   * (`src/core/sequence-adapter.ts`); present only when the evaluation found it helps.
   */
  sequenceFineTune?: SequenceFineTune;
}

/** The first fine-tuning setting that is not a finite number ≥ 0, if any. */
export function badFineTuneSetting(f: Partial<SequenceFineTune> | null): keyof SequenceFineTune | undefined {
  return (['steps', 'lr', 'l2', 'examples', 'budgetMs'] as const).find((k) => {
    const v = f?.[k];
    return typeof v !== 'number' || !Number.isFinite(v) || v < 0;
  });
}

/** How the sequence model's per-shopper adapter is fitted on the device (`src/core/sequence-adapter.ts`). */
export interface SequenceFineTune {
  /** Adam steps at most. */
  steps: number;
  /** Adam learning rate. */
  lr: number;
  /** L2 weight of the pull towards δ = 0 (loss + l2/2·|δ|²). */
  l2: number;
  /** Transitions of the history used at most (the newest). */
  examples: number;
  /** Wall-clock budget of one fit, ms: no step starts after it has run out. */
  budgetMs: number;
}

/** What every model's manifest says, whole or partitioned. */
export interface ManifestHeader {
  format: 'shelfwise-model';
  formatVersion: 2;
  version: string;
  createdAt: string;
  /** Where the model was trained from and how, for people reading it. */
  source: string;
  itemCount: number;
  dim: number;
  neighbours: number;
  params: ModelParams;
  /** Optional: without it the first carousel waits for the catalogue and the model's arrays. */
  starter?: StarterList;
}

export interface ModelManifest extends ManifestHeader {
  files: ModelFiles;
  shards: ModelShards;
  /**
   * Optional: the sequence model (`src/core/sequence-model.ts`), float16 (or float32)
   * [`sequenceLength(dim, context, itemCount)`]: fetched after the first personal list, fused as
   * the `sequence` signal.
   */
  sequence?: { file: ModelFileEntry; context: number };
}

/**
 * Values of a sequence model's file (`src/core/sequence-model.ts`): its input scale, L position
 * vectors, 7 matrices [d, d], 7 vectors [d] and one bias per item.
 */
export function sequenceLength(d: number, L: number, n: number): number {
  return 1 + L * d + 7 * d * d + 7 * d + n;
}

/**
 * A catalogue too big for every device to hold (issue 16): a partitioned model. At build time the
 * item embeddings are clustered and the rows sorted by cluster, so part p is rows
 * [starts[p], starts[p+1]). A device downloads the manifest (with its starter list) and the coarse
 * index once, then the parts the shopper's items and interests point to:
 * - index (binary, little-endian): starts int32 [P+1], centroid scales float32 [P], centroids int8
 *   [P, d] (centroid = code * scale), zero padding to 4 bytes, part sha256 digests [P, 32 bytes],
 *   directory bucket digests [B, 32 bytes];
 * - part p (`partPath`): uint32 L, then L bytes of JSON `{ items: CatalogItem[] }` (row order), zero
 *   padding to 4 bytes, float32 embedding scales [m], popularity [m], trending [m], int4
 *   embeddings [m, d] (as `ModelFiles.embeddings`), padding to 4, then the part's neighbour rows
 *   (a shard of `ModelShards`, int32 ids: global rows);
 * - directory bucket b (`bucketPath`): JSON `{ ids: string[], rows: number[] }` of the items with
 *   `bucketOfId(id, B) === b`: how an item id the page names is found without every id.
 */
export interface ModelPartitions {
  /** P, the number of parts. */
  count: number;
  /** B, the number of directory buckets. */
  buckets: number;
  index: { path: string; sha256: string };
}

/** A partitioned model's manifest: no whole-catalogue files, the Gram matrix and the parts' index. */
export interface PartitionedManifest extends ManifestHeader {
  layout: 'partitioned';
  /** float32 [d, d]: VᵀV over every item (the fold-in's Gram term is over the whole catalogue). */
  gram: ModelFileEntry;
  /** Mean and standard deviation of `popularity` over every item. */
  popularity: { mean: number; std: number };
  partitions: ModelPartitions;
}

/** Where part p is, next to the manifest (named after the index that lists its digest). */
export function partPath(p: number, indexSha256: string): string {
  return `part-${String(p).padStart(5, '0')}.${indexSha256.slice(0, 12)}.bin`;
}

/** Where directory bucket b is, next to the manifest. */
export function bucketPath(b: number, indexSha256: string): string {
  return `dir-${String(b).padStart(5, '0')}.${indexSha256.slice(0, 12)}.json`;
}

/** True for a partitioned model's manifest (checked by `validatePartitionedManifest`). */
export function isPartitioned(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { layout?: unknown }).layout === 'partitioned';
}

export function validatePartitionedManifest(data: unknown): PartitionedManifest {
  const m = data as Partial<PartitionedManifest>;
  if (m.format !== 'shelfwise-model' || m.formatVersion !== 2 || m.layout !== 'partitioned') {
    throw new ModelError('model manifest: expected a "shelfwise-model" of format 2 with layout "partitioned"');
  }
  validateHeader(m);
  const g = m.gram;
  if (!g || typeof g.path !== 'string' || !SHA256.test(g.sha256) || g.dtype !== 'float32' || g.shape?.join(',') !== `${m.dim},${m.dim}`) {
    throw new ModelError(`model manifest: "gram" must be a float32 [${m.dim}, ${m.dim}] file with a hex "sha256"`);
  }
  const pop = m.popularity;
  if (!(Number.isFinite(pop?.mean) && Number.isFinite(pop?.std) && pop!.std >= 0)) throw new ModelError('model manifest: "popularity" needs a finite "mean" and "std"');
  const p = m.partitions;
  if (!p || !Number.isInteger(p.count) || p.count <= 0 || p.count > m.itemCount! || !Number.isInteger(p.buckets) || p.buckets <= 0) {
    throw new ModelError('model manifest: "partitions" needs a positive "count" (at most one per item) and "buckets"');
  }
  if (typeof p.index?.path !== 'string' || !SHA256.test(p.index.sha256 ?? '')) throw new ModelError('model manifest: partitions "index" needs "path" and a hex "sha256"');
  if (m.starter !== undefined) validateStarter(m.starter);
  return m as PartitionedManifest;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

export const MODEL_FILE_KEYS: readonly (keyof ModelFiles)[] = ['itemIds', 'embeddings', 'embeddingScales', 'gram', 'popularity', 'trending'];

const SHA256 = /^[0-9a-f]{64}$/;

/** Checks the manifest's shape and the consistency of its declared shapes. */
export function validateManifest(data: unknown): ModelManifest {
  if (typeof data !== 'object' || data === null) throw new ModelError('model manifest: not a JSON object');
  const m = data as Partial<ModelManifest> & { formatVersion?: unknown };
  if (m.format !== 'shelfwise-model') throw new ModelError('model manifest: "format" must be "shelfwise-model"');
  if (m.formatVersion !== 2) {
    throw new ModelError(`model manifest: format version ${JSON.stringify(m.formatVersion ?? 1)} is not supported (2 is); rebuild the model with \`npm run build:model\``);
  }
  const n = m.itemCount, d = m.dim;
  validateHeader(m);
  if (!m.files || typeof m.files !== 'object') throw new ModelError('model manifest: no "files"');
  const expected: Record<keyof ModelFiles, [DType, number[]]> = {
    itemIds: ['json', [n!]],
    embeddings: [m.files.embeddings?.dtype === 'int4' ? 'int4' : 'int8', [n!, d!]],
    embeddingScales: [m.files.embeddingScales?.dtype === 'float16' ? 'float16' : 'float32', [n!]],
    gram: ['float32', [d!, d!]],
    popularity: ['float32', [n!]],
    trending: ['float32', [n!]],
  };
  for (const key of MODEL_FILE_KEYS) {
    const f = m.files[key];
    if (!f || typeof f.path !== 'string' || typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) {
      throw new ModelError(`model manifest: file "${key}" needs "path" and a hex "sha256"`);
    }
    const [dtype, shape] = expected[key];
    if (f.dtype !== dtype) throw new ModelError(`model manifest: file "${key}" must be ${dtype}, is ${f.dtype}`);
    if (!Array.isArray(f.shape) || f.shape.join(',') !== shape.join(',')) {
      throw new ModelError(`model manifest: file "${key}" has shape [${f.shape}], expected [${shape}]`);
    }
  }
  validateShards(m.shards, n!);
  if (m.sequence !== undefined) {
    const { file, context } = m.sequence;
    if (!Number.isInteger(context) || context <= 0 || !file || typeof file.path !== 'string' || !SHA256.test(file.sha256 ?? '') || (file.dtype !== 'float16' && file.dtype !== 'float32')) {
      throw new ModelError('model manifest: "sequence" needs a positive "context" and a float16 or float32 "file" with "path" and a hex "sha256"');
    }
    const len = sequenceLength(d!, context, n!);
    if (file.shape?.join(',') !== String(len)) throw new ModelError(`model manifest: sequence file has shape [${file.shape}], expected [${len}]`);
  }
  if (m.starter !== undefined) validateStarter(m.starter);
  return m as ModelManifest;
}

/** Sizes and parameters, as every layout has them. */
function validateHeader(m: Partial<ManifestHeader>): void {
  for (const [name, v] of [['itemCount', m.itemCount], ['dim', m.dim], ['neighbours', m.neighbours]] as const) {
    if (!Number.isInteger(v) || (v as number) <= 0) throw new ModelError(`model manifest: "${name}" must be a positive integer`);
  }
  validateParams(m.params);
}

function validateParams(params: ModelParams | undefined): void {
  if (!params || typeof params !== 'object' || !params.fusion) throw new ModelError('model manifest: no "params"');
  for (const name of SIGNAL_NAMES) {
    const w = (params.fusion as Partial<FusionWeights>)[name];
    // A signal an older model does not weigh counts 0.
    if (w === undefined) params.fusion[name] = 0;
    else if (typeof w !== 'number' || !Number.isFinite(w)) throw new ModelError(`model manifest: fusion weight "${name}" must be a number`);
  }
  const bad = params.sequenceFineTune === undefined ? undefined : badFineTuneSetting(params.sequenceFineTune);
  if (bad) throw new ModelError(`model manifest: "sequenceFineTune.${bad}" must be a number ≥ 0`);
}

/**
 * The shards must cover rows 0..n-1 in order, each once, within the index type's range: row ranges
 * of `rowsPerShard`, or with `id-hash` one shard per `rowsPerShard` rows, of any size.
 */
function validateShards(s: ModelShards | undefined, n: number): void {
  if (!s || typeof s !== 'object' || !Array.isArray(s.files)) throw new ModelError('model manifest: no "shards"');
  if (s.indexDtype !== 'uint16' && s.indexDtype !== 'int32') throw new ModelError('model manifest: shard "indexDtype" must be uint16 or int32');
  if (s.indexDtype === 'uint16' && n >= 0xffff) throw new ModelError(`model manifest: uint16 ids cannot address ${n} items`);
  if (!Number.isInteger(s.rowsPerShard) || s.rowsPerShard <= 0) throw new ModelError('model manifest: "rowsPerShard" must be a positive integer');
  if (s.lookup !== undefined && s.lookup !== 'id-hash') throw new ModelError('model manifest: shard "lookup" must be "id-hash" or absent');
  const byHash = s.lookup === 'id-hash';
  if (byHash && s.files.length !== Math.max(1, Math.ceil(n / s.rowsPerShard))) {
    throw new ModelError(`model manifest: ${s.files.length} shards, expected ${Math.max(1, Math.ceil(n / s.rowsPerShard))} for ${n} rows of ${s.rowsPerShard}`);
  }
  let next = 0;
  s.files.forEach((f, i) => {
    if (!f || typeof f.path !== 'string' || typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) {
      throw new ModelError(`model manifest: shard ${i} needs "path" and a hex "sha256"`);
    }
    if (byHash ? f.start !== next || !Number.isInteger(f.end) || f.end < f.start || f.end > n : f.start !== next || f.end !== Math.min(n, f.start + s.rowsPerShard)) {
      throw new ModelError(`model manifest: shard ${i} covers rows [${f.start}, ${f.end}), expected [${next}, ${Math.min(n, next + s.rowsPerShard)})`);
    }
    next = f.end;
  });
  if (next !== n) throw new ModelError(`model manifest: shards cover ${next} of ${n} rows`);
  if (s.cards !== undefined) {
    const { groups, index } = s.cards;
    if (!byHash || !Number.isInteger(groups) || groups <= 0 || groups % s.files.length !== 0) {
      throw new ModelError('model manifest: shard "cards" need the id-hash lookup and a whole number of groups per shard');
    }
    if (typeof index?.path !== 'string' || typeof index.sha256 !== 'string' || !SHA256.test(index.sha256)) {
      throw new ModelError('model manifest: shard cards "index" needs "path" and a hex "sha256"');
    }
    const pop = s.cards.popularity;
    if (pop !== undefined && !(Number.isFinite(pop?.mean) && Number.isFinite(pop?.std) && pop.std >= 0)) {
      throw new ModelError('model manifest: shard cards "popularity" needs a finite "mean" and "std"');
    }
  }
}

function validateStarter(s: StarterList): void {
  const ok = typeof s === 'object' && s !== null && Array.isArray(s.items) && Array.isArray(s.scores) && s.items.length === s.scores.length
    && s.items.every((it) => typeof it?.id === 'string' && typeof it.title === 'string') && s.scores.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!ok) throw new ModelError('model manifest: "starter" must hold items with an id and a title, and one score per item');
  // The starter's entries become cards before the catalogue is in: the catalogue's rules apply
  // (no `javascript:` image or link, prices with a currency).
  if (s.items.length > 0) {
    try {
      validateCatalog({ format: 'shelfwise-catalog', version: 1, items: s.items });
    } catch (err) {
      throw new ModelError(`model manifest: "starter": ${(err as Error).message.replace(/^catalogue: /, '')}`);
    }
  }
}

/** Byte length of a shard of `m` rows with `k` neighbours. */
export function shardByteLength(m: number, k: number, indexDtype: ModelShards['indexDtype']): number {
  const idx = indexDtype === 'uint16' ? 2 : 4;
  return 2 * m * k * idx + 2 * m * 4 + 2 * m * k;
}
