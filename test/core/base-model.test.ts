import { describe, expect, it } from 'vitest';
import { trainBaseModel } from '../../src/core/base-model';
import { gramMatrix64 } from '../../src/core/ials';
import { dequantizeRows } from '../../src/core/quantize';

describe('trainBaseModel', () => {
  const seqs = Array.from({ length: 60 }, (_, u) => (u < 30 ? [u % 10, (u + 1) % 10, (u + 3) % 10] : [10 + (u % 10), 10 + ((u + 2) % 10)]));

  it('returns every array in the manifest shapes, deterministically', () => {
    const opts = { dim: 4, epochs: 3, k: 5, alpha0: 0.1, lambda: 0.01 };
    const m = trainBaseModel(seqs, 20, opts);
    expect(m.embeddings.length).toBe(20 * 4);
    expect(m.embeddingScales.length).toBe(20);
    expect(m.gram.length).toBe(16);
    expect(m.popularity.length).toBe(20);
    expect(m.trending.length).toBe(20);
    for (const t of [m.cooc, m.next]) {
      expect(t.index.length).toBe(100);
      expect(t.weight.length).toBe(100);
    }
    expect(Array.from(m.gram)).toEqual(Array.from(Float32Array.from(gramMatrix64(dequantizeRows(m.embeddings, m.embeddingScales, 20, 4), 20, 4))));
    const again = trainBaseModel(seqs, 20, opts);
    expect(Array.from(again.embeddings)).toEqual(Array.from(m.embeddings));
    expect(Array.from(again.cooc.index)).toEqual(Array.from(m.cooc.index));
  });
});
