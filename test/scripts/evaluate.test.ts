import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rankOfTarget } from '../../src/core/metrics';
import { evaluate, FINE_TUNE_MIN_GAIN, type EvalOptions } from '../../scripts/lib/evaluate';

/**
 * A tiny dataset with a known answer: 300 shoppers walk around one of two rings of 20 items in
 * order (item g*20 + (start + j) % 20), 5 steps each. Whoever has seen 4 steps of a ring takes
 * the next item of that ring, so a recommender that learned the transitions ranks it first.
 */
function ringDataset() {
  const rows = ['user_idx,item_idx,position'];
  for (let u = 0; u < 300; u++) {
    const g = u % 2, start = (u * 7) % 20;
    for (let j = 0; j < 5; j++) rows.push(`${u},${g * 20 + ((start + j) % 20)},${j}`);
  }
  const items = ['item_idx,title'];
  for (let i = 0; i < 40; i++) items.push(`${i},"${i < 20 ? 'Ring racer' : 'Ring puzzle'}, part ${i % 20}"`);
  return { name: 'rings', interactions: rows.join('\n') + '\n', items: items.join('\n') + '\n' };
}

const opts: EvalOptions = {
  cold: false, backend: 'cpu', tuneUsers: 30, maxTestUsers: 0,
  model: { dim: 8, epochs: 4, k: 5 }, sequenceEpochs: 0, log: () => undefined,
};

describe('offline evaluation through the engine', () => {
  it('finds the known answer on a synthetic ring dataset', async () => {
    const report = await evaluate(ringDataset(), opts);
    expect(report.users).toBe(30); // user_idx % 10 == 0
    expect(report.metrics['hr@10']).toBe(1);
    expect(report.metrics['ndcg@10']).toBeGreaterThan(0.9);
    expect(report.split.train_users).toBe(240);
    expect(report.timing.fold_in_and_score_ms.p50).toBeGreaterThan(0);
  });

  it('gives identical figures twice for a fixed seed', async () => {
    const a = await evaluate(ringDataset(), { ...opts, model: { ...opts.model, seed: 7 } });
    const b = await evaluate(ringDataset(), { ...opts, model: { ...opts.model, seed: 7 } });
    expect(b.metrics).toEqual(a.metrics);
    expect(b.config).toEqual(a.config);
  });

  it('trains the sequence model on the training split, fuses it, and reports what each signal is worth', async () => {
    // As `npm run eval` runs it. Under a test runner tfjs counts the backend's data ids around each
    // kernel (IS_TEST), and the training's custom-gradient matMul on wasm trips that count with
    // two ids it frees itself; tensor leaks are checked by test/scripts/sequence-train.test.ts.
    tf.env().set('IS_TEST', false);
    const report = await evaluate(ringDataset(), { ...opts, sequenceEpochs: 2 });
    expect(report.config.sequence_model).toBe(true);
    expect(report.timing.sequence_training_s).toBeGreaterThan(0);
    expect(report.metrics['hr@10']).toBeGreaterThanOrEqual(0.9);
    const ablation = report.ablation!;
    expect(Object.keys(ablation)).toContain('sequence alone');
    expect(Object.keys(ablation)).toContain('without sequence');
    expect(ablation.all['hr@10']).toBe(report.validation!['hr@10']);
    // Fine-tuning on the device was tried on the same validation users, and kept only if it scored higher there by 1%.
    const ft = report.fine_tuning!;
    expect(ft.val_without).toEqual(ablation.all);
    const score = (m: typeof ft.val_with) => m['hr@10'] + m['ndcg@10'];
    expect(ft.kept).toBe(score(ft.val_with) > score(ft.val_without) * (1 + FINE_TUNE_MIN_GAIN));
    expect(report.validation!['hr@10']).toBe((ft.kept ? ft.val_with : ft.val_without)['hr@10']);
    expect(ft.signals_ms_p50.with).toBeGreaterThan(0);
  });

  it('does not try fine-tuning when told not to (steps 0) or without a sequence model', async () => {
    tf.env().set('IS_TEST', false);
    const report = await evaluate(ringDataset(), { ...opts, sequenceEpochs: 1, fineTune: { steps: 0, lr: 0.05, l2: 0, examples: 8, budgetMs: 50 } });
    expect(report.fine_tuning).toBeUndefined();
    expect((await evaluate(ringDataset(), opts)).fine_tuning).toBeUndefined();
  });

  it('rejects malformed input with the file and line', async () => {
    const bad = ringDataset();
    bad.interactions = bad.interactions.replace('\n0,0,0\n', '\n0,x,0\n');
    await expect(evaluate(bad, opts)).rejects.toThrow(/interactions\.csv:\d+/);
    const unknown = ringDataset();
    unknown.interactions += '5,99,5\n';
    await expect(evaluate(unknown, opts)).rejects.toThrow(/interactions\.csv:\d+.*99/);
  });
});

describe('rankOfTarget', () => {
  it('counts ties against the target and skips excluded items', () => {
    expect(rankOfTarget([0.1, 0.5, 0.5, 0.9], 1, [])).toBe(3); // 0.9 and the tie ahead
    expect(rankOfTarget([0.1, 0.5, 0.5, 0.9], 1, [3])).toBe(2);
    expect(rankOfTarget([1, 1, 1], 0, [])).toBe(3); // constant scores earn nothing
    expect(rankOfTarget([NaN, 1, 2], 0, [])).toBe(3);
  });
});
