import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { encodeSequence, packSequence, unpackSequence, type SequenceWeights } from '../../src/core/sequence-model';
import { sequenceLength } from '../../src/shared/model-manifest';

const d = 4, L = 3, n = 7;
const rng = createRng(5);
const random = (len: number) => Float32Array.from({ length: len }, () => rng.gaussian() * 0.5);

function weights(): SequenceWeights {
  const m = () => random(d * d), v = () => random(d);
  return {
    d, L, inputScale: 2, P: random(L * d), Wq: m(), Wk: m(), Wv: m(), Wa: m(), W1: m(), W2: m(), Wo: m(),
    b1: v(), b2: v(), bo: v(), g1: v(), be1: v(), g2: v(), be2: v(), itemBias: random(n),
  };
}

describe('sequence model weights and forward pass', () => {
  it('packs and unpacks to the same weights and the same query', () => {
    const w = weights();
    const flat = packSequence(w);
    expect(flat.length).toBe(sequenceLength(d, L, n));
    const back = unpackSequence(flat, d, L, n);
    const ctx = [random(d), random(d)];
    expect(Array.from(encodeSequence(back, ctx).z)).toEqual(Array.from(encodeSequence(w, ctx).z));
    expect(Array.from(back.itemBias)).toEqual(Array.from(w.itemBias));
  });

  it('refuses a part of the wrong length, a file of the wrong length and a non-finite value', () => {
    expect(() => packSequence({ ...weights(), Wk: random(d * d - 1) })).toThrow(/Wk has 15 values, expected 16/);
    const flat = packSequence(weights());
    expect(() => unpackSequence(flat.subarray(1), d, L, n)).toThrow(/expected/);
    flat[5] = NaN;
    expect(() => unpackSequence(flat, d, L, n)).toThrow(/non-finite/);
  });

  it('attends over the context only (weights summing to 1), scales the query, and is independent of padding', () => {
    const w = weights();
    const a = random(d), b = random(d);
    const { attention, z } = encodeSequence(w, [a, b]);
    expect(attention.length).toBe(2);
    expect(attention.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    // The query is (r2 · Wo + bo) · inputScale: doubling the scale doubles it when the inputs are zero.
    const zeros = [new Float32Array(d)];
    const q1 = encodeSequence({ ...w, inputScale: 1 }, zeros).z, q2 = encodeSequence({ ...w, inputScale: 2 }, zeros).z;
    q1.forEach((x, j) => expect(q2[j]).toBeCloseTo(2 * x, 5));
    expect(z.every(Number.isFinite)).toBe(true);
    expect(() => encodeSequence(w, [])).toThrow(RangeError);
    expect(() => encodeSequence(w, [a, b, a, b])).toThrow(RangeError);
  });
});
