/**
 * Offline evaluation (docs/evaluation-protocol.md) with the shipping engine:
 *
 *   npm run eval -- --data DIR [--cold] [--out FILE.json] [--backend wasm|cpu] [--tune-users all|N]
 *                   [--max-test-users N] [--dim 64] [--epochs 10] [--embedding-bits 8|4] [--sequence-epochs 2]
 *                   [--fine-tune-steps 10] [--fine-tune-lr 0.1]   (the sequence model's fine-tuning on the device; 0 steps: not tried)
 *
 *   npm run eval -- --products FEED --events FILE [--cold] [--text full|title] [--out FILE.json]
 *     (a shop's own data, split by time: see build-model.ts for the formats; --text title places new
 *     products by their title alone instead of title, brand, product type and description)
 *
 * DIR holds interactions.csv (user_idx,item_idx,position) and items.csv (item_idx,title|text).
 * Prints a table and writes the JSON report with --out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { coldVariant, DatasetError } from '../src/core/dataset';
import { BACKENDS, type BackendName } from '../src/shared/protocol';
import { badFineTuneSetting } from '../src/shared/model-manifest';
import { evaluate, evaluateSplit, type EvalReport } from './lib/evaluate';
import { readShop, SHOP_OPTIONS, shopFilesFromArgs } from './lib/shop-input';
import { EventsError, timedSequences, timeSplit, timeSplitFingerprints } from '../src/core/shop-events';
import { FeedError } from '../src/core/product-feed';
import { DEFAULT_SEQUENCE_EPOCHS, embeddingBits } from './lib/model-files';
import { DEFAULT_FINE_TUNE } from '../src/core/sequence-adapter';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' }, cold: { type: 'boolean', default: false }, out: { type: 'string' },
      ...SHOP_OPTIONS, text: { type: 'string', default: 'full' },
      backend: { type: 'string', default: 'wasm' }, 'tune-users': { type: 'string', default: 'all' },
      'max-test-users': { type: 'string', default: '0' }, dim: { type: 'string' }, epochs: { type: 'string' }, 'embedding-bits': { type: 'string' },
      'sequence-epochs': { type: 'string' }, 'fine-tune-steps': { type: 'string' }, 'fine-tune-lr': { type: 'string' },
    },
  });
  const shop = values.products !== undefined && values.events !== undefined;
  if (!values.data && !shop) {
    console.error('usage: npm run eval -- --data DIR [--cold] [--out FILE.json] [--backend wasm|cpu]\n' +
      '       npm run eval -- --products FEED --events FILE [--out FILE.json]   (a shop\'s own data, split by time)');
    process.exit(2);
  }
  if (!BACKENDS.includes(values.backend as BackendName)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
  tf.env().set('PROD', true); // no tfjs console advice in the report
  const model: Record<string, number> = {};
  if (values.dim) model.dim = Number(values.dim);
  if (values.epochs) model.epochs = Number(values.epochs);
  if (values['embedding-bits']) model.embeddingBits = embeddingBits(values['embedding-bits'])!;
  const fineTune = {
    ...DEFAULT_FINE_TUNE,
    ...(values['fine-tune-steps'] !== undefined ? { steps: Number(values['fine-tune-steps']) } : {}),
    ...(values['fine-tune-lr'] !== undefined ? { lr: Number(values['fine-tune-lr']) } : {}),
  };
  if (badFineTuneSetting(fineTune)) throw new Error('--fine-tune-steps and --fine-tune-lr must be numbers ≥ 0');
  const options = {
    cold: values.cold ?? false,
    backend: values.backend as BackendName,
    // Every validation shopper by default: the figures a reader reproduces are the tuned ones.
    tuneUsers: values['tune-users'] === 'all' ? Infinity : Number(values['tune-users']),
    maxTestUsers: Number(values['max-test-users']),
    sequenceEpochs: values['sequence-epochs'] === undefined ? DEFAULT_SEQUENCE_EPOCHS : Number(values['sequence-epochs']),
    fineTune,
    model,
    log: (line: string) => console.log(line),
  };
  let report: EvalReport;
  if (shop) {
    const data = await readShop(shopFilesFromArgs(values));
    // The protocol with time for position: each held-out shopper's latest item is the target.
    const sequences = timedSequences(data.events, data.items.length);
    const byTime = timeSplit(sequences, data.events.shopperIds);
    // The cold variant: every 20th product is new to the model (the protocol's item_idx % 20).
    const split = options.cold ? coldVariant(byTime) : byTime;
    const texts = values.text === 'title' ? data.items.map((it) => it.title) : data.texts;
    report = await evaluateSplit({
      name: basename(values.products!), items: data.items, texts, split,
      fingerprints: timeSplitFingerprints(byTime, data.events.shopperIds),
    }, options);
  } else {
    const dir = resolve(values.data!);
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch (err) {
        throw new DatasetError(`${join(dir, file)}: cannot be read (${(err as Error).message})`);
      }
    };
    report = await evaluate({ name: basename(dir), interactions: read('interactions.csv'), items: read('items.csv') }, options);
  }
  const m = report.metrics;
  console.log('');
  console.log(`| dataset | variant | users | HR@10 | NDCG@10 | HR@20 | MRR@100 |${report.variant === 'cold' ? ' cold HR@10 |' : ''} fold-in+score ms p50 / p95 | backend |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- |${report.variant === 'cold' ? ' --- |' : ''} --- | --- |`);
  console.log(
    `| ${report.dataset} | ${report.variant} | ${report.users} | ${m['hr@10'].toFixed(4)} | ${m['ndcg@10'].toFixed(4)} | ${m['hr@20'].toFixed(4)} | ${m['mrr@100'].toFixed(4)} |` +
      `${report.variant === 'cold' ? ` ${m['cold_hr@10']!.toFixed(4)} (${m.cold_users} users) |` : ''} ` +
      `${report.timing.fold_in_and_score_ms.p50} / ${report.timing.fold_in_and_score_ms.p95} | ${report.backend} |`,
  );
  if (m['product_hr@10'] !== undefined) {
    console.log(`with a card of the target's product counting (variant groups): HR@10 ${m['product_hr@10'].toFixed(4)}, NDCG@10 ${m['product_ndcg@10']!.toFixed(4)}`);
  }
  const d = report.diversity;
  console.log(`diversity (MMR λ ${d.lambda}): val HR@10 ${d['val_hr@10']} vs ${d['val_hr@10_undiversified']} undiversified (${(d.val_relative_change * 100).toFixed(1)}%); ` +
    `ILD@10 ${d['intra_list_diversity@10']} vs ${d['intra_list_diversity@10_undiversified']}; coverage@10 ${d['catalog_coverage@10']} vs ${d['catalog_coverage@10_undiversified']}`);
  console.log(`cold start HR@10 from the first 1 / 2 / 3 events: ${(['1', '2', '3'] as const).map((j) => report.cold_start_curve[j]['hr@10']).join(' / ')}`);
  console.log('');
  console.log('| same test shoppers | HR@10 | NDCG@10 | HR@20 | MRR@100 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, r] of [['Shelfwise', m] as const, ...Object.entries(report.references)]) {
    console.log(`| ${name} | ${r['hr@10'].toFixed(4)} | ${r['ndcg@10'].toFixed(4)} | ${r['hr@20'].toFixed(4)} | ${r['mrr@100'].toFixed(4)} |`);
  }
  if (report.ablation) {
    console.log('');
    console.log(`| ablation, ${report.validation?.users} validation users (fused scores only) | HR@10 | NDCG@10 |`);
    console.log('| --- | --- | --- |');
    for (const [name, r] of Object.entries(report.ablation)) console.log(`| ${name} | ${r['hr@10'].toFixed(4)} | ${r['ndcg@10'].toFixed(4)} |`);
  }
  const ft = report.fine_tuning;
  if (ft) {
    console.log(`\nsequence model fine-tuned on the device (${JSON.stringify(ft.settings)}), validation HR@10 / NDCG@10: ` +
      `${ft.val_with['hr@10']} / ${ft.val_with['ndcg@10']} with, ${ft.val_without['hr@10']} / ${ft.val_without['ndcg@10']} without: ` +
      `${ft.kept ? 'kept for the test users' : 'not kept'}; the sequence signal alone ${ft.sequence_alone.with['hr@10']} with, ${ft.sequence_alone.without['hr@10']} without; ` +
      `one shopper's signals ${ft.signals_ms_p50.with} ms p50 with the fit, ${ft.signals_ms_p50.without} without`);
  }
  console.log(`split: test_users_sha256 ${report.split.test_users_sha256}`);
  if (values.out) {
    writeFileSync(values.out, JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${values.out}`);
  }
}

main().catch((err: unknown) => {
  // Bad input names its file, line and field; a stack trace would only hide that.
  const named = err instanceof DatasetError || err instanceof FeedError || err instanceof EventsError;
  console.error(named ? `error: ${err.message}` : err);
  process.exit(1);
});
