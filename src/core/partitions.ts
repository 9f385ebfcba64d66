/**
 * A partitioned model (issue 16): clusters of the item embeddings, each a part of the catalogue a
 * device fetches when the shopper's items or interests point to it, and the coarse index that
 * points. Pure: the build encodes, the worker decodes and chooses. The layout is documented on
 * `ModelPartitions` (`src/shared/model-manifest.ts`).
 */
import { validateCatalog } from '../shared/catalog';
import {
  bucketOfId, bucketPath, partPath, shardByteLength, validatePartitionedManifest,
  type ModelParams, type PartitionedManifest, type StarterList,
} from '../shared/model-manifest';
import type { CatalogItem } from '../shared/protocol';
import { decodeShard, encodeShard, type ModelArrays, type NeighbourTables } from './model-codec';
import { packInt4, unpackInt4 } from './quantize';
import { mulberry32 } from './random';
import { sha256Hex } from './sha256';

/** Items per part a build aims for: ~60 KB compressed per part with cards, embeddings and neighbour rows. */
export const PART_SIZE = 1000;
/** Items per directory bucket (~5 KB compressed). */
export const BUCKET_SIZE = 1000;

/** The rows' clusters: `order[r]` is the original row that becomes row r; part p is rows [starts[p], starts[p+1]). */
export interface Clustering {
  order: Int32Array;
  starts: Int32Array;
  centroids: Float32Array;
}

/**
 * Two-level k-means (Euclidean) of n rows of `data` [n, d] into parts of about `size` rows: √P
 * coarse clusters fitted on a sample, then each split into size-sized clusters. Deterministic for
 * a seed; ~30 s for 1M rows of 64 here. Empty clusters are dropped.
 */
export function clusterRows(data: Float32Array, n: number, d: number, size = PART_SIZE, seed = 7): Clustering {
  const random = mulberry32(seed);
  const parts = Math.max(1, Math.round(n / size));
  const coarse = Math.max(1, Math.round(Math.sqrt(parts)));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const top = assign(data, all, kmeans(data, sample(all, 50_000, random), d, coarse, 8, random), d, coarse);
  const members = groupBy(top, coarse);
  const order: number[] = [];
  const starts: number[] = [0];
  const centroids: number[] = [];
  for (const rows of members) {
    if (rows.length === 0) continue;
    for (const part of split(data, rows, d, size, random)) {
      for (const r of part.rows) order.push(r);
      starts.push(order.length);
      for (const x of part.centroid) centroids.push(x);
    }
  }
  return { order: Int32Array.from(order), starts: Int32Array.from(starts), centroids: Float32Array.from(centroids) };
}

/**
 * `rows` in clusters of about `size`; a cluster over twice that is split once more (k-means
 * leaves some clusters far bigger than others, and a part is what a device downloads whole).
 */
function split(data: Float32Array, rows: Int32Array, d: number, size: number, random: () => number, again = true): { rows: Int32Array; centroid: Float32Array }[] {
  const k = Math.max(1, Math.round(rows.length / size));
  const c = kmeans(data, sample(rows, 20_000, random), d, k, 8, random);
  return groupBy(assign(data, rows, c, d, k), k).flatMap((sub, j) => {
    if (sub.length === 0) return [];
    const members = Int32Array.from(sub, (i) => rows[i]);
    if (again && sub.length > 2 * size) return split(data, members, d, size, random, false);
    return [{ rows: members, centroid: c.slice(j * d, (j + 1) * d) }];
  });
}

function sample(rows: Int32Array, max: number, random: () => number): Int32Array {
  if (rows.length <= max) return rows;
  const out = new Int32Array(max);
  for (let i = 0; i < max; i++) out[i] = rows[Math.floor(random() * rows.length)];
  return out;
}

/** Lloyd's k-means of `rows` of `data`, seeded by k-means++. */
function kmeans(data: Float32Array, rows: Int32Array, d: number, k: number, iters: number, random: () => number): Float32Array {
  const c = seedPlusPlus(data, rows, d, k, random);
  for (let it = 0; it < iters; it++) {
    const labels = assign(data, rows, c, d, k);
    const sum = new Float64Array(k * d);
    const count = new Int32Array(k);
    for (let i = 0; i < rows.length; i++) {
      const j = labels[i], o = rows[i] * d;
      count[j]++;
      for (let t = 0; t < d; t++) sum[j * d + t] += data[o + t];
    }
    for (let j = 0; j < k; j++) if (count[j] > 0) for (let t = 0; t < d; t++) c[j * d + t] = sum[j * d + t] / count[j];
  }
  return c;
}

/** k-means++ seeding (Arthur & Vassilvitskii 2007): each next seed drawn with probability ∝ squared distance to the nearest seed so far. */
function seedPlusPlus(data: Float32Array, rows: Int32Array, d: number, k: number, random: () => number): Float32Array {
  const c = new Float32Array(k * d);
  const near = new Float64Array(rows.length).fill(Infinity);
  let r = rows[Math.floor(random() * rows.length)];
  for (let j = 0; j < k; j++) {
    c.set(data.subarray(r * d, r * d + d), j * d);
    if (j === k - 1) break;
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      const o = rows[i] * d;
      let dist = 0;
      for (let t = 0; t < d; t++) dist += (data[o + t] - c[j * d + t]) ** 2;
      if (dist < near[i]) near[i] = dist;
      total += near[i];
    }
    let x = random() * total, i = 0;
    while (i < rows.length - 1 && (x -= near[i]) >= 0) i++;
    r = rows[i];
  }
  return c;
}

/** Nearest centroid of each of `rows` (position in `rows` → cluster). */
function assign(data: Float32Array, rows: Int32Array, c: Float32Array, d: number, k: number): Int32Array {
  const norms = new Float32Array(k);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) norms[j] += c[j * d + t] ** 2;
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i] * d;
    let best = 0, bestD = Infinity;
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += data[o + t] * c[j * d + t];
      const dist = norms[j] - 2 * dot; // |x - c|² without |x|², the same for every j
      if (dist < bestD) (bestD = dist), (best = j);
    }
    out[i] = best;
  }
  return out;
}

/** Positions in `labels` per cluster. */
function groupBy(labels: Int32Array, k: number): Int32Array[] {
  const count = new Int32Array(k);
  for (const l of labels) count[l]++;
  const out = Array.from({ length: k }, (_, j) => new Int32Array(count[j]));
  const fill = new Int32Array(k);
  labels.forEach((l, i) => (out[l][fill[l]++] = i));
  return out;
}

/** The coarse index, decoded. */
export interface PartIndex {
  starts: Int32Array;
  /** Dequantised centroids [P, d]. */
  centroids: Float32Array;
  partDigests: string[];
  bucketDigests: string[];
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const pad4 = (x: number) => (x + 3) & ~3;

function indexLength(parts: number, buckets: number, d: number): number {
  return pad4(4 * (parts + 1) + 4 * parts + parts * d) + 32 * (parts + buckets);
}

export function encodeIndex(starts: Int32Array, centroids: Float32Array, d: number, partDigests: string[], bucketDigests: string[]): Uint8Array {
  const parts = starts.length - 1;
  const out = new Uint8Array(indexLength(parts, bucketDigests.length, d));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const s of starts) view.setInt32(at, s, true), (at += 4);
  const scales = new Float32Array(parts);
  for (let p = 0; p < parts; p++) {
    for (let t = 0; t < d; t++) scales[p] = Math.max(scales[p], Math.abs(centroids[p * d + t]) / 127);
    view.setFloat32(at, scales[p], true), (at += 4);
  }
  for (let p = 0; p < parts; p++) {
    for (let t = 0; t < d; t++) view.setInt8(at++, scales[p] > 0 ? Math.round(centroids[p * d + t] / scales[p]) : 0);
  }
  at = pad4(at);
  for (const digest of [...partDigests, ...bucketDigests]) {
    for (let j = 0; j < 32; j++) out[at++] = parseInt(digest.slice(2 * j, 2 * j + 2), 16);
  }
  return out;
}

/** Throws for a length that does not match, or rows that are not a partition of 0..n-1 in order. */
export function decodeIndex(bytes: ArrayBuffer, parts: number, buckets: number, d: number, n: number): PartIndex {
  if (bytes.byteLength !== indexLength(parts, buckets, d)) throw new Error(`index has ${bytes.byteLength} bytes, expected ${indexLength(parts, buckets, d)}`);
  const view = new DataView(bytes);
  let at = 0;
  const starts = new Int32Array(parts + 1);
  for (let p = 0; p <= parts; p++, at += 4) {
    starts[p] = view.getInt32(at, true);
    if (p === 0 ? starts[p] !== 0 : starts[p] <= starts[p - 1]) throw new Error(`index: part ${p} does not start after part ${p - 1}`);
  }
  if (starts[parts] !== n) throw new Error(`index: parts cover ${starts[parts]} of ${n} rows`);
  const scales = new Float32Array(parts);
  for (let p = 0; p < parts; p++, at += 4) {
    scales[p] = view.getFloat32(at, true);
    if (!Number.isFinite(scales[p])) throw new Error('index: a non-finite centroid scale');
  }
  const centroids = new Float32Array(parts * d);
  for (let j = 0; j < parts * d; j++) centroids[j] = view.getInt8(at++) * scales[Math.floor(j / d)];
  at = pad4(at);
  const u8 = new Uint8Array(bytes);
  const digests = Array.from({ length: parts + buckets }, (_, i) => hex(u8.subarray(at + 32 * i, at + 32 * i + 32)));
  return { starts, centroids, partDigests: digests.slice(0, parts), bucketDigests: digests.slice(parts) };
}

/** The parts in order of the shopper vector's inner product with their centroids, best first. */
export function rankParts(index: PartIndex, u: ArrayLike<number>, d: number): number[] {
  const parts = index.starts.length - 1;
  const score = new Float32Array(parts);
  for (let p = 0; p < parts; p++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += index.centroids[p * d + t] * u[t];
    score[p] = s;
  }
  return Array.from({ length: parts }, (_, p) => p).sort((a, b) => score[b] - score[a]);
}

/** The part holding a row. */
export function partOfRow(index: PartIndex, row: number): number {
  let lo = 0, hi = index.starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.starts[mid] <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One part, decoded: rows [start, end) of the model. */
export interface Part {
  start: number;
  end: number;
  items: CatalogItem[];
  /** Dequantised [m, d]. */
  embeddings: Float32Array;
  popularity: Float32Array;
  trending: Float32Array;
  /** Neighbour rows (global rows) of the part's rows only. */
  tables: NeighbourTables;
}

function partLayout(json: number, m: number, d: number, k: number) {
  const floats = pad4(4 + json);
  const codes = floats + 12 * m;
  const shard = pad4(codes + Math.ceil((m * d) / 2));
  return { floats, codes, shard, total: shard + shardByteLength(m, k, 'int32') };
}

/** Part of rows [start, end) of `a` (codes 4-bit) with their catalogue entries. */
export function encodePart(a: ModelArrays, start: number, end: number, items: readonly CatalogItem[]): Uint8Array {
  const m = end - start, { d, k } = a;
  const json = new TextEncoder().encode(JSON.stringify({ items }));
  const layout = partLayout(json.length, m, d, k);
  const out = new Uint8Array(layout.total);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  out.set(json, 4);
  let at = layout.floats;
  for (const arr of [a.embeddingScales, a.popularity, a.trending]) for (let r = start; r < end; r++) view.setFloat32(at, arr[r], true), (at += 4);
  out.set(packInt4(a.embeddings.subarray(start * d, end * d)), layout.codes);
  out.set(encodeShard(a, start, end, 'int32'), layout.shard);
  return out;
}

/** Throws for a part whose layout, entries or neighbour ids do not fit rows [start, end) of an n-row model. */
export function decodePart(bytes: ArrayBuffer, start: number, end: number, n: number, d: number, k: number): Part {
  const m = end - start;
  const view = new DataView(bytes);
  if (bytes.byteLength < 4) throw new Error('part is empty');
  const jsonLength = view.getUint32(0, true);
  const layout = partLayout(jsonLength, m, d, k);
  if (bytes.byteLength !== layout.total) throw new Error(`part of rows ${start}..${end - 1} has ${bytes.byteLength} bytes, expected ${layout.total}`);
  const data = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, jsonLength))) as { items?: unknown };
  const items = validateCatalog({ format: 'shelfwise-catalog', version: 1, items: data.items }).items;
  if (items.length !== m) throw new Error(`part of rows ${start}..${end - 1} has ${items.length} items, expected ${m}`);
  const floats = new Float32Array(bytes.slice(layout.floats, layout.floats + 12 * m));
  for (const v of floats) if (!Number.isFinite(v)) throw new Error(`part of rows ${start}..${end - 1} holds a non-finite number`);
  const codes = unpackInt4(new Uint8Array(bytes, layout.codes, Math.ceil((m * d) / 2)), m * d);
  const embeddings = new Float32Array(m * d);
  for (let r = 0; r < m; r++) for (let t = 0; t < d; t++) embeddings[r * d + t] = codes[r * d + t] * floats[r];
  const tables: NeighbourTables = {
    coocIndex: new Int32Array(m * k), coocWeight: new Float32Array(m * k), nextIndex: new Int32Array(m * k), nextWeight: new Float32Array(m * k),
  };
  decodeShard(bytes.slice(layout.shard), start, end, n, k, 'int32', tables, start);
  return { start, end, items, embeddings, popularity: floats.slice(m, 2 * m), trending: floats.slice(2 * m), tables };
}

/** A directory bucket, decoded: item id → model row. */
export function decodeBucket(bytes: ArrayBuffer, n: number): Map<string, number> {
  const data = JSON.parse(new TextDecoder().decode(bytes)) as { ids?: unknown; rows?: unknown };
  const { ids, rows } = data;
  if (!Array.isArray(ids) || !Array.isArray(rows) || ids.length !== rows.length) throw new Error('expected "ids" and "rows" of one length');
  const out = new Map<string, number>();
  ids.forEach((id, i) => {
    const r = rows[i] as unknown;
    if (typeof id !== 'string' || !Number.isInteger(r) || (r as number) < 0 || (r as number) >= n) throw new Error(`entry ${i} is not an id with a row in 0..${n - 1}`);
    out.set(id, r as number);
  });
  return out;
}

export interface PartitionedBuild {
  manifest: PartitionedManifest;
  files: Map<string, Uint8Array>;
}

/**
 * Encodes a model as parts: rows clustered and sorted by cluster (neighbour ids renumbered), one
 * part per cluster with its items' catalogue entries. `catalog[i]` is the entry of row i of `a`;
 * `a.embeddings` are 4-bit codes with their scales.
 */
export function encodePartitioned(
  a: ModelArrays,
  catalog: readonly CatalogItem[],
  meta: { version: string; createdAt: string; source: string; params: ModelParams },
  clustering: Clustering,
  starter?: StarterList,
): PartitionedBuild {
  const { n, d, k } = a;
  if (a.embeddingBits !== 4) throw new Error('encodePartitioned: parts carry 4-bit embeddings (embeddingBits 4)');
  const { order, starts, centroids } = clustering;
  const newRow = new Int32Array(n);
  order.forEach((old, row) => (newRow[old] = row));
  const perRow = <T extends Int8Array | Float32Array | Int32Array>(src: T, width: number, map?: (v: number) => number): T => {
    const out = new (src.constructor as { new (len: number): T })(src.length);
    for (let row = 0; row < n; row++) {
      const old = order[row];
      for (let j = 0; j < width; j++) out[row * width + j] = map ? map(src[old * width + j]) : src[old * width + j];
    }
    return out;
  };
  const renumber = (v: number) => (v < 0 ? v : newRow[v]);
  const sorted: ModelArrays = {
    ...a,
    itemIds: Array.from(order, (old) => a.itemIds[old]),
    embeddings: perRow(a.embeddings, d), embeddingScales: perRow(a.embeddingScales, 1),
    popularity: perRow(a.popularity, 1), trending: perRow(a.trending, 1),
    coocIndex: perRow(a.coocIndex, k, renumber), coocWeight: perRow(a.coocWeight, k),
    nextIndex: perRow(a.nextIndex, k, renumber), nextWeight: perRow(a.nextWeight, k),
  };
  const parts = starts.length - 1;
  const partBytes = Array.from({ length: parts }, (_, p) =>
    encodePart(sorted, starts[p], starts[p + 1], Array.from(order.subarray(starts[p], starts[p + 1]), (old) => catalog[old])));
  const buckets = Math.max(1, Math.round(n / BUCKET_SIZE));
  const bucketIds: string[][] = Array.from({ length: buckets }, () => []);
  const bucketRows: number[][] = Array.from({ length: buckets }, () => []);
  sorted.itemIds.forEach((id, row) => {
    const b = bucketOfId(id, buckets);
    bucketIds[b].push(id);
    bucketRows[b].push(row);
  });
  const bucketBytes = bucketIds.map((ids, b) => new TextEncoder().encode(JSON.stringify({ ids, rows: bucketRows[b] })));
  const index = encodeIndex(starts, centroids, d, partBytes.map((b) => sha256Hex(b)), bucketBytes.map((b) => sha256Hex(b)));
  const indexSha = sha256Hex(index);
  const files = new Map<string, Uint8Array>();
  partBytes.forEach((b, p) => files.set(partPath(p, indexSha), b));
  bucketBytes.forEach((b, i) => files.set(bucketPath(i, indexSha), b));
  const indexPath = `parts-index.${indexSha.slice(0, 12)}.bin`;
  files.set(indexPath, index);
  const gram = new Uint8Array(a.gram.buffer.slice(a.gram.byteOffset, a.gram.byteOffset + a.gram.byteLength));
  const gramSha = sha256Hex(gram);
  const gramPath = `gram.${gramSha.slice(0, 12)}.bin`;
  files.set(gramPath, gram);
  let mean = 0, sq = 0;
  for (const v of a.popularity) (mean += v / n), (sq += (v * v) / n);
  const manifest: PartitionedManifest = {
    format: 'shelfwise-model', formatVersion: 2, layout: 'partitioned', ...meta,
    itemCount: n, dim: d, neighbours: k,
    ...(starter ? { starter } : {}),
    gram: { path: gramPath, sha256: gramSha, dtype: 'float32', shape: [d, d] },
    popularity: { mean, std: Math.sqrt(Math.max(0, sq - mean * mean)) },
    partitions: { count: parts, buckets, index: { path: indexPath, sha256: indexSha } },
  };
  validatePartitionedManifest(JSON.parse(JSON.stringify(manifest)));
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest) + '\n'));
  return { manifest, files };
}
