import { createHash } from 'node:crypto';
import type { CatalogFile } from '../../src/shared/catalog';
import type { ModelFileEntry, ModelFiles, ModelManifest } from '../../src/shared/model-manifest';

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
export function syntheticModelFiles(base = 'http://test.local/'): Map<string, ArrayBuffer> {
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
  const contents: Record<keyof ModelFiles, [ArrayBufferView | string, ModelFileEntry['dtype'], number[], string]> = {
    itemIds: [JSON.stringify(syntheticCatalog().items.map((it) => it.id)), 'float32', [N], 'item-ids.json'],
    embeddings: [emb, 'int8', [N, D], 'embeddings.q8.bin'],
    embeddingScales: [scales, 'float32', [N], 'embedding-scales.bin'],
    gram: [gram, 'float32', [D, D], 'gram.bin'],
    popularity: [popularity, 'float32', [N], 'popularity.bin'],
    trending: [trending, 'float32', [N], 'trending.bin'],
    coocIndex: [nbIndex, 'int32', [N, K], 'cooc-index.bin'],
    coocWeight: [nbWeight, 'float32', [N, K], 'cooc-weight.bin'],
    nextIndex: [nbIndex, 'int32', [N, K], 'next-index.bin'],
    nextWeight: [nbWeight, 'float32', [N, K], 'next-weight.bin'],
  };
  const out = new Map<string, ArrayBuffer>();
  const files = {} as ModelFiles;
  for (const [key, [data, dtype, shape, path]] of Object.entries(contents) as [keyof ModelFiles, (typeof contents)[keyof ModelFiles]][]) {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    out.set(`${base}model/${path}`, bytes.slice().buffer);
    files[key] = { path, dtype, shape, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const manifest: ModelManifest = {
    format: 'shelfwise-model', version: 'synthetic-1', createdAt: '2026-01-01T00:00:00Z', source: 'test',
    itemCount: N, dim: D, neighbours: K,
    params: { alpha0: 0.1, lambda: 0.01, nu: 1, fusion: { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1 } },
    files,
  };
  out.set(`${base}model/manifest.json`, new TextEncoder().encode(JSON.stringify(manifest)).buffer);
  out.set(`${base}catalog.json`, new TextEncoder().encode(JSON.stringify(syntheticCatalog())).buffer);
  return out;
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
