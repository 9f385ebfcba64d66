import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { JsCfScorer } from '../../src/core/cf-scorer';
import { TfCfModel as CfModel } from '../../src/model/cf-model';

/** Closed-form iALS fold-in by Gaussian elimination: the answer the tfjs solver must reach. */
function solveExact(emb: Float32Array, n: number, d: number, items: number[], c: number[], alpha0: number, lambdaU: number): number[] {
  const A = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let g = 0;
    for (let i = 0; i < n; i++) g += emb[i * d + a] * emb[i * d + b];
    A[a][b] = alpha0 * g + (a === b ? lambdaU : 0);
  }
  items.forEach((it, h) => {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) A[a][b] += c[h] * emb[it * d + a] * emb[it * d + b];
      A[a][d] += c[h] * emb[it * d + a];
    }
  });
  for (let col = 0; col < d; col++) {
    let piv = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    [A[col], A[piv]] = [A[piv], A[col]];
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = A[r][col] / A[col][col];
      for (let k = col; k <= d; k++) A[r][k] -= f * A[col][k];
    }
  }
  return A.map((row, i) => row[d] / A[i][i]);
}

function randomTable(n: number, d: number, seed: number): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  return Float32Array.from({ length: n * d }, rnd);
}

function gramOf(emb: Float32Array, n: number, d: number): Float32Array {
  const g = new Float32Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) g[a * d + b] += emb[i * d + a] * emb[i * d + b];
  return g;
}

describe('TfCfModel (tfjs, cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const n = 200, d = 16;
  const emb = randomTable(n, d, 3);
  const params = { alpha0: 0.05, lambda: 0.01, nu: 1 };

  it('fold-in reaches the closed-form iALS solution', async () => {
    const model = new CfModel(emb, n, d, gramOf(emb, n, d), params);
    const items = [3, 17, 42, 99, 150];
    const c = [1, 3, 1, 5, 2];
    const u = await model.foldIn(Int32Array.from(items), Float32Array.from(c));
    const lambdaU = params.lambda * (items.length + params.alpha0 * n);
    const exact = solveExact(emb, n, d, items, c, params.alpha0, lambdaU);
    for (let j = 0; j < d; j++) expect(u[j]).toBeCloseTo(exact[j], 3);
    model.dispose();
  });

  it('the plain-JS scorer (used while the backend warms up) gives the same vector and scores', async () => {
    const tfm = new CfModel(emb, n, d, gramOf(emb, n, d), params);
    const js = new JsCfScorer(emb, n, d, gramOf(emb, n, d), params);
    const rows = Int32Array.from([1, 2, 7]), c = Float32Array.from([1, 1, 3]);
    const [a, b] = [await tfm.foldIn(rows, c), await js.foldIn(rows, c)];
    for (let j = 0; j < d; j++) expect(a[j]).toBeCloseTo(b[j], 4);
    const [sa, sb] = [await tfm.scoreAll(a), await js.scoreAll(a)];
    for (let i = 0; i < n; i++) expect(sa[i]).toBeCloseTo(sb[i], 4);
    tfm.dispose();
  });

  it('scores the catalogue as V·u, with the history items ranked high', async () => {
    const model = new CfModel(emb, n, d, gramOf(emb, n, d), params);
    const u = await model.foldIn(Int32Array.from([5]), Float32Array.from([5]));
    const scores = await model.scoreAll(u);
    expect(scores).toHaveLength(n);
    let expected5 = 0;
    for (let j = 0; j < d; j++) expected5 += emb[5 * d + j] * u[j];
    expect(scores[5]).toBeCloseTo(expected5, 5);
    const rank = Array.from(scores).filter((s) => s > scores[5]).length;
    expect(rank).toBeLessThan(5);
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const model = new CfModel(emb, n, d, gramOf(emb, n, d), params);
    const u = await model.foldIn(Int32Array.from([1, 2, 3]), Float32Array.from([1, 2, 3]));
    await model.scoreAll(u);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the softmax gradient for fine-tuning the sequence model equals the plain-JS one, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const model = new CfModel(emb, n, d, gramOf(emb, n, d), params);
    const js = new JsCfScorer(emb, n, d, gramOf(emb, n, d), params);
    const queries = Float32Array.from({ length: 3 * d }, (_, k) => Math.sin(k) * 0.5);
    const targets = Int32Array.from([0, 5, n - 1]);
    const bias = Float32Array.from({ length: n }, (_, i) => (i % 3) * 0.1);
    for (let round = 0; round < 2; round++) {
      const [a, b] = await Promise.all([model.softmaxGradient(queries, targets, bias), js.softmaxGradient(queries, targets, bias)]);
      expect(a.loss).toBeCloseTo(b.loss, 4);
      a.gradient.forEach((g, j) => expect(g).toBeCloseTo(b.gradient[j], 4));
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an empty history gives the zero vector without touching the backend', async () => {
    const model = new CfModel(emb, n, d, gramOf(emb, n, d), params);
    const u = await model.foldIn(new Int32Array(0), new Float32Array(0));
    expect(Array.from(u)).toEqual(new Array(d).fill(0));
    model.dispose();
  });
});
