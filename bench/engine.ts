/**
 * Engine costs in Node, on the tfjs backend the evaluation uses (wasm by default): the fold-in of a
 * shopper with 10 and 50 events, and full-catalogue scoring + top-k for the demo catalogue and for
 * synthetic catalogues of 100,000 and 1,000,000 items (embedding size as shipped), with the memory
 * each table takes.
 *
 *   npx tsx bench/engine.ts [--backend wasm|cpu] [--repeats 30] [--out FILE.json]
 *
 * Prints a table; with --out writes JSON. Figures, not assertions: nothing here fails on a number.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { quantile } from '../src/core/metrics';
import { createRng } from '../src/core/random';
import { topK } from '../src/core/top-k';
import { chooseBackend } from '../src/model/backend';
import { TfCfModel } from '../src/model/cf-model';
import type { BackendName } from '../src/shared/protocol';
import { NODE_WASM_DIR } from '../scripts/lib/node-wasm';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const BACKEND = opt('backend', 'wasm') as BackendName;
const REPEATS = Number(opt('repeats', '30'));
const OUT = opt('out', '');

const stats = (xs: number[]) => ({ p50: round(quantile(xs, 0.5)), p95: round(quantile(xs, 0.95)) });
const round = (x: number) => Math.round(x * 100) / 100;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: kernel compilation, allocation
  const out: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  tf.env().set('PROD', true);
  const choice = await chooseBackend({ forced: BACKEND, wasmPaths: NODE_WASM_DIR });
  const manifest = JSON.parse(readFileSync('public/model/manifest.json', 'utf8'));
  const { itemCount: n, dim: d } = manifest;
  const q = new Int8Array(readFileSync('public/model/embeddings.q8.bin').buffer.slice(0));
  const scales = new Float32Array(readFileSync('public/model/embedding-scales.bin').buffer.slice(0));
  const gram = new Float32Array(readFileSync('public/model/gram.bin').buffer.slice(0));
  const emb = Float32Array.from(q, (v, i) => v * scales[Math.floor(i / d)]);
  const rng = createRng(1);
  const model = new TfCfModel(emb, n, d, gram, manifest.params);

  const foldIn: Record<string, { p50: number; p95: number }> = {};
  for (const events of [10, 50]) {
    const rows = Int32Array.from({ length: events }, () => Math.floor(rng.next() * n));
    const weights = Float32Array.from({ length: events }, (_, j) => Math.pow(0.5, j / 25));
    foldIn[String(events)] = stats(await time(() => model.foldIn(rows, weights)));
  }
  const u = await model.foldIn(Int32Array.from([1, 2, 3]), Float32Array.from([1, 1, 1]));

  const score: Record<string, { p50: number; p95: number }> = {};
  const tableMb: Record<string, number> = {};
  score.demo = stats(await time(async () => topK(await model.scoreAll(u), 10)));
  tableMb.demo = round((n * d * 4) / 2 ** 20);
  model.dispose();
  for (const size of [100_000, 1_000_000]) {
    const table = new Float32Array(size * d);
    for (let i = 0; i < table.length; i++) table[i] = emb[(i * 7919) % emb.length];
    const big = new TfCfModel(table, size, d, gram, manifest.params);
    score[String(size)] = stats(await time(async () => topK(await big.scoreAll(u), 10)));
    tableMb[String(size)] = round(tf.memory().numBytes / 2 ** 20);
    big.dispose();
  }
  const report = {
    date: new Date().toISOString(), machine: '2 cores, no GPU, Node ' + process.version,
    backend: choice.backend, backend_reason: choice.reason, repeats: REPEATS,
    fold_in_ms: foldIn, score_catalog_ms: score, tfjs_memory_mb: tableMb,
  };
  console.log(`backend ${choice.backend} (${choice.reason}), ${REPEATS} repeats after warm-up, p50 / p95 ms`);
  console.log(`fold-in, 10 events   ${foldIn['10'].p50} / ${foldIn['10'].p95}`);
  console.log(`fold-in, 50 events   ${foldIn['50'].p50} / ${foldIn['50'].p95}`);
  for (const k of ['demo', '100000', '1000000']) console.log(`score + top-10, ${k.padEnd(8)} items ${score[k].p50} / ${score[k].p95}   (table ${tableMb[k]} MB)`);
  if (OUT) writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
