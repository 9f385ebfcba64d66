import { encodeModel, type EncodeOptions } from '../../src/core/model-codec';
import { clusterRows, encodePartitioned } from '../../src/core/partitions';
import type { SequenceWeights } from '../../src/core/sequence-model';
import type { CatalogFile } from '../../src/shared/catalog';
import type { ModelParams } from '../../src/shared/model-manifest';

/**
 * A tiny catalogue and base model with a known answer ("checkerboard of tastes"): items 0..9
 * are racing games, 10..19 are puzzle games; the embeddings put each group on its own axis and
 * the neighbour tables link items within a group only. A shopper who views racing items must
 * be recommended racing items.
 */
export const GROUP_SIZE = 10;
export const N = 2 * GROUP_SIZE;
export const D = 4;
export const K = 3;

export function syntheticCatalog(): CatalogFile {
  return {
    format: 'shelfwise-catalog',
    version: 1,
    items: Array.from({ length: N }, (_, i) => ({
      id: `it-${i}`,
      title: i < GROUP_SIZE ? `Turbo Racing ${i} Speed Cars` : `Puzzle Quest ${i} Brain Blocks`,
      category: i < GROUP_SIZE ? 'Racing' : 'Puzzle',
    })),
  };
}

export function groupOf(id: string): 'racing' | 'puzzle' {
  return Number(id.split('-')[1]) < GROUP_SIZE ? 'racing' : 'puzzle';
}

/** Files of the model by URL, as `fetchBytes` serves them. */
/** `options`: row ranges of `SHARD_ROWS` by default; `{ order: 'id-hash' }` is how builds ship. */
export function syntheticModelFiles(base = 'http://test.local/', options: EncodeOptions = {}, sequence?: SequenceWeights, params: Partial<ModelParams> = {}): Map<string, ArrayBuffer> {
  const emb = new Int8Array(N * D);
  const scales = new Float32Array(N).fill(1 / 127);
  for (let i = 0; i < N; i++) {
    const g = i < GROUP_SIZE ? 0 : 1;
    emb[i * D + g] = 127; // group axis
    emb[i * D + 2 + g] = ((i % GROUP_SIZE) * 7) % 20; // a little within-group spread
  }
  const deq = Float32Array.from(emb, (q, j) => q * scales[Math.floor(j / D)]);
  const gram = new Float32Array(D * D);
  for (let i = 0; i < N; i++) for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) gram[a * D + b] += deq[i * D + a] * deq[i * D + b];
  const popularity = Float32Array.from({ length: N }, (_, i) => Math.log1p(N - i));
  const trending = Float32Array.from({ length: N }, (_, i) => Math.log1p((i * 13) % N));
  const nbIndex = new Int32Array(N * K), nbWeight = new Float32Array(N * K);
  for (let i = 0; i < N; i++) {
    const start = i < GROUP_SIZE ? 0 : GROUP_SIZE;
    for (let j = 0; j < K; j++) {
      nbIndex[i * K + j] = start + ((i - start + j + 1) % GROUP_SIZE);
      nbWeight[i * K + j] = 1 / (j + 1);
    }
  }
  const { files } = encodeModel(
    {
      n: N, d: D, k: K, itemIds: syntheticCatalog().items.map((it) => it.id),
      embeddings: emb, embeddingScales: scales, gram, popularity, trending,
      coocIndex: nbIndex, coocWeight: nbWeight, nextIndex: nbIndex, nextWeight: nbWeight, sequence,
    },
    {
      version: 'synthetic-1', createdAt: '2026-01-01T00:00:00Z', source: 'test',
      params: { alpha0: 0.1, lambda: 0.01, nu: 1, fusion: { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1, sequence: sequence ? 3 : 0 }, ...params },
    },
    syntheticCatalog().items,
    { rowsPerShard: SHARD_ROWS, ...options },
  );
  const out = new Map<string, ArrayBuffer>();
  for (const [path, bytes] of files) out.set(`${base}model/${path}`, bytes.slice().buffer);
  out.set(`${base}catalog.json`, new TextEncoder().encode(JSON.stringify(syntheticCatalog())).buffer);
  return out;
}

/** Rows per neighbour shard of the synthetic model: two groups, two shards each. */
export const SHARD_ROWS = 5;

/** The URL of a model file by its stem (`gram`, `shard-001`…): names carry a hash. */
export function modelFileUrl(files: Map<string, ArrayBuffer>, stem: string, base = 'http://test.local/'): string {
  const url = [...files.keys()].find((u) => u.startsWith(`${base}model/${stem}.`));
  if (!url) throw new Error(`no model file ${stem}`);
  return url;
}

/** A `fetchBytes` over a map of URL → bytes, failing like a 404 for anything else. */
export function mapFetcher(files: Map<string, ArrayBuffer>) {
  const requested: string[] = [];
  const fetchBytes = async (url: string) => {
    requested.push(url);
    const b = files.get(url);
    if (!b) throw new Error(`HTTP 404 for ${url}`);
    return b.slice(0);
  };
  return { fetchBytes, requested };
}

/**
 * A partitioned model (issue 16) with a known answer: `depts` departments of `size` items, each
 * department on its own embedding axis (so each becomes one part), item `p-<dept>-<j>` titled
 * after its department, neighbours within the department. Files by URL, as `fetchBytes` serves them.
 */
export function syntheticPartitionedFiles(base = 'http://test.local/', depts = 6, size = 40): Map<string, ArrayBuffer> {
  const d = depts, k = 3, n = depts * size;
  const emb = new Int8Array(n * d);
  const scales = new Float32Array(n).fill(1 / 7);
  for (let i = 0; i < n; i++) emb[i * d + Math.floor(i / size)] = 7 - (i % 3); // a department's axis; popular items longer
  const deq = Float32Array.from(emb, (q, j) => q * scales[Math.floor(j / d)]);
  const gram = new Float32Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) gram[a * d + b] += deq[i * d + a] * deq[i * d + b];
  const nb = new Int32Array(n * k), w = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const start = Math.floor(i / size) * size;
    for (let j = 0; j < k; j++) (nb[i * k + j] = start + ((i - start + j + 1) % size)), (w[i * k + j] = 1 / (j + 1));
  }
  const NAMES = ['Garden Hose', 'Kitchen Knife', 'Wool Scarf', 'Desk Lamp', 'Trail Boot', 'Coffee Mug', 'Yoga Mat', 'Bike Light'];
  const items = Array.from({ length: n }, (_, i) => ({
    id: `p-${Math.floor(i / size)}-${i % size}`,
    title: `${NAMES[Math.floor(i / size) % NAMES.length]} ${i % size}`,
    category: NAMES[Math.floor(i / size) % NAMES.length],
  }));
  const arrays = {
    n, d, k, itemIds: items.map((it) => it.id), embeddings: emb, embeddingBits: 4 as const, embeddingScales: scales, gram,
    popularity: Float32Array.from({ length: n }, (_, i) => Math.log1p(size - (i % size))),
    trending: Float32Array.from({ length: n }, (_, i) => Math.log1p(size - (i % size)) + (i < size ? 1 : 0)),
    coocIndex: nb, coocWeight: w, nextIndex: nb, nextWeight: w,
  };
  const clustering = clusterRows(deq, n, d, size);
  const starter = { items: items.slice(0, 12), scores: Array.from({ length: 12 }, (_, i) => arrays.trending[i]) };
  const { files } = encodePartitioned(arrays, items, {
    version: 'parts-1', createdAt: '2026-01-01T00:00:00Z', source: 'test',
    params: { alpha0: 0.1, lambda: 0.01, nu: 1, fusion: { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1, sequence: 0 } },
  }, clustering, starter);
  const out = new Map<string, ArrayBuffer>();
  for (const [path, bytes] of files) out.set(`${base}model/${path}`, bytes.slice().buffer);
  return out;
}
