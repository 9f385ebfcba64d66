/**
 * Encodes the base model's arrays into the files of the manifest (format 2) and decodes the
 * neighbour shards back. Pure: the build script, the evaluation and the tests encode; the worker
 * decodes. See `src/shared/model-manifest.ts` for the layout.
 */
import {
  shardByteLength, validateManifest,
  type DType, type ModelFileEntry, type ModelFiles, type ModelManifest, type ModelParams, type ModelShards, type StarterList,
} from '../shared/model-manifest';
import type { CatalogItem } from '../shared/protocol';
import { sha256Hex } from './sha256';

/** The arrays a model is made of (n items, d dims, k neighbours per row, -1 = no neighbour). */
export interface ModelArrays {
  n: number;
  d: number;
  k: number;
  itemIds: string[];
  embeddings: Int8Array;
  embeddingScales: Float32Array;
  gram: Float32Array;
  popularity: Float32Array;
  trending: Float32Array;
  coocIndex: Int32Array;
  coocWeight: Float32Array;
  nextIndex: Int32Array;
  nextWeight: Float32Array;
}

export interface ModelMeta {
  version: string;
  createdAt: string;
  source: string;
  params: ModelParams;
}

/** Rows per neighbour shard: one shard of the demo model is ~31 KB (two tables of 20 per row). */
export const ROWS_PER_SHARD = 256;
/** Items in the manifest's starter list (the first carousel of a first visit shows up to 10 of them). */
export const STARTER_ITEMS = 40;

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
export function encodeModel(a: ModelArrays, meta: ModelMeta, catalog?: readonly CatalogItem[], rowsPerShard = ROWS_PER_SHARD): EncodedModel {
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
    embeddings: entry('embeddings', raw(a.embeddings), 'int8', [a.n, a.d]),
    embeddingScales: entry('embedding-scales', raw(a.embeddingScales), 'float32', [a.n]),
    gram: entry('gram', raw(a.gram), 'float32', [a.d, a.d]),
    popularity: entry('popularity', raw(a.popularity), 'float32', [a.n]),
    trending: entry('trending', raw(a.trending), 'float32', [a.n]),
  };
  const indexDtype: ModelShards['indexDtype'] = a.n < 0xffff ? 'uint16' : 'int32';
  const shards: ModelShards = { rowsPerShard, indexDtype, files: [] };
  for (let start = 0, s = 0; start < a.n; start += rowsPerShard, s++) {
    const end = Math.min(a.n, start + rowsPerShard);
    const { path, sha256 } = add(`shard-${String(s).padStart(3, '0')}`, 'bin', encodeShard(a, start, end, indexDtype));
    shards.files.push({ path, sha256, start, end });
  }
  const manifest: ModelManifest = {
    format: 'shelfwise-model', formatVersion: 2,
    version: meta.version, createdAt: meta.createdAt, source: meta.source,
    itemCount: a.n, dim: a.d, neighbours: a.k, params: meta.params,
    ...(catalog ? { starter: starterList(a, catalog) } : {}),
    files: entries, shards,
  };
  validateManifest(JSON.parse(JSON.stringify(manifest)));
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest) + '\n'));
  return { manifest, files };
}

/**
 * The top trending items the catalogue holds (and does not mark unavailable), with their card
 * entries: one per product group, as every list shows them.
 */
function starterList(a: ModelArrays, catalog: readonly CatalogItem[]): StarterList {
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

function encodeShard(a: ModelArrays, start: number, end: number, indexDtype: ModelShards['indexDtype']): Uint8Array {
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
export function decodeShard(bytes: ArrayBuffer, start: number, end: number, n: number, k: number, indexDtype: ModelShards['indexDtype'], into: NeighbourTables): void {
  const m = end - start;
  const expected = shardByteLength(m, k, indexDtype);
  if (bytes.byteLength !== expected) throw new Error(`shard of rows ${start}..${end - 1} has ${bytes.byteLength} bytes, expected ${expected}`);
  const view = new DataView(bytes);
  const u8 = new Uint8Array(bytes);
  let at = 0;
  for (const index of [into.coocIndex, into.nextIndex]) {
    for (let j = start * k; j < end * k; j++) {
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
    for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) w[(start + r) * k + j] = (u8[at++] / 255) * scales[t][r];
  });
}

function raw(a: Int8Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
