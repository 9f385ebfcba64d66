/**
 * Encodes the base model's arrays into the files of the manifest (format 2) and decodes the
 * neighbour shards back. Pure: the build script, the evaluation and the tests encode; the worker
 * decodes. See `src/shared/model-manifest.ts` for the layout.
 */
import {
  anchorCardsPath, bucketOfId, sequenceLength, shardByteLength, validateManifest,
  type AnchorCards, type DType, type ModelFileEntry, type ModelFiles, type ModelManifest, type ModelParams, type ModelShards, type StarterList,
} from '../shared/model-manifest';
import type { CatalogItem } from '../shared/protocol';
import { floatToHalf, packInt4 } from './quantize';
import { packSequence, type SequenceWeights } from './sequence-model';
import { sha256Hex } from './sha256';

/** The arrays a model is made of (n items, d dims, k neighbours per row, -1 = no neighbour). */
export interface ModelArrays {
  n: number;
  d: number;
  k: number;
  itemIds: string[];
  /** Codes [n, d]; `embeddingBits` 4 = codes in -7..7, shipped two per byte (`int4`), with float16 scales. */
  embeddings: Int8Array;
  embeddingBits?: 4 | 8;
  embeddingScales: Float32Array;
  gram: Float32Array;
  popularity: Float32Array;
  trending: Float32Array;
  coocIndex: Int32Array;
  coocWeight: Float32Array;
  nextIndex: Int32Array;
  nextWeight: Float32Array;
  /** Optional: the sequence model (its `itemBias` per row like the arrays above). */
  sequence?: SequenceWeights;
}

export interface ModelMeta {
  version: string;
  createdAt: string;
  source: string;
  params: ModelParams;
}

/** Rows per neighbour shard: one shard of the demo model is ~15 KB (two tables of 20 per row), ~13 KB compressed. */
export const ROWS_PER_SHARD = 128;
/** Items in the manifest's starter list (the first carousel of a first visit shows up to 10 of them). */
export const STARTER_ITEMS = 40;
/**
 * Neighbours of each table per row whose cards the anchor cards carry: a product page's first
 * list (up to 12 cards) comes from them.
 */
export const ANCHOR_CANDIDATES = 6;
/** Anchor-card groups per neighbour shard: one group is what a product page fetches (~20 KB compressed for the demo). */
export const CARD_GROUPS_PER_SHARD = 2;

export interface EncodeOptions {
  rowsPerShard?: number;
  /**
   * `id-hash` (what builds ship): rows are grouped into shards by a hash of the item id, so a
   * product page finds its anchor's shard from the manifest alone, without the 16,859 ids; with
   * the catalogue, the model also gets anchor cards (see `ModelShards.cards`). `rows` keeps the
   * given row order (tests).
   */
  order?: 'id-hash' | 'rows';
}

/** The files of a model, path (relative to the manifest) → bytes, `manifest.json` included. */
export interface EncodedModel {
  manifest: ModelManifest;
  files: Map<string, Uint8Array>;
}

/**
 * Encodes a model. File names carry the first 12 hex digits of their sha256 (`gram.1a2b….bin`),
 * so a file that did not change keeps its URL from one model version to the next. `catalog`
 * (the catalogue the model was built with) gives the starter list its entries.
 */
export function encodeModel(input: ModelArrays, meta: ModelMeta, catalog?: readonly CatalogItem[], options: EncodeOptions = {}): EncodedModel {
  const { rowsPerShard = ROWS_PER_SHARD, order = 'rows' } = options;
  const shardCount = Math.max(1, Math.ceil(input.n / rowsPerShard));
  const bounds: number[] = [0];
  let a = input;
  if (order === 'id-hash') {
    const buckets = input.itemIds.map((id) => bucketOfId(id, shardCount));
    const rows = Array.from({ length: input.n }, (_, r) => r).sort((x, y) => buckets[x] - buckets[y] || x - y);
    a = permuteRows(input, rows);
    for (let s = 0, r = 0; s < shardCount; s++) {
      while (r < rows.length && buckets[rows[r]] === s) r++;
      bounds.push(r);
    }
  } else {
    for (let s = 1; s <= shardCount; s++) bounds.push(Math.min(input.n, s * rowsPerShard));
  }
  const files = new Map<string, Uint8Array>();
  const add = (stem: string, ext: string, bytes: Uint8Array) => {
    const sha256 = sha256Hex(bytes);
    const path = `${stem}.${sha256.slice(0, 12)}.${ext}`;
    files.set(path, bytes);
    return { path, sha256 };
  };
  const entry = (stem: string, bytes: Uint8Array, dtype: DType, shape: number[], ext = 'bin'): ModelFileEntry => ({ ...add(stem, ext, bytes), dtype, shape });
  const entries: ModelFiles = {
    itemIds: entry('item-ids', new TextEncoder().encode(JSON.stringify(a.itemIds)), 'json', [a.n], 'json'),
    embeddings: a.embeddingBits === 4 ? entry('embeddings', packInt4(a.embeddings), 'int4', [a.n, a.d]) : entry('embeddings', raw(a.embeddings), 'int8', [a.n, a.d]),
    embeddingScales: a.embeddingBits === 4
      ? entry('embedding-scales', new Uint8Array(Uint16Array.from(a.embeddingScales, floatToHalf).buffer), 'float16', [a.n])
      : entry('embedding-scales', raw(a.embeddingScales), 'float32', [a.n]),
    gram: entry('gram', raw(a.gram), 'float32', [a.d, a.d]),
    popularity: entry('popularity', raw(a.popularity), 'float32', [a.n]),
    trending: entry('trending', raw(a.trending), 'float32', [a.n]),
  };
  const indexDtype: ModelShards['indexDtype'] = a.n < 0xffff ? 'uint16' : 'int32';
  const shards: ModelShards = { rowsPerShard, indexDtype, ...(order === 'id-hash' ? { lookup: 'id-hash' as const } : {}), files: [] };
  for (let s = 0; s < shardCount; s++) {
    const [start, end] = [bounds[s], bounds[s + 1]];
    const { path, sha256 } = add(`shard-${String(s).padStart(3, '0')}`, 'bin', encodeShard(a, start, end, indexDtype));
    shards.files.push({ path, sha256, start, end });
  }
  if (catalog && order === 'id-hash') shards.cards = addAnchorCards(a, catalog, shardCount * CARD_GROUPS_PER_SHARD, files, add);
  const manifest: ModelManifest = {
    format: 'shelfwise-model', formatVersion: 2,
    version: meta.version, createdAt: meta.createdAt, source: meta.source,
    itemCount: a.n, dim: a.d, neighbours: a.k, params: meta.params,
    ...(catalog ? { starter: starterList(a, catalog) } : {}),
    files: entries, shards,
    // float16: half the bytes (~92 kB for the demo), and a phone's first session stays in its budget.
    ...(a.sequence ? {
      sequence: {
        file: entry('sequence', new Uint8Array(Uint16Array.from(packSequence(a.sequence), floatToHalf).buffer), 'float16', [sequenceLength(a.d, a.sequence.L, a.n)]),
        context: a.sequence.L,
      },
    } : {}),
  };
  validateManifest(JSON.parse(JSON.stringify(manifest)));
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest) + '\n'));
  return { manifest, files };
}

/**
 * The top trending items the catalogue holds (and does not mark unavailable), with their card
 * entries: one per product group, as every list shows them.
 */
export function starterList(a: ModelArrays, catalog: readonly CatalogItem[]): StarterList {
  const byId = new Map(catalog.map((it) => [it.id, it]));
  const rows = Array.from({ length: a.n }, (_, r) => r).sort((x, y) => a.trending[y] - a.trending[x] || a.popularity[y] - a.popularity[x] || x - y);
  const items: CatalogItem[] = [];
  const scores: number[] = [];
  const groups = new Set<string>();
  for (const r of rows) {
    const it = byId.get(a.itemIds[r]);
    if (!it || it.available === false || (it.group !== undefined && groups.has(it.group))) continue;
    const { group, ...card } = it;
    if (group !== undefined) groups.add(group);
    items.push(card);
    scores.push(a.trending[r]);
    if (items.length === STARTER_ITEMS) break;
  }
  return { items, scores };
}

/**
 * The anchor cards, one file per group of item ids (`bucketOfId(id, groups)`), and their index.
 * A group's name carries the index's digest, not its own, so a product page can fetch it beside
 * the index (whose digest the manifest lists) and check it against the index's entry.
 */
function addAnchorCards(
  a: ModelArrays,
  catalog: readonly CatalogItem[],
  groups: number,
  files: Map<string, Uint8Array>,
  add: (stem: string, ext: string, bytes: Uint8Array) => { path: string; sha256: string },
): NonNullable<ModelShards['cards']> {
  const cardOf = new Map(catalog.map((it) => [it.id, it]));
  const members: number[][] = Array.from({ length: groups }, () => []);
  a.itemIds.forEach((id, r) => members[bucketOfId(id, groups)].push(r));
  const bytes = members.map((rows) => new TextEncoder().encode(JSON.stringify(anchorCards(a, rows, cardOf))));
  const index = add('cards-index', 'json', new TextEncoder().encode(JSON.stringify({ groups: bytes.map((b) => sha256Hex(b)) })));
  bytes.forEach((b, g) => files.set(anchorCardsPath(g, index.sha256), b));
  let sum = 0, sq = 0;
  for (const p of a.popularity) (sum += p), (sq += p * p);
  const mean = sum / a.n;
  return { groups, index, popularity: { mean, std: Math.sqrt(Math.max(sq / a.n - mean * mean, 0)) } };
}

/** A group of anchor cards: its own items and each row's strongest neighbours of both tables, with their rows and popularity. */
function anchorCards(a: ModelArrays, own: readonly number[], cardOf: ReadonlyMap<string, CatalogItem>): AnchorCards {
  const rows = new Set<number>();
  for (const r of own) {
    rows.add(r);
    for (const [index, weight] of [[a.coocIndex, a.coocWeight], [a.nextIndex, a.nextWeight]] as const) {
      const row = Array.from({ length: a.k }, (_, j) => r * a.k + j).filter((j) => index[j] >= 0).sort((x, y) => weight[y] - weight[x]);
      for (const j of row.slice(0, ANCHOR_CANDIDATES)) rows.add(index[j]);
    }
  }
  const out: AnchorCards = { rows: [], popularity: [], items: [] };
  for (const r of [...rows].sort((x, y) => x - y)) {
    const it = cardOf.get(a.itemIds[r]);
    if (!it || it.available === false) continue;
    out.rows.push(r);
    out.popularity.push(a.popularity[r]);
    out.items.push(it);
  }
  return out;
}

/** The model with its rows in `order` (neighbour ids renumbered; the Gram matrix is order-free). */
function permuteRows(a: ModelArrays, order: readonly number[]): ModelArrays {
  const { n, d, k } = a;
  const newRow = new Int32Array(n);
  order.forEach((old, row) => (newRow[old] = row));
  const perRow = <T extends Int8Array | Float32Array | Int32Array>(src: T, width: number, map?: (v: number) => number): T => {
    const out = new (src.constructor as { new (len: number): T })(src.length);
    order.forEach((old, row) => {
      for (let j = 0; j < width; j++) out[row * width + j] = map ? map(src[old * width + j]) : src[old * width + j];
    });
    return out;
  };
  const renumber = (v: number) => (v < 0 ? v : newRow[v]);
  return {
    ...a,
    itemIds: order.map((old) => a.itemIds[old]),
    embeddings: perRow(a.embeddings, d), embeddingScales: perRow(a.embeddingScales, 1),
    popularity: perRow(a.popularity, 1), trending: perRow(a.trending, 1),
    coocIndex: perRow(a.coocIndex, k, renumber), coocWeight: perRow(a.coocWeight, k),
    nextIndex: perRow(a.nextIndex, k, renumber), nextWeight: perRow(a.nextWeight, k),
    ...(a.sequence ? { sequence: { ...a.sequence, itemBias: perRow(a.sequence.itemBias, 1) } } : {}),
  };
}

/** The neighbour rows [start, end) of `a` as a shard (layout on `ModelShards`). */
export function encodeShard(a: ModelArrays, start: number, end: number, indexDtype: ModelShards['indexDtype']): Uint8Array {
  const m = end - start, k = a.k;
  const out = new Uint8Array(shardByteLength(m, k, indexDtype));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const index of [a.coocIndex, a.nextIndex]) {
    for (let j = start * k; j < end * k; j++) {
      const v = index[j];
      if (indexDtype === 'uint16') view.setUint16(at, v < 0 ? 0xffff : v, true), (at += 2);
      else view.setInt32(at, v < 0 ? -1 : v, true), (at += 4);
    }
  }
  const weights = [a.coocWeight, a.nextWeight];
  const scales = weights.map((w) => {
    const s = new Float32Array(m);
    for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) s[r] = Math.max(s[r], w[(start + r) * k + j]);
    return s;
  });
  for (const s of scales) for (let r = 0; r < m; r++) view.setFloat32(at, s[r], true), (at += 4);
  weights.forEach((w, t) => {
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < k; j++) out[at++] = scales[t][r] > 0 ? Math.round((Math.max(0, w[(start + r) * k + j]) / scales[t][r]) * 255) : 0;
    }
  });
  return out;
}

/** The neighbour tables of a whole model, filled shard by shard (unfilled rows have no neighbours). */
export interface NeighbourTables {
  coocIndex: Int32Array;
  coocWeight: Float32Array;
  nextIndex: Int32Array;
  nextWeight: Float32Array;
}

/**
 * Decodes a shard of rows [start, end) into the whole-model tables. Throws for a byte length that
 * does not match, or an id out of range (the checksum already passed: this guards the builder).
 */
export function decodeShard(bytes: ArrayBuffer, start: number, end: number, n: number, k: number, indexDtype: ModelShards['indexDtype'], into: NeighbourTables, firstRow = 0): void {
  const m = end - start;
  // `into` may hold only rows from `firstRow` on (a product page's one shard, before the model's arrays).
  const at0 = (start - firstRow) * k;
  const expected = shardByteLength(m, k, indexDtype);
  if (bytes.byteLength !== expected) throw new Error(`shard of rows ${start}..${end - 1} has ${bytes.byteLength} bytes, expected ${expected}`);
  const view = new DataView(bytes);
  const u8 = new Uint8Array(bytes);
  let at = 0;
  for (const index of [into.coocIndex, into.nextIndex]) {
    for (let j = at0; j < at0 + m * k; j++) {
      const v = indexDtype === 'uint16' ? view.getUint16(at, true) : view.getInt32(at, true);
      at += indexDtype === 'uint16' ? 2 : 4;
      const id = indexDtype === 'uint16' && v === 0xffff ? -1 : v;
      if (id < -1 || id >= n) throw new Error(`shard of rows ${start}..${end - 1}: neighbour id ${id} is out of range 0..${n - 1}`);
      index[j] = id;
    }
  }
  const scales = [new Float32Array(m), new Float32Array(m)];
  for (const s of scales) {
    for (let r = 0; r < m; r++, at += 4) {
      s[r] = view.getFloat32(at, true);
      if (!Number.isFinite(s[r])) throw new Error(`shard of rows ${start}..${end - 1} holds a non-finite weight scale`);
    }
  }
  [into.coocWeight, into.nextWeight].forEach((w, t) => {
    for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) w[at0 + r * k + j] = (u8[at++] / 255) * scales[t][r];
  });
}

function raw(a: Int8Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
