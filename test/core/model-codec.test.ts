import { describe, expect, it } from 'vitest';
import { decodeShard, encodeModel, type ModelArrays } from '../../src/core/model-codec';
import { anchorCardsPath, bucketOfId, ModelError, validateManifest, type AnchorCards } from '../../src/shared/model-manifest';
import { sha256Hex } from '../../src/core/sha256';
import { floatToHalf, halfToFloat, packInt4, quantizeRows, unpackInt4 } from '../../src/core/quantize';
import { ModelLoader } from '../../src/model/load-model';
import type { CatalogItem } from '../../src/shared/protocol';

/** 40 items; item i's neighbours are i+1, i+2, i+3 (mod 40) with falling weights, a different "next" table. */
function arrays(): { a: ModelArrays; catalog: CatalogItem[] } {
  const n = 40, d = 2, k = 3;
  const ids = Array.from({ length: n }, (_, i) => `p-${i}`);
  const a: ModelArrays = {
    n, d, k, itemIds: ids,
    embeddings: Int8Array.from({ length: n * d }, (_, j) => (j % 7) - 3), embeddingScales: Float32Array.from({ length: n }, (_, i) => 0.01 * (i + 1)),
    gram: new Float32Array(d * d).fill(1), popularity: Float32Array.from({ length: n }, (_, i) => i / 10), trending: Float32Array.from({ length: n }, (_, i) => (n - i) / 10),
    coocIndex: Int32Array.from({ length: n * k }, (_, j) => (Math.floor(j / k) + (j % k) + 1) % n), coocWeight: Float32Array.from({ length: n * k }, (_, j) => 1 / ((j % k) + 1)),
    nextIndex: Int32Array.from({ length: n * k }, (_, j) => (Math.floor(j / k) + 10 + (j % k)) % n), nextWeight: Float32Array.from({ length: n * k }, (_, j) => 0.5 / ((j % k) + 1)),
  };
  const catalog = ids.map((id, i) => ({ id, title: `Product ${i}`, ...(i === 13 ? { available: false } : {}) }));
  return { a, catalog };
}
const meta = { version: 't-1', createdAt: '2026-01-01T00:00:00Z', source: 'test', params: { alpha0: 0.1, lambda: 0.01, nu: 1, fusion: { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1, sequence: 0 } } };
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;

describe('model files grouped by id hash (how builds ship)', () => {
  const { a, catalog } = arrays();
  const { manifest, files } = encodeModel(a, meta, catalog, { rowsPerShard: 8, order: 'id-hash' });
  const ids = json(files.get(manifest.files.itemIds.path)!) as string[];

  it('puts each item in the shard its id hashes to, every row once, and says so in the manifest', () => {
    expect(manifest.shards.lookup).toBe('id-hash');
    expect(manifest.shards.files).toHaveLength(5);
    expect([...ids].sort()).toEqual([...a.itemIds].sort());
    manifest.shards.files.forEach((f, s) => {
      for (let r = f.start; r < f.end; r++) expect(bucketOfId(ids[r], 5)).toBe(s);
    });
    expect(() => validateManifest(json(files.get('manifest.json')!))).not.toThrow();
  });

  it('keeps every neighbour and weight, renumbered to the new rows', () => {
    const n = a.n, k = a.k;
    const t = { coocIndex: new Int32Array(n * k), coocWeight: new Float32Array(n * k), nextIndex: new Int32Array(n * k), nextWeight: new Float32Array(n * k) };
    for (const f of manifest.shards.files) {
      const bytes = files.get(f.path)!;
      decodeShard(bytes.slice().buffer, f.start, f.end, n, k, manifest.shards.indexDtype, t);
    }
    for (let old = 0; old < n; old++) {
      const row = ids.indexOf(a.itemIds[old]);
      for (let j = 0; j < k; j++) {
        expect(ids[t.coocIndex[row * k + j]]).toBe(a.itemIds[a.coocIndex[old * k + j]]);
        expect(ids[t.nextIndex[row * k + j]]).toBe(a.itemIds[a.nextIndex[old * k + j]]);
        expect(t.coocWeight[row * k + j]).toBeCloseTo(a.coocWeight[old * k + j], 2);
      }
    }
    // Row-ordered arrays move with their rows.
    const pop = new Float32Array(files.get(manifest.files.popularity.path)!.slice().buffer);
    ids.forEach((id, row) => expect(pop[row]).toBeCloseTo(a.popularity[a.itemIds.indexOf(id)], 6));
  });

  it('gives each group of ids the cards of its items and of their strongest neighbours (not of unavailable items), listed in a checked index', () => {
    const { groups, index } = manifest.shards.cards!;
    expect(groups).toBe(10); // 2 per shard
    const digests = (json(files.get(index.path)!) as { groups: string[] }).groups;
    expect(sha256Hex(files.get(index.path)!)).toBe(index.sha256);
    for (let g = 0; g < groups; g++) {
      const bytes = files.get(anchorCardsPath(g, index.sha256))!;
      expect(sha256Hex(bytes)).toBe(digests[g]);
      const cards = json(bytes) as AnchorCards;
      const has = new Set(cards.items.map((it) => it.id));
      const own = a.itemIds.filter((id) => bucketOfId(id, groups) === g);
      for (const id of own) {
        // A group's items share the shard their id hashes to.
        expect(bucketOfId(id, manifest.shards.files.length)).toBe(g % manifest.shards.files.length);
        const old = a.itemIds.indexOf(id);
        for (const nb of [id, ...[0, 1, 2].map((j) => a.itemIds[a.coocIndex[old * a.k + j]]), ...[0, 1, 2].map((j) => a.itemIds[a.nextIndex[old * a.k + j]])]) {
          if (nb !== 'p-13') expect(has.has(nb)).toBe(true);
        }
      }
      expect(has.has('p-13')).toBe(false);
      cards.items.forEach((it, j) => {
        expect(ids[cards.rows[j]]).toBe(it.id);
        expect(cards.popularity[j]).toBeCloseTo(a.popularity[a.itemIds.indexOf(it.id)], 6);
      });
    }
  });

  it('refuses a manifest whose id-hash shards do not add up', () => {
    const m = json(files.get('manifest.json')!) as typeof manifest;
    m.shards.files.pop();
    expect(() => validateManifest(m)).toThrow(ModelError);
  });
});

describe('4-bit embeddings', () => {
  it('pack two codes per byte and load back to the same values; a nibble out of range is refused', async () => {
    const { a, catalog } = arrays();
    const codes = Int8Array.from({ length: a.n * a.d }, (_, j) => ((j * 5) % 15) - 7);
    const { manifest, files } = encodeModel({ ...a, embeddings: codes, embeddingBits: 4 }, meta, catalog, { rowsPerShard: 8 });
    expect(manifest.files.embeddings.dtype).toBe('int4');
    expect(files.get(manifest.files.embeddings.path)!.length).toBe((a.n * a.d) / 2);
    const base = 'http://t.local/model/';
    const fetchBytes = async (url: string) => files.get(url.slice(base.length))!.slice().buffer;
    const loader = await ModelLoader.open(`${base}manifest.json`, fetchBytes);
    const model = await loader.loadCore();
    await loader.loadEmbeddings(model);
    expect(manifest.files.embeddingScales.dtype).toBe('float16');
    for (let j = 0; j < codes.length; j++) expect(model.embeddings[j]).toBeCloseTo(codes[j] * halfToFloat(floatToHalf(a.embeddingScales[Math.floor(j / a.d)])), 6);
    expect(unpackInt4(packInt4(codes), codes.length)).toEqual(codes);
    expect(() => unpackInt4(new Uint8Array([0x80]), 2)).toThrow(/out of range/);
  });
});

describe('float16 scales', () => {
  it('round to the nearest half-precision value', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7bff); // no infinity for a scale
    expect(floatToHalf(2 ** -24)).toBe(1); // smallest subnormal
    expect(floatToHalf(0)).toBe(0);
    for (const x of [0.1, 0.0123, 3.7e-5, 0.5 + 1e-6]) expect(Math.abs(halfToFloat(floatToHalf(x)) - x) / x).toBeLessThan(2 ** -11);
  });

  it('4-bit rows use their rounded scale, so every code stays in -7..7', () => {
    const m = Float32Array.from({ length: 64 * 8 }, (_, j) => Math.sin(j * 1.3) * (1 + (j % 5)));
    const { q, scales } = quantizeRows(m, 64, 8, 4);
    expect(Math.max(...q.map(Math.abs))).toBe(7);
    for (const s of scales) expect(halfToFloat(floatToHalf(s))).toBe(s);
    for (let j = 0; j < m.length; j++) expect(Math.abs(q[j] * scales[j >> 3] - m[j])).toBeLessThanOrEqual(scales[j >> 3] / 2 + 1e-6);
  });
});
