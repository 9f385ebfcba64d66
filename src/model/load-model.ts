import { decodeShard, type NeighbourTables } from '../core/model-codec';
import { halfToFloat, unpackInt4 } from '../core/quantize';
import { unpackSequence, type SequenceWeights } from '../core/sequence-model';
import { validateCatalog } from '../shared/catalog';
import {
  anchorCardsPath, bucketOfId, ModelError, validateManifest,
  type AnchorCards, type ModelFileEntry, type ModelFiles, type ModelManifest, type PartitionedManifest, type ShardEntry,
} from '../shared/model-manifest';

/**
 * How the model's bytes are fetched: `fetch` in the browser, the file system in Node. `sha256`
 * is given for content-addressed files (every file the manifest lists): a fetcher with a cache may
 * serve a kept copy with that digest without asking the network.
 */
export interface FetchOptions {
  /** The bytes' sha256 (hex), for files the manifest lists. */
  sha256?: string;
  /** The page fetched this URL a moment ago (`EngineConfig.pagePrefetched`): the HTTP cache's copy will do. */
  pagePrefetched?: boolean;
}
export type FetchBytes = (url: string, opts?: FetchOptions) => Promise<ArrayBuffer>;

/**
 * The base model, verified and decoded into typed arrays (embeddings dequantised). Its parts
 * arrive in the order lists need them (see `ModelLoader`): the per-item arrays first, the
 * neighbour rows a list reads when it reads them, the embeddings once there is a history.
 */
export interface BaseModel {
  manifest: ModelManifest | PartitionedManifest;
  itemIds: string[];
  /** Rows here; a partitioned model's device holds n of its `itemCount` items (the fold-in's regulariser counts them all). */
  n: number;
  itemCount?: number;
  d: number;
  k: number;
  /** Zeros until `hasEmbeddings`. */
  embeddings: Float32Array;
  hasEmbeddings: boolean;
  gram: Float32Array;
  popularity: Float32Array;
  trending: Float32Array;
  /** Rows of shards not loaded yet have no neighbours (-1). */
  coocIndex: Int32Array;
  coocWeight: Float32Array;
  nextIndex: Int32Array;
  nextWeight: Float32Array;
}

/** A model's manifest as parsed JSON (not validated: its layout decides how). */
export async function fetchManifest(manifestUrl: string, fetchBytes: FetchBytes, opts?: FetchOptions): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl, opts))) as unknown;
  } catch (err) {
    throw new ModelError(`model manifest ${manifestUrl}: ${message(err)}`);
  }
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One product page's anchor before the model's arrays and the catalogue are in: its shard's
 * neighbour rows and anchor cards (see `AnchorCards`), verified like every other file.
 */
export interface AnchorShard {
  /** The anchor's model row. */
  row: number;
  /** First row of the shard: `tables` hold rows [start, end) only. */
  start: number;
  k: number;
  tables: NeighbourTables;
  cards: AnchorCards;
}

/**
 * Loads a model part by part, refusing any file whose sha256 or size does not match: a corrupt or
 * truncated file is never half-used. A neighbour shard that fails leaves its rows without
 * neighbours (the lists lose that signal for those items only) and is not asked for again.
 */
export class ModelLoader {
  private shardLoads = new Map<number, Promise<void>>();
  private cardIndex?: Promise<string[]>;
  /** A shard's verified bytes, fetched once whether a product page's anchor or a list asked first. */
  private shardBytes = new Map<number, Promise<ArrayBuffer>>();
  private embeddingsLoad?: Promise<void>;
  private sequenceLoad?: Promise<SequenceWeights | undefined>;

  private constructor(readonly manifestUrl: string, readonly manifest: ModelManifest, private readonly fetchBytes: FetchBytes) {}

  /** Fetches and validates the manifest. */
  static async open(manifestUrl: string, fetchBytes: FetchBytes, opts?: FetchOptions): Promise<ModelLoader> {
    return ModelLoader.fromJson(manifestUrl, await fetchManifest(manifestUrl, fetchBytes, opts), fetchBytes);
  }

  /** A loader for a manifest already fetched and parsed (validated here). */
  static fromJson(manifestUrl: string, data: unknown, fetchBytes: FetchBytes): ModelLoader {
    return new ModelLoader(manifestUrl, validateManifest(data), fetchBytes);
  }

  /** Every URL the manifest lists (what a cache of this version keeps). */
  fileUrls(): string[] {
    const shards = this.manifest.shards.files;
    const cards = this.manifest.shards.cards;
    const cardPaths = cards ? [cards.index.path, ...Array.from({ length: cards.groups }, (_, g) => anchorCardsPath(g, cards.index.sha256))] : [];
    const sequence = this.manifest.sequence ? [this.manifest.sequence.file.path] : [];
    const paths = [...Object.values(this.manifest.files).map((f) => f.path), ...shards.map((f) => f.path), ...cardPaths, ...sequence];
    return paths.map((p) => new URL(p, this.manifestUrl).href);
  }

  /** The per-item arrays every list reads (ids, popularity, trending, Gram); no embeddings or neighbours yet. */
  async loadCore(): Promise<BaseModel> {
    const m = this.manifest;
    const [ids, gram, popularity, trending] = await Promise.all((['itemIds', 'gram', 'popularity', 'trending'] as const).map((key) => this.file(key)));
    const { itemCount: n, dim: d, neighbours: k } = m;
    const itemIds = JSON.parse(new TextDecoder().decode(ids)) as unknown;
    if (!Array.isArray(itemIds) || itemIds.length !== n || !itemIds.every((x) => typeof x === 'string')) {
      throw new ModelError(`model file "itemIds" must be a JSON array of ${n} strings`);
    }
    const model: BaseModel = {
      manifest: m, itemIds, n, d, k,
      embeddings: new Float32Array(n * d), hasEmbeddings: false,
      gram: f32(gram, m.files.gram, 'gram'), popularity: f32(popularity, m.files.popularity, 'popularity'), trending: f32(trending, m.files.trending, 'trending'),
      coocIndex: new Int32Array(n * k).fill(-1), coocWeight: new Float32Array(n * k),
      nextIndex: new Int32Array(n * k).fill(-1), nextWeight: new Float32Array(n * k),
    };
    for (const key of ['gram', 'popularity', 'trending'] as const) {
      for (const v of model[key]) if (!Number.isFinite(v)) throw new ModelError(`model file "${key}" holds a non-finite number`);
    }
    return model;
  }

  /** Fetches and dequantises the embeddings into `model` (once; later calls share the first). */
  loadEmbeddings(model: BaseModel): Promise<void> {
    this.embeddingsLoad ??= (async () => {
      const [q, s] = await Promise.all([this.file('embeddings'), this.file('embeddingScales')]);
      const { n, d } = model;
      const entry = this.manifest.files.embeddings;
      let codes: Int8Array;
      if (entry.dtype === 'int4') {
        if (q.byteLength !== Math.ceil((n * d) / 2)) throw new ModelError(`model file "embeddings" has ${q.byteLength} bytes, expected ${Math.ceil((n * d) / 2)} for [${entry.shape}] int4`);
        try {
          codes = unpackInt4(new Uint8Array(q), n * d);
        } catch (err) {
          throw new ModelError(`model file "embeddings": ${message(err)}`);
        }
      } else codes = sized(q, entry, 'embeddings', Int8Array);
      const scaleEntry = this.manifest.files.embeddingScales;
      const scales = scaleEntry.dtype === 'float16' ? halves(s, n) : f32(s, scaleEntry, 'embeddingScales');
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(scales[i])) throw new ModelError('model file "embeddingScales" holds a non-finite number');
        for (let j = 0; j < d; j++) model.embeddings[i * d + j] = codes[i * d + j] * scales[i];
      }
      model.hasEmbeddings = true;
    })();
    return this.embeddingsLoad;
  }

  /** The sequence model, if the manifest lists one (once; later calls share the first). */
  loadSequence(): Promise<SequenceWeights | undefined> {
    const entry = this.manifest.sequence;
    if (!entry) return Promise.resolve(undefined);
    this.sequenceLoad ??= this.verified(entry.file.path, entry.file.sha256, 'file "sequence"').then((bytes) => {
      const { dim, itemCount } = this.manifest;
      const half = entry.file.dtype === 'float16';
      if (bytes.byteLength % (half ? 2 : 4) !== 0) throw new ModelError(`model file "sequence" has ${bytes.byteLength} bytes, not whole ${entry.file.dtype} values`);
      try {
        return unpackSequence(half ? Float32Array.from(new Uint16Array(bytes), halfToFloat) : new Float32Array(bytes), dim, entry.context, itemCount);
      } catch (err) {
        throw new ModelError(`model file "sequence": ${message(err)}`);
      }
    });
    return this.sequenceLoad;
  }

  /**
   * Loads the neighbour shards holding `rows` (model rows). Resolves when they are in `model`;
   * a shard that fails is reported through `onError` once and its rows stay empty.
   */
  async ensureRows(model: BaseModel, rows: Iterable<number>, onError: (err: Error) => void): Promise<void> {
    const per = this.manifest.shards.rowsPerShard;
    const wanted = new Set<number>();
    for (const r of rows) if (r >= 0 && r < model.n) wanted.add(Math.floor(r / per));
    await Promise.all([...wanted].map((s) => this.shard(model, s, onError)));
  }

  /** Every shard (the evaluation and benchmarks read the whole model). */
  loadAllShards(model: BaseModel, onError: (err: Error) => void): Promise<void> {
    return this.ensureRows(model, this.manifest.shards.files.map((f) => f.start), onError);
  }

  /**
   * A product page's anchor from its shard alone (no ids, no catalogue): undefined when the model
   * has no id-hash lookup or anchor cards, or does not know the id. Rejects when a file fails.
   */
  async anchorShard(id: string): Promise<AnchorShard | undefined> {
    const { shards, neighbours: k, itemCount: n } = this.manifest;
    if (shards.lookup !== 'id-hash' || !shards.cards) return undefined;
    const { groups, index } = shards.cards;
    const g = bucketOfId(id, groups);
    const s = g % shards.files.length; // = bucketOfId(id, shards): groups are a multiple of shards
    const entry = shards.files[s];
    // The group is fetched beside its index and the shard, and checked once the index is in.
    const [bytes, digests, cardBytes] = await Promise.all([
      this.shardFile(s),
      (this.cardIndex ??= this.verified(index.path, index.sha256, 'anchor card index').then((b) => parseCardIndex(b, groups))),
      this.fetchFile(anchorCardsPath(g, index.sha256), `anchor cards ${g}`),
    ]);
    await this.check(cardBytes, digests[g], `anchor cards ${g}`);
    const cards = parseAnchorCards(cardBytes, n, g);
    const at = cards.items.findIndex((it) => it.id === id);
    const row = at >= 0 ? cards.rows[at] : -1;
    if (row < entry.start || row >= entry.end) return undefined;
    const m = entry.end - entry.start;
    const tables: NeighbourTables = {
      coocIndex: new Int32Array(m * k), coocWeight: new Float32Array(m * k), nextIndex: new Int32Array(m * k), nextWeight: new Float32Array(m * k),
    };
    try {
      decodeShard(bytes, entry.start, entry.end, n, k, shards.indexDtype, tables, entry.start);
    } catch (err) {
      throw new ModelError(`model neighbour shard ${s}: ${message(err)}`);
    }
    return { row, start: entry.start, k, tables, cards };
  }

  private shardFile(s: number): Promise<ArrayBuffer> {
    let bytes = this.shardBytes.get(s);
    if (!bytes) {
      const entry = this.manifest.shards.files[s];
      bytes = this.verified(entry.path, entry.sha256, `neighbour shard ${s}`);
      this.shardBytes.set(s, bytes);
    }
    return bytes;
  }

  private shard(model: BaseModel, s: number, onError: (err: Error) => void): Promise<void> {
    let load = this.shardLoads.get(s);
    if (!load) {
      const entry = this.manifest.shards.files[s];
      load = this.shardFile(s)
        .then((bytes) => {
          try {
            decodeShard(bytes, entry.start, entry.end, model.n, model.k, this.manifest.shards.indexDtype, model);
          } catch (err) {
            throw new ModelError(`model neighbour shard ${s}: ${message(err)}`);
          }
        })
        .catch((err: unknown) => {
          clearRows(model, entry);
          onError(err instanceof Error ? err : new Error(String(err)));
        });
      this.shardLoads.set(s, load);
    }
    return load;
  }

  private file(key: keyof ModelFiles): Promise<ArrayBuffer> {
    const entry = this.manifest.files[key];
    return this.verified(entry.path, entry.sha256, `file "${key}"`);
  }

  private verified(path: string, sha256: string, what: string): Promise<ArrayBuffer> {
    return fetchVerified(this.fetchBytes, this.manifestUrl, path, sha256, what);
  }

  private fetchFile(path: string, what: string): Promise<ArrayBuffer> {
    return fetchModelFile(this.fetchBytes, this.manifestUrl, path, what);
  }

  private check(buf: ArrayBuffer, sha256: string, what: string): Promise<void> {
    return checkDigest(buf, sha256, what);
  }
}

/** A file named by a model's manifest (or its index), relative to the manifest; a failure names it. */
async function fetchModelFile(fetchBytes: FetchBytes, manifestUrl: string, path: string, what: string, sha256?: string): Promise<ArrayBuffer> {
  const url = new URL(path, manifestUrl).href;
  try {
    return await fetchBytes(url, sha256 ? { sha256 } : undefined);
  } catch (err) {
    throw new ModelError(`model ${what} (${url}): ${message(err)}`);
  }
}

async function checkDigest(buf: ArrayBuffer, sha256: string, what: string): Promise<void> {
  const actual = await sha256Hex(buf);
  if (actual !== sha256) {
    throw new ModelError(`model ${what} failed its checksum (expected ${sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…)`);
  }
}

/** A model file fetched and checked against its sha256 (whole and partitioned models alike). */
export async function fetchVerified(fetchBytes: FetchBytes, manifestUrl: string, path: string, sha256: string, what: string): Promise<ArrayBuffer> {
  const buf = await fetchModelFile(fetchBytes, manifestUrl, path, what, sha256);
  await checkDigest(buf, sha256, what);
  return buf;
}

/**
 * Loads the whole model at once: manifest, arrays, embeddings and every shard (benchmarks and
 * tools; the engine loads by need through `ModelLoader`). Rejects on the first bad part.
 */
export async function loadBaseModel(manifestUrl: string, fetchBytes: FetchBytes): Promise<BaseModel> {
  const loader = await ModelLoader.open(manifestUrl, fetchBytes);
  const model = await loader.loadCore();
  let failed: Error | undefined;
  await Promise.all([loader.loadEmbeddings(model), loader.loadAllShards(model, (err) => (failed ??= err))]);
  if (failed) throw failed;
  return model;
}

function parseCardIndex(bytes: ArrayBuffer, groups: number): string[] {
  const digests = (JSON.parse(new TextDecoder().decode(bytes)) as { groups?: unknown }).groups;
  if (!Array.isArray(digests) || digests.length !== groups || !digests.every((d) => typeof d === 'string' && /^[0-9a-f]{64}$/.test(d))) {
    throw new ModelError(`model anchor card index: expected "groups", ${groups} hex sha256 digests`);
  }
  return digests as string[];
}

function parseAnchorCards(bytes: ArrayBuffer, n: number, s: number): AnchorCards {
  try {
    const data = JSON.parse(new TextDecoder().decode(bytes)) as Partial<AnchorCards>;
    const { rows, popularity, items } = data;
    if (!Array.isArray(rows) || !Array.isArray(popularity) || !Array.isArray(items) || rows.length !== items.length || popularity.length !== items.length) {
      throw new Error('expected "rows", "popularity" and "items" of one length');
    }
    if (!rows.every((r) => Number.isInteger(r) && r >= 0 && r < n)) throw new Error(`a row out of range 0..${n - 1}`);
    if (!popularity.every((p) => typeof p === 'number' && Number.isFinite(p))) throw new Error('a non-finite popularity');
    // They become cards: the catalogue's own checks apply (no `javascript:` links, prices with a currency).
    return { rows, popularity, items: items.length > 0 ? validateCatalog({ format: 'shelfwise-catalog', version: 1, items }).items : [] };
  } catch (err) {
    throw new ModelError(`model anchor cards ${s}: ${message(err)}`);
  }
}

/** A shard that failed after decoding part of its rows leaves none of them half-filled. */
function clearRows(model: BaseModel, entry: ShardEntry): void {
  model.coocIndex.fill(-1, entry.start * model.k, entry.end * model.k);
  model.nextIndex.fill(-1, entry.start * model.k, entry.end * model.k);
}

function halves(buf: ArrayBuffer, n: number): Float32Array {
  if (buf.byteLength !== n * 2) throw new ModelError(`model file "embeddingScales" has ${buf.byteLength} bytes, expected ${n * 2} for [${n}] float16`);
  return Float32Array.from(new Uint16Array(buf), halfToFloat);
}

function f32(buf: ArrayBuffer, entry: ModelFileEntry, key: string): Float32Array {
  return sized(buf, entry, key, Float32Array);
}

function sized<T extends Int8Array | Float32Array>(buf: ArrayBuffer, entry: ModelFileEntry, key: string, Ctor: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (buf.byteLength !== count * Ctor.BYTES_PER_ELEMENT) {
    throw new ModelError(`model file "${key}" has ${buf.byteLength} bytes, expected ${count * Ctor.BYTES_PER_ELEMENT} for [${entry.shape}] ${entry.dtype}`);
  }
  return new Ctor(buf);
}
