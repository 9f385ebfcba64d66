/**
 * The offline evaluation of docs/evaluation-protocol.md, run through the engine the worker runs:
 * train the base model on training users (the `build-model` code), serve it to an Engine from
 * memory, tune the fusion weights on validation users, then fold each test user's history in
 * and rank the whole catalogue with `Engine.scoreHistory`.
 */
import { DEFAULT_BASE_MODEL_OPTIONS, trainBaseModel, type BaseModel, type BaseModelOptions } from '../../src/core/base-model';
import { buildSequences, parseDataset, splitFingerprints, splitSequences, type DatasetSplit } from '../../src/core/dataset';
import { groupsByTitle } from '../../src/core/title-groups';
import { DEFAULT_FUSION, SIGNAL_NAMES, type FusionWeights, type SequenceFineTune } from '../../src/shared/model-manifest';
import { MetricsMean, quantile, rankOfTarget, round4, type RankingMetrics } from '../../src/core/metrics';
import { evaluateWeights, tuneFusionWeights, tuningCase, tuningScore, type TuningCase } from '../../src/core/tune-fusion';
import { createEngine, DIVERSITY_LAMBDA, type Engine } from '../../src/engine/engine';
import type { CatalogFile } from '../../src/shared/catalog';
import type { BackendName, CatalogItem, ShopperEventInput } from '../../src/shared/protocol';
import { MemoryEventLog } from '../../src/store/event-log';
import { DEFAULT_SEQUENCE_EPOCHS, describeTraining, serializeModel, trainSequence } from './model-files';
import type { SequenceWeights } from '../../src/core/sequence-model';
import { DEFAULT_FINE_TUNE } from '../../src/core/sequence-adapter';
import { NODE_WASM_DIR } from './node-wasm';

export interface EvalOptions {
  cold: boolean;
  backend: BackendName;
  /** Validation users used for tuning the fusion weights (0 = no tuning: the defaults). */
  tuneUsers: number;
  /** Evaluate only the first N test users (for quick runs and tests); 0 = all. */
  maxTestUsers: number;
  model: Partial<Omit<BaseModelOptions, 'onProgress'>>;
  /** Passes of the sequence model's training over the training split (0: none; `DEFAULT_SEQUENCE_EPOCHS` by default). */
  sequenceEpochs?: number;
  /** A sequence model trained before on this split's training users (its training is skipped): experiments. */
  sequence?: SequenceWeights;
  /**
   * The sequence model's fine-tuning on the device to try on the validation users (default
   * `DEFAULT_FINE_TUNE`; steps 0: not tried). Kept for the test users only if it helps there by
   * `FINE_TUNE_MIN_GAIN`.
   */
  fineTune?: SequenceFineTune;
  log: (line: string) => void;
}


export interface EvalReport {
  dataset: string;
  variant: 'main' | 'cold';
  users: number;
  /**
   * The protocol's metrics (the target item itself), and in a catalogue with variant groups the
   * same with a card of the target's product counting (`product_hr@10`, `product_ndcg@10`).
   */
  metrics: RankingMetrics & { 'cold_hr@10'?: number; cold_users?: number; 'product_hr@10'?: number; 'product_ndcg@10'?: number };
  validation?: RankingMetrics & { users: number };
  split: { test_users_sha256: string; val_users_sha256: string; train_users: number; items: number };
  config: { model: Omit<BaseModelOptions, 'onProgress'>; fusion: FusionWeights; event_type: string; tuned: boolean; sequence_model: boolean };
  /**
   * What each signal is worth, on the validation users the weights were tuned on (fused scores
   * only: no rules, groups or diversity): all signals, each removed in turn, and each alone.
   */
  ablation?: Record<string, RankingMetrics>;
  /**
   * The sequence model fine-tuned per shopper on the device, tried on the validation users:
   * tuned without it and with it (its own fusion weights), and whether the test lists used it.
   */
  fine_tuning?: {
    settings: SequenceFineTune;
    kept: boolean;
    val_without: RankingMetrics;
    val_with: RankingMetrics;
    fusion_with: FusionWeights;
    /** The sequence signal alone, without and with the fit. */
    sequence_alone: { without: RankingMetrics; with: RankingMetrics };
    /** One validation user's signals (fold-in, sequence model and the rest), without and with the fit, ms p50. */
    signals_ms_p50: { without: number; with: number };
  };
  /** Simple central recommenders on the same test shoppers (`referenceMetrics`). */
  references: Record<string, RankingMetrics>;
  /** MMR diversity: its cost in HR@10 on validation users, and what it buys on the test lists. */
  diversity: {
    lambda: number;
    'val_hr@10_undiversified': number;
    'val_hr@10': number;
    /** (diversified − undiversified) / undiversified on validation users. */
    val_relative_change: number;
    /** Mean over test users of the top 10's mean pairwise dissimilarity (1 − cosine). */
    'intra_list_diversity@10': number;
    'intra_list_diversity@10_undiversified': number;
    /** Share of the catalogue in any test user's top 10. */
    'catalog_coverage@10': number;
    'catalog_coverage@10_undiversified': number;
  };
  /** Cold start: HR@10 of the next item from a test user's first 1, 2, 3 events. */
  cold_start_curve: Record<'1' | '2' | '3', { 'hr@10': number; users: number }>;
  timing: { base_training_s: number; sequence_training_s: number; tuning_s: number; fold_in_and_score_ms: { p50: number; p95: number; mean: number } };
  backend: string;
}


/** What a dataset interaction becomes in the shopper's log: "bought or reviewed" is a purchase. */
const EVENT_TYPE = 'purchase' as const;

export async function evaluate(
  dataset: { name: string; interactions: string; items: string },
  opts: EvalOptions,
): Promise<EvalReport> {
  const { interactions, items } = parseDataset(
    { text: dataset.interactions, fileName: 'interactions.csv' },
    { text: dataset.items, fileName: 'items.csv' },
  );
  const sequences = buildSequences(interactions, 3);
  const entries = items.titles.map((title, i) => ({ id: String(i), title: title || `item ${i}` }));
  // The catalogue as `build:model` ships it: editions of one title are one product.
  const groups = groupsByTitle(entries);
  return evaluateSplit({
    name: dataset.name,
    items: entries.map((it, i) => (groups[i] ? { ...it, group: groups[i] } : it)),
    texts: items.titles,
    split: splitSequences(sequences, { cold: opts.cold }),
    fingerprints: splitFingerprints(sequences),
  }, opts);
}

/** A split dataset with its catalogue: from the protocol's CSVs, or a shop's feed and events split by time. */
export interface EvalInput {
  name: string;
  /** Catalogue entries in item-index order. */
  items: CatalogItem[];
  /** Per item, the text that places items without history. */
  texts: readonly string[];
  split: DatasetSplit;
  fingerprints: { test_users_sha256: string; val_users_sha256: string };
  /** Replaces the trained model's trending (a shop's last days). */
  trending?: Float32Array;
}

/** Trains on the split's training shoppers, tunes on validation shoppers, and ranks for the test shoppers. */
export async function evaluateSplit(input: EvalInput, opts: EvalOptions): Promise<EvalReport> {
  const { split } = input;
  const nItems = input.items.length;
  opts.log(`${input.name}: ${nItems} items, ${split.trainUsers.length} training / ${split.val.users.length} validation / ${split.test.users.length} test users${opts.cold ? ' (cold-item variant)' : ''}`);

  const t0 = performance.now();
  const modelOptions = { ...DEFAULT_BASE_MODEL_OPTIONS, ...opts.model };
  const model = trainBaseModel(split.train, nItems, { ...modelOptions, onProgress: (stage, detail) => opts.log(`  train ${stage}: ${detail}`) }, input.texts);
  if (input.trending) model.trending = input.trending;
  const trainingSeconds = (performance.now() - t0) / 1000;
  const t2 = performance.now();
  const sequence = opts.sequence ?? await trainSequence(model, split.train, opts.sequenceEpochs ?? DEFAULT_SEQUENCE_EPOCHS, opts.log);
  const sequenceSeconds = (performance.now() - t2) / 1000;

  const ids = input.items.map((it) => it.id);
  const catalog: CatalogFile = { format: 'shelfwise-catalog', version: 1, items: input.items };
  const engine = await startEngine(catalog, model, opts.backend, sequence);
  const backend = engine.status().backend ?? 'js';
  const events = (seq: ArrayLike<number>): ShopperEventInput[] => Array.from(seq, (i) => ({ type: EVENT_TYPE, itemId: ids[i] }));

  // Tuning on validation users only.
  let fusion = { ...DEFAULT_FUSION };
  let validation: EvalReport['validation'];
  let ablation: EvalReport['ablation'];
  let fineTuning: EvalReport['fine_tuning'];
  /** The fine-tuning the test lists use: none unless it helped the validation users. */
  let fineTune: SequenceFineTune | null = null;
  const t1 = performance.now();
  if (opts.tuneUsers > 0 && split.val.users.length > 0) {
    const n = Math.min(opts.tuneUsers, split.val.users.length);
    const casesWith = async (f: SequenceFineTune | null) => {
      const cases: TuningCase[] = [], ms: number[] = [];
      for (let v = 0; v < n; v++) {
        const start = performance.now();
        const { signals } = await engine.scoreHistory(events(split.val.foldIn[v]), fusion, 100, undefined, f);
        ms.push(performance.now() - start);
        cases.push(tuningCase(signals, split.val.target[v], split.val.foldIn[v]));
      }
      return { cases, ms: round4(quantile(ms, 0.5)) };
    };
    const plain = await casesWith(null);
    const tuned = tuneFusionWeights(plain.cases, fusion);
    fusion = tuned.weights;
    validation = { ...tuned.metrics, users: n };
    ablation = ablate(plain.cases, fusion);
    opts.log(`  tuned fusion on ${n} validation users (${tuned.trials} trials): ${JSON.stringify(fusion)} → val HR@10 ${tuned.metrics['hr@10']}`);
    const settings = opts.fineTune ?? DEFAULT_FINE_TUNE;
    if (sequence && settings.steps > 0) {
      const adapted = await casesWith(settings);
      const withFit = tuneFusionWeights(adapted.cases, fusion);
      const kept = tuningScore(withFit.metrics) > tuningScore(tuned.metrics) * (1 + FINE_TUNE_MIN_GAIN);
      const alone = (cases: TuningCase[]) => evaluateWeights(cases, { ...NO_SIGNALS, sequence: 1 });
      fineTuning = {
        settings, kept, val_without: tuned.metrics, val_with: withFit.metrics, fusion_with: withFit.weights,
        sequence_alone: { without: alone(plain.cases), with: alone(adapted.cases) },
        signals_ms_p50: { without: plain.ms, with: adapted.ms },
      };
      opts.log(`  fine-tuning on the device (${JSON.stringify(settings)}): val HR@10 ${withFit.metrics['hr@10']} / NDCG@10 ${withFit.metrics['ndcg@10']} against ${tuned.metrics['hr@10']} / ${tuned.metrics['ndcg@10']}: ${kept ? 'kept' : 'not kept'}`);
      if (kept) {
        fineTune = settings;
        fusion = withFit.weights;
        validation = { ...withFit.metrics, users: n };
      }
    }
  }
  const tuningSeconds = (performance.now() - t1) / 1000;

  /** The target's rank in the list as shown; past its end only "> 100" matters. */
  const sameProduct = productMatcher(input.items);
  const rankFor = async (foldIn: ArrayLike<number>, target: number, lambda?: number) => {
    const r = await engine.scoreHistory(events(foldIn), fusion, 100, lambda, fineTune);
    const shown = r.top.indexOf(target);
    const rank = shown >= 0 ? shown + 1 : Math.max(r.top.length + 1, rankOfTarget(r.scores, target, foldIn));
    // A card for the target's product (another variant of it) is what the shopper clicks through.
    const card = r.top.findIndex((i) => sameProduct(i, target));
    return { ...r, rank, productRank: card >= 0 ? card + 1 : rank };
  };

  // What diversity costs, measured where tuning happens: on validation users.
  const valPlain = new MetricsMean();
  const valDiverse = new MetricsMean();
  const nVal = Math.min(Math.max(opts.tuneUsers, 500), split.val.users.length);
  for (let v = 0; v < nVal; v++) {
    valPlain.add((await rankFor(split.val.foldIn[v], split.val.target[v], 1)).rank);
    valDiverse.add((await rankFor(split.val.foldIn[v], split.val.target[v])).rank);
  }

  const all = new MetricsMean();
  const product = new MetricsMean();
  const cold = new MetricsMean();
  const times: number[] = [];
  let ild = 0, ildPlain = 0;
  const covered = new Set<number>(), coveredPlain = new Set<number>();
  const nTest = opts.maxTestUsers > 0 ? Math.min(opts.maxTestUsers, split.test.users.length) : split.test.users.length;
  for (let t = 0; t < nTest; t++) {
    const foldIn = split.test.foldIn[t];
    const target = split.test.target[t];
    const start = performance.now();
    const { rank, productRank, top, diversity } = await rankFor(foldIn, target);
    product.add(productRank);
    times.push(performance.now() - start);
    all.add(rank);
    if (split.isCold?.(target)) cold.add(rank);
    ild += diversity;
    for (const i of top.slice(0, 10)) covered.add(i);
    const plain = await engine.scoreHistory(events(foldIn), fusion, 10, 1, fineTune);
    ildPlain += plain.diversity;
    for (const i of plain.top) coveredPlain.add(i);
    if ((t + 1) % 1000 === 0) opts.log(`  ${t + 1}/${nTest} test users, HR@10 so far ${all.mean()['hr@10']}`);
  }

  // Cold start: the first j events of each test user with at least j + 1, and the next item.
  const curve = {} as EvalReport['cold_start_curve'];
  for (const j of [1, 2, 3] as const) {
    const m = new MetricsMean();
    for (let t = 0; t < nTest; t++) {
      const seq = [...split.test.foldIn[t], split.test.target[t]];
      if (seq.length > j) m.add((await rankFor(seq.slice(0, j), seq[j])).rank);
    }
    curve[j] = { 'hr@10': m.mean()['hr@10'], users: m.count };
    opts.log(`  cold start, first ${j} event(s): HR@10 ${curve[j]['hr@10']} (${m.count} users)`);
  }
  const metrics: EvalReport['metrics'] = all.mean();
  if (input.items.some((it) => it.group !== undefined)) {
    const p = product.mean();
    metrics['product_hr@10'] = p['hr@10'];
    metrics['product_ndcg@10'] = p['ndcg@10'];
  }
  const references = referenceMetrics(model, input.items, split, nTest);
  opts.log(`  references on the same test shoppers: ${Object.entries(references).map(([k, m]) => `${k} HR@10 ${m['hr@10']}`).join(', ')}`);
  if (opts.cold) {
    metrics['cold_hr@10'] = cold.mean()['hr@10'];
    metrics.cold_users = cold.count;
  }
  opts.log(`  model: ${describeTraining(model)}`);
  return {
    dataset: input.name,
    variant: opts.cold ? 'cold' : 'main',
    users: all.count,
    metrics,
    validation,
    split: { ...input.fingerprints, train_users: split.trainUsers.length, items: nItems },
    config: { model: modelOptions, fusion, event_type: EVENT_TYPE, tuned: validation !== undefined, sequence_model: sequence !== undefined },
    ...(ablation ? { ablation } : {}),
    ...(fineTuning ? { fine_tuning: fineTuning } : {}),
    diversity: {
      lambda: DIVERSITY_LAMBDA,
      'val_hr@10_undiversified': valPlain.mean()['hr@10'],
      'val_hr@10': valDiverse.mean()['hr@10'],
      val_relative_change: round4((valDiverse.mean()['hr@10'] - valPlain.mean()['hr@10']) / Math.max(valPlain.mean()['hr@10'], 1e-9)),
      'intra_list_diversity@10': round4(ild / Math.max(nTest, 1)),
      'intra_list_diversity@10_undiversified': round4(ildPlain / Math.max(nTest, 1)),
      'catalog_coverage@10': round4(covered.size / nItems),
      'catalog_coverage@10_undiversified': round4(coveredPlain.size / nItems),
    },
    cold_start_curve: curve,
    references,
    timing: {
      base_training_s: round4(trainingSeconds),
      sequence_training_s: round4(sequenceSeconds),
      tuning_s: round4(tuningSeconds),
      fold_in_and_score_ms: { p50: round4(quantile(times, 0.5)), p95: round4(quantile(times, 0.95)), mean: round4(times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1)) },
    },
    backend,
  };
}

/**
 * The relative gain in HR@10 + NDCG@10 on validation shoppers for which fine-tuning on the device
 * is kept: it costs every shopper a fit after each event, and a smaller gain is a handful of
 * shoppers out of thousands (the demo's main variant: +1 hit in 5,055, 2026-12-03).
 */
export const FINE_TUNE_MIN_GAIN = 0.01;

const NO_SIGNALS = Object.fromEntries(SIGNAL_NAMES.map((s) => [s, 0])) as FusionWeights;

/** The tuned fusion on the tuning cases: as tuned, without each signal, and each signal alone. */
function ablate(cases: TuningCase[], fusion: FusionWeights): Record<string, RankingMetrics> {
  const present = SIGNAL_NAMES.filter((name) => fusion[name] !== 0 && cases.some((c) => c.z[name] !== undefined));
  const out: Record<string, RankingMetrics> = { all: evaluateWeights(cases, fusion) };
  for (const name of present) out[`without ${name}`] = evaluateWeights(cases, { ...fusion, [name]: 0 });
  for (const name of present) {
    out[`${name} alone`] = evaluateWeights(cases, { ...NO_SIGNALS, [name]: 1 });
  }
  return out;
}

/**
 * Two simple central recommenders on the same split, so a shop sees what Shelfwise adds:
 * MostPop (training popularity) and item-to-item (the sum of the fold-in items' top-k
 * co-occurrence neighbours, the model's own table). Full ranking, ties against, like ours, and
 * held to the rules the shop's carousels follow: an unavailable item, or another variant of a
 * product in the shopper's history, is never shown, so a target that is one is a miss for them too.
 */
function referenceMetrics(model: BaseModel, items: readonly CatalogItem[], split: DatasetSplit, nTest: number): EvalReport['references'] {
  const pop = new MetricsMean();
  const itemToItem = new MetricsMean();
  const scores = new Float32Array(model.nItems);
  const { index, weight } = model.cooc;
  const unavailable = items.flatMap((it, i) => (it.available === false ? [i] : []));
  const members = new Map<string, number[]>();
  items.forEach((it, i) => it.group !== undefined && members.set(it.group, [...(members.get(it.group) ?? []), i]));
  for (let t = 0; t < nTest; t++) {
    const foldIn = split.test.foldIn[t], target = split.test.target[t];
    const shown = new Set<number>(unavailable);
    for (const i of foldIn) for (const j of members.get(items[i].group ?? '') ?? []) shown.add(j);
    const hidden = shown.has(target);
    for (const i of foldIn) shown.add(i);
    const rank = (s: ArrayLike<number>) => (hidden ? model.nItems + 1 : rankOfTarget(s, target, [...shown]));
    pop.add(rank(model.popularity));
    scores.fill(0);
    for (const i of foldIn) for (let j = i * model.k; j < (i + 1) * model.k; j++) if (index[j] >= 0) scores[index[j]] += weight[j];
    itemToItem.add(rank(scores));
  }
  return { MostPop: pop.mean(), [`item-to-item (top-${model.k} co-occurrence)`]: itemToItem.mean() };
}

/** Whether item i is the target or another variant of the target's product. */
function productMatcher(items: readonly CatalogItem[]): (i: number, target: number) => boolean {
  return (i, target) => i === target || (items[target].group !== undefined && items[i].group === items[target].group);
}

/** An Engine over an in-memory catalogue and model, with an in-memory log: nothing persists. */
async function startEngine(catalog: CatalogFile, model: ReturnType<typeof trainBaseModel>, backend: BackendName, sequence?: SequenceWeights): Promise<Engine> {
  const base = 'memory://eval/';
  const { files } = serializeModel(model, catalog.items, {
    version: 'eval', createdAt: new Date(0).toISOString(), source: 'offline evaluation', fusion: DEFAULT_FUSION,
  }, sequence);
  const served = new Map<string, Uint8Array>([[`${base}catalog.json`, new TextEncoder().encode(JSON.stringify(catalog))]]);
  for (const [path, bytes] of files) served.set(`${base}model/${path}`, bytes);
  const engine = createEngine({
    baseUrl: base,
    log: new MemoryEventLog(),
    wasmPaths: NODE_WASM_DIR,
    fetchBytes: async (url) => {
      const bytes = served.get(url);
      if (!bytes) throw new Error(`not found: ${url}`);
      return bytes.slice().buffer;
    },
  });
  const status = await engine.init({ catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json', backend });
  await engine.whenIdle();
  const errors = engine.status().errors;
  if (!status.modelLoaded || errors.length > 0) throw new Error(`evaluation engine failed to start: ${errors.join('; ')}`);
  return engine;
}
