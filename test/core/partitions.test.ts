import { describe, expect, it } from 'vitest';
import type { ModelArrays } from '../../src/core/model-codec';
import {
  clusterRows, decodeBucket, decodeIndex, decodePart, encodeIndex, encodePartitioned, partOfRow, rankParts,
  type Clustering, type PartIndex,
} from '../../src/core/partitions';
import { quantizeRows } from '../../src/core/quantize';
import { createRng, mulberry32 } from '../../src/core/random';
import { sha256Hex } from '../../src/core/sha256';
import { bucketOfId, bucketPath, partPath, validatePartitionedManifest } from '../../src/shared/model-manifest';
import type { CatalogItem } from '../../src/shared/protocol';

/** A copy of `bytes` in an ArrayBuffer of its own, as a fetch gives it. */
const ab = (bytes: Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
};
const fakeDigest = (i: number) => sha256Hex(new Uint8Array([i, i >> 8]));
const isPermutation = (order: Int32Array, n: number) => order.length === n && new Set(order).size === n && order.every((r) => r >= 0 && r < n);

describe('clusterRows', () => {
  // Six blobs far apart (blob b around 10·e_b, noise ±0.5), 200 rows each, in an interleaved row order.
  const B = 6, M = 200, d = 8, n = B * M;
  const rand = mulberry32(3);
  const blobOf = (row: number) => row % B;
  const data = new Float32Array(n * d);
  for (let r = 0; r < n; r++) for (let t = 0; t < d; t++) data[r * d + t] = (t === blobOf(r) ? 10 : 0) + rand() - 0.5;

  it('returns a partition of the rows: order a permutation, parts in order covering every row, one centroid each, the same for a seed', () => {
    const rng = createRng(5);
    const uneven = Float32Array.from({ length: 3000 * 4 }, (_, j) => rng.gaussian() * (1 + (Math.floor(j / 4) % 3)));
    for (const [x, rows, dim, size] of [[data, n, d, M], [uneven, 3000, 4, 250]] as const) {
      const c = clusterRows(x, rows, dim, size);
      const parts = c.starts.length - 1;
      expect(isPermutation(c.order, rows)).toBe(true);
      expect(c.starts[0]).toBe(0);
      expect(c.starts[parts]).toBe(rows);
      for (let p = 0; p < parts; p++) expect(c.starts[p + 1]).toBeGreaterThan(c.starts[p]);
      expect(c.centroids).toHaveLength(parts * dim);
      expect(parts).toBeGreaterThanOrEqual(Math.round(rows / size) / 2);
      const again = clusterRows(x, rows, dim, size);
      expect(Array.from(again.order)).toEqual(Array.from(c.order));
      expect(Array.from(again.starts)).toEqual(Array.from(c.starts));
    }
  });

  // Fails today: k-means is seeded with k rows drawn at random (with replacement), so two seeds
  // often land in one blob and Lloyd's iterations then merge two blobs and split another (44 of
  // seeds 1–100 on these blobs, the default seed 7 among them). With k-means++ seeding it passes.
  // Remove `.fails` when the seeding is fixed.
  it('puts each of six far-apart blobs in a part of its own, its centroid at their mean (seeds 1–10)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const c = clusterRows(data, n, d, M, seed);
      expect(c.starts.length - 1).toBe(B);
      const seen = new Set<number>();
      for (let p = 0; p < B; p++) {
        const blobs = new Set(Array.from(c.order.subarray(c.starts[p], c.starts[p + 1]), blobOf));
        expect([...blobs], `seed ${seed}, part ${p}`).toHaveLength(1);
        expect(c.starts[p + 1] - c.starts[p]).toBe(M);
        seen.add([...blobs][0]);
        for (let t = 0; t < d; t++) {
          let mean = 0;
          for (let r = c.starts[p]; r < c.starts[p + 1]; r++) mean += data[c.order[r] * d + t] / M;
          expect(c.centroids[p * d + t]).toBeCloseTo(mean, 3);
        }
      }
      expect(seen.size).toBe(B);
    }
  });
});

describe('the coarse index', () => {
  const d = 5, starts = Int32Array.from([0, 3, 7, 12]);
  const rng = createRng(4);
  const centroids = Float32Array.from({ length: 3 * d }, (_, j) => rng.gaussian() * (1 + Math.floor(j / d)));
  const parts = [0, 1, 2].map(fakeDigest), buckets = [10, 11].map(fakeDigest);
  const bytes = encodeIndex(starts, centroids, d, parts, buckets);

  it('round-trips starts, digests and centroids (within the int8 step of each part)', () => {
    const index = decodeIndex(ab(bytes), 3, 2, d, 12);
    expect(Array.from(index.starts)).toEqual([0, 3, 7, 12]);
    expect(index.partDigests).toEqual(parts);
    expect(index.bucketDigests).toEqual(buckets);
    for (let p = 0; p < 3; p++) {
      let max = 0;
      for (let t = 0; t < d; t++) max = Math.max(max, Math.abs(centroids[p * d + t]));
      for (let t = 0; t < d; t++) expect(Math.abs(index.centroids[p * d + t] - centroids[p * d + t])).toBeLessThanOrEqual(max / 127 / 2 + 1e-6);
    }
  });

  it('refuses a wrong length, and counts that do not match', () => {
    expect(() => decodeIndex(ab(bytes.subarray(0, bytes.length - 4)), 3, 2, d, 12)).toThrow(/expected/);
    expect(() => decodeIndex(ab(bytes), 3, 3, d, 12)).toThrow(/expected/);
    expect(() => decodeIndex(ab(bytes), 3, 2, d, 13)).toThrow(/cover 12 of 13/);
  });

  it('refuses starts that do not increase, or do not start at 0', () => {
    const flat = encodeIndex(Int32Array.from([0, 3, 3, 12]), centroids, d, parts, buckets);
    expect(() => decodeIndex(ab(flat), 3, 2, d, 12)).toThrow(/part 2 does not start after part 1/);
    const back = encodeIndex(Int32Array.from([0, 7, 3, 12]), centroids, d, parts, buckets);
    expect(() => decodeIndex(ab(back), 3, 2, d, 12)).toThrow(/does not start after/);
    const late = encodeIndex(Int32Array.from([1, 3, 7, 12]), centroids, d, parts, buckets);
    expect(() => decodeIndex(ab(late), 3, 2, d, 12)).toThrow(/part 0/);
  });

  const axes = (starts: number[], rows: number[][]): PartIndex => ({
    starts: Int32Array.from(starts), centroids: Float32Array.from(rows.flat()), partDigests: [], bucketDigests: [],
  });

  it('ranks the part whose centroid aligns with the shopper first, the opposite one last', () => {
    const index = axes([0, 1, 2, 3, 4], [[1, 0, 0], [0, 1, 0], [0, 0, -1], [0.1, 0.2, 0.8]]);
    expect(rankParts(index, [0, 0, 1], 3)).toEqual([3, 0, 1, 2]);
    expect(rankParts(index, [0.2, 1, 0], 3)).toEqual([1, 3, 0, 2]);
    // Inner product, not cosine: a longer centroid in the same direction comes first.
    expect(rankParts(axes([0, 1, 2], [[1, 0], [3, 0.5]]), [1, 0], 2)).toEqual([1, 0]);
  });

  it('finds the part of a row, at and beside every boundary', () => {
    const index = axes([0, 3, 7, 10], [[0], [0], [0]]);
    const expected: [number, number][] = [[0, 0], [2, 0], [3, 1], [6, 1], [7, 2], [9, 2]];
    for (const [row, part] of expected) expect(partOfRow(index, row)).toBe(part);
    expect(partOfRow(axes([0, 5], [[0]]), 4)).toBe(0);
  });
});

describe('encodePartitioned', () => {
  // 2,600 items (3 directory buckets) of d = 8, k = 3; rows permuted into 4 parts by hand.
  const n = 2600, d = 8, k = 3;
  const rng = createRng(11);
  const raw = Float32Array.from({ length: n * d }, () => rng.gaussian() * 0.3);
  const { q, scales } = quantizeRows(raw, n, d, 4);
  const itemIds = Array.from({ length: n }, (_, i) => `SKU-${i}`);
  const catalog: CatalogItem[] = itemIds.map((id, i) => ({
    id, title: `Item ${i} of range ${i % 13}`, category: `Range ${i % 13}`, price: { amount: 1 + (i % 50), currency: 'EUR' }, url: `/p/${id}`,
  }));
  // Item i's neighbours: i+1, i+2 and none ("cooc"); (i*7) mod n, 0 and i-1 ("next").
  const a: ModelArrays = {
    n, d, k, itemIds, embeddings: q, embeddingBits: 4, embeddingScales: scales,
    gram: Float32Array.from({ length: d * d }, (_, j) => j / 10),
    popularity: Float32Array.from({ length: n }, (_, i) => Math.log1p(i % 97)),
    trending: Float32Array.from({ length: n }, (_, i) => (i % 31) / 7),
    coocIndex: Int32Array.from({ length: n * k }, (_, j) => (j % k === 2 ? -1 : (Math.floor(j / k) + (j % k) + 1) % n)),
    coocWeight: Float32Array.from({ length: n * k }, (_, j) => (j % k === 2 ? 0 : 1 / ((j % k) + 1))),
    nextIndex: Int32Array.from({ length: n * k }, (_, j) => [(Math.floor(j / k) * 7) % n, 0, (Math.floor(j / k) + n - 1) % n][j % k]),
    nextWeight: Float32Array.from({ length: n * k }, (_, j) => 0.9 - 0.2 * (j % k) + (Math.floor(j / k) % 5) / 100),
  };
  const order = Int32Array.from({ length: n }, (_, r) => (r * 7 + 3) % n); // gcd(7, 2600) = 1: a permutation
  const clustering: Clustering = {
    order, starts: Int32Array.from([0, 600, 1500, 1501, n]), centroids: Float32Array.from({ length: 4 * d }, (_, j) => ((j * 37) % 11) / 10 - 0.5),
  };
  const meta = { version: 't-1', createdAt: '2026-01-01T00:00:00Z', source: 'test', params: { alpha0: 0.1, lambda: 0.01, nu: 1, fusion: { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1, sequence: 0 } } };
  const starter = { items: catalog.slice(0, 2), scores: [2, 1] };
  const { manifest, files } = encodePartitioned(a, catalog, meta, clustering, starter);
  const { count: P, buckets: B } = manifest.partitions;
  const indexBytes = files.get(manifest.partitions.index.path)!;
  const index = decodeIndex(ab(indexBytes), P, B, d, n);
  const partBytes = Array.from({ length: P }, (_, p) => files.get(partPath(p, manifest.partitions.index.sha256))!);
  const parts = partBytes.map((bytes, p) => decodePart(ab(bytes), index.starts[p], index.starts[p + 1], n, d, k));
  /** Item id of each new row, as the parts list them. */
  const rowIds = parts.flatMap((part) => part.items.map((it) => it.id));

  it('writes a valid manifest and an index whose digests match the files', () => {
    expect(() => validatePartitionedManifest(JSON.parse(new TextDecoder().decode(files.get('manifest.json')!)))).not.toThrow();
    expect(manifest).toMatchObject({ layout: 'partitioned', itemCount: n, dim: d, neighbours: k, partitions: { count: 4, buckets: 3 }, starter });
    expect(sha256Hex(indexBytes)).toBe(manifest.partitions.index.sha256);
    expect(Array.from(index.starts)).toEqual([0, 600, 1500, 1501, n]);
    partBytes.forEach((bytes, p) => expect(sha256Hex(bytes)).toBe(index.partDigests[p]));
    const gram = files.get(manifest.gram.path)!;
    expect(sha256Hex(gram)).toBe(manifest.gram.sha256);
    expect(Array.from(new Float32Array(ab(gram)))).toEqual(Array.from(a.gram));
    expect(files.size).toBe(1 + 1 + 1 + P + B); // manifest, index, gram, parts, buckets
  });

  it('gives each part its rows in clustering order, with their entries, embeddings and signals', () => {
    parts.forEach((part) => {
      for (let j = 0; j < part.end - part.start; j++) {
        const old = order[part.start + j];
        expect(part.items[j]).toEqual(catalog[old]);
        expect(part.popularity[j]).toBe(a.popularity[old]);
        expect(part.trending[j]).toBe(a.trending[old]);
        for (let t = 0; t < d; t++) {
          const v = part.embeddings[j * d + t];
          expect(v).toBe(Math.fround(q[old * d + t] * scales[old]));
          expect(Math.abs(v - raw[old * d + t])).toBeLessThanOrEqual(scales[old] / 2 + 1e-6);
        }
      }
    });
    expect(rowIds).toEqual(Array.from(order, (old) => itemIds[old]));
  });

  it('renumbers neighbours to the new rows, pointing to the same items as before', () => {
    let checked = 0;
    for (const part of parts) {
      for (let j = 0; j < part.end - part.start; j++) {
        const old = order[part.start + j];
        for (const [index, weight, oldIndex, oldWeight] of [
          [part.tables.coocIndex, part.tables.coocWeight, a.coocIndex, a.coocWeight],
          [part.tables.nextIndex, part.tables.nextWeight, a.nextIndex, a.nextWeight],
        ] as const) {
          let max = 0;
          for (let s = 0; s < k; s++) max = Math.max(max, oldWeight[old * k + s]);
          for (let s = 0; s < k; s++) {
            const was = oldIndex[old * k + s], now = index[j * k + s];
            if (was < 0) expect(now).toBe(-1);
            else {
              expect(rowIds[now]).toBe(itemIds[was]);
              checked++;
            }
            expect(Math.abs(weight[j * k + s] - oldWeight[old * k + s])).toBeLessThanOrEqual(max / 255 / 2 + 1e-6);
          }
        }
      }
    }
    expect(checked).toBe(n * (2 + 3));
  });

  it('refuses a truncated part, or a part decoded as the wrong rows', () => {
    const bytes = partBytes[1];
    expect(() => decodePart(ab(bytes.subarray(0, bytes.length - 1)), 600, 1500, n, d, k)).toThrow(/bytes, expected/);
    expect(() => decodePart(ab(bytes.subarray(0, 3)), 600, 1500, n, d, k)).toThrow(/empty/);
    expect(() => decodePart(ab(bytes), 600, 1499, n, d, k)).toThrow(/expected/);
    expect(() => decodePart(ab(partBytes[2]), 1500, 1501, n, 16, k)).toThrow(/expected/);
  });

  it('lists every id in the directory bucket its id hashes to, with its new row', () => {
    const found = new Map<string, number>();
    for (let b = 0; b < B; b++) {
      const bytes = files.get(bucketPath(b, manifest.partitions.index.sha256))!;
      expect(sha256Hex(bytes)).toBe(index.bucketDigests[b]);
      for (const [id, row] of decodeBucket(ab(bytes), n)) {
        expect(bucketOfId(id, B)).toBe(b);
        expect(rowIds[row]).toBe(id);
        found.set(id, row);
      }
    }
    expect(found.size).toBe(n);
    expect(found.get('SKU-3')).toBe(0); // order[0] = 3
  });

  it('refuses a bucket with a row out of range or lists of different lengths', () => {
    const enc = (x: unknown) => ab(new TextEncoder().encode(JSON.stringify(x)));
    expect(() => decodeBucket(enc({ ids: ['a'], rows: [n] }), n)).toThrow(/row in 0\.\./);
    expect(() => decodeBucket(enc({ ids: ['a', 'b'], rows: [1] }), n)).toThrow(/one length/);
  });
});
