import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { encodeSequence, packSequence, SEQ_LEN, type SequenceWeights } from '../../src/core/sequence-model';
import { forwardForTest, trainSequenceModel } from '../../scripts/lib/sequence-train';

/**
 * A known answer: 40 items with random 8-d embeddings; items 2k and 2k + 1 (k < 10) are pairs,
 * bought one right after the other (A → B) by every shopper who buys A, amid noise items 20..39.
 */
const n = 40, d = 8, PAIRS = 10;
const rng = createRng(11);
const E = Float32Array.from({ length: n * d }, () => rng.gaussian() * 0.3);
const row = (i: number) => E.subarray(i * d, (i + 1) * d);

function shoppers(count: number): number[][] {
  const out: number[][] = [];
  for (let u = 0; u < count; u++) {
    const seq: number[] = [];
    const length = 4 + Math.floor(rng.next() * 8);
    while (seq.length < length) {
      if (rng.next() < 0.5) {
        const k = Math.floor(rng.next() * PAIRS);
        seq.push(2 * k, 2 * k + 1);
      } else {
        seq.push(2 * PAIRS + Math.floor(rng.next() * (n - 2 * PAIRS)));
      }
    }
    out.push(seq);
  }
  return out;
}

function scores(w: SequenceWeights, context: number[]): Float32Array {
  const { z } = encodeSequence(w, context.map(row));
  return Float32Array.from({ length: n }, (_, i) => {
    let s = w.itemBias[i];
    for (let j = 0; j < d; j++) s += z[j] * E[i * d + j];
    return s;
  });
}

describe('trainSequenceModel (tfjs, cpu backend)', () => {
  const sequences = shoppers(150);
  let trained: Awaited<ReturnType<typeof trainSequenceModel>>;
  let tensorsBefore = 0, tensorsAfter = 0;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
    trained = await trainSequenceModel(sequences, E, n, d, { backend: 'cpu', batch: 128, lr: 0.03, maxEpochs: 16, seconds: 60, seed: 3 });
    tensorsAfter = tf.memory().numTensors;
  }, 60_000);

  it('learns the pairs: after A alone, B scores highest of all items', () => {
    expect(trained.examples).toBe(sequences.reduce((a, s) => a + s.length - 1, 0));
    expect(trained.epochs).toBe(16);
    for (let k = 0; k < PAIRS; k++) {
      const s = scores(trained.weights, [2 * k]);
      const best = s.indexOf(Math.max(...s));
      expect(best, `pair ${k}`).toBe(2 * k + 1);
    }
    // Also with history before A (the pair follows a noise item).
    const s = scores(trained.weights, [25, 31, 6]);
    expect(s.indexOf(Math.max(...s))).toBe(7);
  });

  it('leaks no tensors', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('returns finite weights in the SequenceWeights layout', () => {
    const w = trained.weights;
    expect(w.d).toBe(d);
    expect(w.L).toBe(SEQ_LEN);
    expect([w.Wq, w.Wk, w.Wv, w.Wa, w.W1, w.W2, w.Wo].map((m) => m.length)).toEqual(new Array(7).fill(d * d));
    expect(w.P.length).toBe(SEQ_LEN * d);
    expect(w.itemBias.length).toBe(n);
    expect(packSequence(w).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(trained.finalLoss)).toBe(true);
  });

  it('encodeSequence equals the training forward pass (within 1e-4)', () => {
    const contexts = [[3], [20, 4], [1, 2, 3, 4, 5, 6, 7], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], [39, 0, 38, 1, 37, 2, 36, 3, 35, 4]];
    const before = tf.memory().numTensors;
    const fromTf = forwardForTest(trained.weights, E, n, contexts);
    expect(tf.memory().numTensors).toBe(before);
    contexts.forEach((c, b) => {
      const { z, attention } = encodeSequence(trained.weights, c.map(row));
      expect(attention.length).toBe(c.length);
      for (let j = 0; j < d; j++) expect(Math.abs(z[j] - fromTf[b][j])).toBeLessThan(1e-4);
    });
  });

  it('is deterministic for a seed', async () => {
    const few = sequences.slice(0, 40);
    const a = await trainSequenceModel(few, E, n, d, { backend: 'cpu', batch: 32, maxEpochs: 2, seed: 5 });
    const b = await trainSequenceModel(few, E, n, d, { backend: 'cpu', batch: 32, maxEpochs: 2, seed: 5 });
    expect(packSequence(a.weights)).toEqual(packSequence(b.weights));
  });
});
