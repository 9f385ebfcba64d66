/**
 * Builds a catalogue and base model, from the evaluation's dataset folder or from a shop's own
 * product feed and events export:
 *
 *   npm run build:model -- --data ../shared/data/amazon-videogames --out public [--fusion-from eval/amazon-videogames-main.json]
 *   npm run build:model -- --products FEED --events FILE --out DIR [--products-format gmc-tsv|gmc-xml|shopify-csv|shelfwise-json]
 *     [--currency EUR] [--events-format csv|jsonl] [--events-shopper-column C] [--events-item-column C] [--events-time-column C] [--events-type-column C]
 *     [--default-type purchase] [--trending-days 14] [--report FILE.json]
 *   model options: [--dim 64] [--epochs 10] [--alpha0 0.03] [--lambda 0.003] [--nu 1] [--k 20] [--seed 42] [--cg-steps 3] [--embedding-bits 8|4]
 *     [--sequence-epochs 2] (passes of the sequence model's training, src/core/sequence-model.ts; 0: none)
 *   item factors trained on Spark (a shop): [--factors DIR] — DIR as `itemFactors.write.json` writes it, plus DIR/item-ids.json
 *     (the StringIndexer labels); iALS is skipped (and --dim, --epochs, --seed, --cg-steps with it), everything else is
 *     computed from the events as usual. The export and the layout: src/core/spark-factors.ts.
 *   a catalogue too big for every device: [--layout partitioned] [--part-size 1000] — no catalog.json; the model in
 *     parts of about that many items, clustered by embedding, that a device fetches as it needs them (src/core/partitions.ts;
 *     needs --embedding-bits 4, the default)
 *
 * Trains on ALL shoppers (this is the shipped base model; the evaluation trains its own on training
 * shoppers only) and writes `<out>/catalog.json` and `<out>/model/` (the manifest and the files it lists; see
 * `src/core/model-codec.ts`). Binary files are little-endian; output is deterministic for a fixed seed
 * (set SOURCE_DATE_EPOCH to fix `createdAt` too). Nothing is written until everything has been read and trained.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSequences, parseDataset } from '../src/core/dataset';
import { categoryOf, inferCategoriesFromNeighbours } from '../src/core/category';
import { DEFAULT_BASE_MODEL_OPTIONS, trainBaseModel, type BaseModel } from '../src/core/base-model';
import { groupsByTitle } from '../src/core/title-groups';
import { EVENT_TYPES, recentTrending, timedSequences } from '../src/core/shop-events';
import { validateCatalog, type CatalogFile } from '../src/shared/catalog';
import { DEFAULT_FUSION, type FusionWeights, type SequenceFineTune } from '../src/shared/model-manifest';
import type { EvalReport } from './lib/evaluate';
import type { CatalogItem } from '../src/shared/protocol';
import { DEFAULT_SEQUENCE_EPOCHS, describeTraining, embeddingBits, serializeModel, serializePartitioned, trainSequence } from './lib/model-files';
import { PART_SIZE } from '../src/core/partitions';
import { productIndex, readShop, SHOP_OPTIONS, shopFilesFromArgs } from './lib/shop-input';
import { readSparkFactors } from './lib/spark-factors-input';

/** What a build trains on, from either kind of input. */
interface TrainingInput {
  /** Short name for the model version (`vg`, or the shop folder's name). */
  name: string;
  items: CatalogItem[];
  /** Per item, the text that places items without history (title, or title + brand + type + description). */
  texts: string[];
  sequences: Int32Array[];
  /** One sentence on the data, for the manifest's `source` and the catalogue's. */
  describe: string;
  catalogSource: string;
  /** Replaces the model's trending (a shop's export has times: its last days trend). */
  trending?: Float32Array;
  /** What `trending` counts, for the manifest's `source`. */
  trendingDescription?: string;
  /** Completes the catalogue once the model is trained (the demo infers categories from neighbours). */
  finishCatalog?: (model: BaseModel) => CatalogItem[];
  /** Figures for the build report. */
  report: Record<string, unknown>;
  /** Catalogue index of a product id (aliases included), for `--factors`; a shop's input only. */
  resolveItem?: (id: string) => number | undefined;
}

const USAGE =
  'usage: npm run build:model -- --products FEED --events FILE --out DIR   (a shop)\n' +
  '       npm run build:model -- --data DATASET_DIR --out DIR               (the evaluation format)\n' +
  'see the header of scripts/build-model.ts for every option';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...SHOP_OPTIONS, data: { type: 'string' }, out: { type: 'string', default: 'public' },
      'trending-days': { type: 'string' }, report: { type: 'string' }, name: { type: 'string' },
      dim: { type: 'string' }, epochs: { type: 'string' }, alpha0: { type: 'string' }, lambda: { type: 'string' },
      nu: { type: 'string' }, k: { type: 'string' }, seed: { type: 'string' }, 'cg-steps': { type: 'string' }, 'embedding-bits': { type: 'string' },
      'fusion-from': { type: 'string' }, factors: { type: 'string' }, layout: { type: 'string' }, 'part-size': { type: 'string' },
      'sequence-epochs': { type: 'string' },
    },
  });
  const shop = values.products !== undefined || values.events !== undefined;
  if ((values.data === undefined) === !shop || (shop && (!values.products || !values.events)) || (values.factors !== undefined && !shop)) {
    console.error(USAGE);
    process.exit(2);
  }
  if (values.factors !== undefined) {
    // These only steer iALS; accepting them silently would suggest they changed the model.
    const iALSOnly = (['dim', 'epochs', 'seed', 'cg-steps'] as const).filter((f) => values[f] !== undefined);
    if (iALSOnly.length) throw new Error(`${iALSOnly.map((f) => `--${f}`).join(', ')}: not used with --factors (the factors' width is the dimension)`);
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new Error(`--${name} must be a number, got ${v}`);
    return x;
  };
  const layout = values.layout ?? 'whole';
  if (layout !== 'whole' && layout !== 'partitioned') throw new Error(`--layout must be whole or partitioned, got ${layout}`);
  const partSize = num(values['part-size'], 'part-size');
  if (partSize !== undefined && !(Number.isInteger(partSize) && partSize > 0)) throw new Error(`--part-size must be a positive integer, got ${values['part-size']}`);
  const defaults = DEFAULT_BASE_MODEL_OPTIONS;
  const opts = {
    ...defaults,
    dim: num(values.dim, 'dim') ?? defaults.dim,
    epochs: num(values.epochs, 'epochs') ?? defaults.epochs,
    alpha0: num(values.alpha0, 'alpha0') ?? defaults.alpha0,
    lambda: num(values.lambda, 'lambda') ?? defaults.lambda,
    nu: num(values.nu, 'nu') ?? defaults.nu,
    k: num(values.k, 'k') ?? defaults.k,
    seed: num(values.seed, 'seed') ?? defaults.seed,
    cgSteps: num(values['cg-steps'], 'cg-steps') ?? defaults.cgSteps,
    embeddingBits: embeddingBits(values['embedding-bits']) ?? defaults.embeddingBits,
  };
  const outDir = resolve(values.out!);
  const modelDir = join(outDir, 'model');
  const t0 = Date.now();
  const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
  const log = (text: string) => console.log(`[${secs()} s] ${text}`);

  const input = values.data
    ? fromDataset(resolve(values.data))
    : await fromShop({
      ...shopFilesFromArgs(values),
      trendingDays: num(values['trending-days'], 'trending-days') ?? 14,
      name: values.name ?? basename(outDir),
    }, log);
  const nItems = input.items.length;

  const factors = values.factors ? readSparkFactors(resolve(values.factors), nItems, input.resolveItem!) : undefined;
  if (factors) {
    log(`${values.factors}: ${factors.rows} Spark item factors (d=${factors.dim}, ${factors.files} part files) → ${factors.placed} of ${nItems} products` +
      `${factors.merged ? ` (${factors.merged} rows averaged into a product another row named)` : ''}; ${factors.missing} products without a row` +
      ` (placed by their text); ${factors.unknown} rows for products not in the feed` +
      (factors.unknown ? ` (e.g. ${factors.unknownExamples.map((x) => JSON.stringify(x)).join(', ')})` : ''));
  }
  const model = trainBaseModel(input.sequences, nItems, {
    ...opts, itemFactors: factors?.factors, onProgress: (stage, detail) => log(`${stage}: ${detail}`),
  }, input.texts);
  if (input.trending) model.trending = input.trending;
  const catalog: CatalogFile = validateCatalog({
    format: 'shelfwise-catalog', version: 1, source: input.catalogSource, items: input.finishCatalog?.(model) ?? input.items,
  });
  const catalogBytes = Buffer.from(JSON.stringify(catalog));
  const groups = new Set(catalog.items.map((it) => it.group).filter((g) => g !== undefined)).size;
  log(`catalog.json: ${nItems} items (${groups} variant groups), ${kb(catalogBytes.length)}`);

  // Fusion weights tuned on validation users by an evaluation run (`npm run eval -- --out F`).
  // With them, the sequence model's fine-tuning on the device, if that evaluation kept it.
  const { fusion, sequenceFineTune } = values['fusion-from'] ? fusionFrom(values['fusion-from']) : { fusion: DEFAULT_FUSION, sequenceFineTune: undefined };
  console.log(`  fusion weights${values['fusion-from'] ? ` (from ${values['fusion-from']})` : ' (defaults)'}: ${JSON.stringify(fusion)}`);
  if (sequenceFineTune) console.log(`  the sequence model fine-tuned on the device: ${JSON.stringify(sequenceFineTune)}`);
  const created = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date();
  const o = model.options;
  const training = describeTraining(model, {
    embeddings: factors && `Embeddings: Spark MLlib ALS item factors from ${basename(resolve(values.factors!))} (d=${model.dim}; ` +
      `${factors.placed} of ${nItems} products, the rest placed by their text); fold-in alpha0=${o.alpha0}, lambda=${o.lambda}, nu=${o.nu}`,
    trending: input.trendingDescription,
  });
  const meta = {
    version: `${input.name}-${created.toISOString().slice(0, 10).replaceAll('-', '')}-d${model.dim}`,
    createdAt: created.toISOString(),
    source: `${input.describe} ${training}`,
    fusion,
    sequenceFineTune,
  };
  // The sequence model (issue 17) on every shopper's sequence; not in a partitioned model yet.
  const sequenceEpochs = num(values['sequence-epochs'], 'sequence-epochs') ?? DEFAULT_SEQUENCE_EPOCHS;
  const sequence = layout === 'whole' ? await trainSequence(model, input.sequences, sequenceEpochs, log) : undefined;
  const built = layout === 'partitioned' ? serializePartitioned(model, catalog.items, meta, partSize) : serializeModel(model, catalog.items, meta, sequence);
  const { manifest, files } = built;
  // Written so that a shop serving the folder never serves a half-written build: first the new
  // files (their names carry their hash, so the previous build's stay intact), then the manifest,
  // then the catalogue (each through a temporary name and a rename), and only then the previous
  // build's files go.
  mkdirSync(modelDir, { recursive: true });
  let total = layout === 'whole' ? catalogBytes.length : 0;
  let shardBytes = 0;
  for (const [path, bytes] of files) {
    if (path !== 'manifest.json') writeFileSync(join(modelDir, path), bytes);
    total += bytes.length;
    if (/^(shard|part|dir)-/.test(path)) {
      shardBytes += bytes.length;
      continue;
    }
    const entry = 'files' in manifest ? Object.values(manifest.files).find((f) => f.path === path) : undefined;
    console.log(`  ${path.padEnd(34)} ${kb(bytes.length).padStart(10)}${entry ? `  ${entry.dtype} [${entry.shape}]` : ''}`);
  }
  replaceFile(join(modelDir, 'manifest.json'), files.get('manifest.json')!);
  // A partitioned model's catalogue is in its parts; a catalog.json of an earlier build stays for pages that name it.
  if (layout === 'whole') replaceFile(join(outDir, 'catalog.json'), catalogBytes);
  for (const f of readdirSync(modelDir)) if (!files.has(f)) rmSync(join(modelDir, f));
  if ('shards' in manifest) {
    console.log(`  ${manifest.shards.files.length} neighbour shards of ${manifest.shards.rowsPerShard} rows (${manifest.shards.indexDtype} ids, uint8 weights) ${kb(shardBytes).padStart(10)}`);
    log(`wrote ${outDir}/catalog.json and ${modelDir}/ (manifest ${manifest.version}); total ${kb(total)}`);
  } else {
    const { count, buckets } = manifest.partitions;
    console.log(`  ${count} parts (about ${partSize ?? PART_SIZE} items each: entries, 4-bit embeddings, neighbour rows) and ${buckets} id directory buckets ${kb(shardBytes).padStart(10)}`);
    log(`wrote ${modelDir}/ (partitioned, manifest ${manifest.version}); total ${kb(total)}`);
  }
  console.log(`  timing: ${Object.entries(model.timing).map(([s, t]) => `${s} ${t.toFixed(1)} s`).join(', ')}`);
  const withoutHistory = model.popularity.reduce((n, p) => n + (p > 0 ? 0 : 1), 0);
  const report = {
    ...input.report,
    ...(factors ? {
      factors: {
        dir: values.factors, files: factors.files, rows: factors.rows, dim: factors.dim, placed: factors.placed, missing: factors.missing,
        unknownProduct: factors.unknown, examples: factors.unknownExamples, merged: factors.merged,
      },
    } : {}),
    items: nItems, variantGroups: groups, itemsWithoutHistory: withoutHistory,
    model: { version: manifest.version, bytes: total }, seconds: Number(secs()), timing: model.timing,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(`  items without history (placed by their text): ${withoutHistory}; peak memory ${report.peakRssMB} MB`);
  if (values.report) writeFileSync(values.report, JSON.stringify(report, null, 2) + '\n');
}

/** The evaluation's dataset folder (docs/evaluation-protocol.md): the demo shop. */
function fromDataset(dataDir: string): TrainingInput {
  const { interactions, items } = parseDataset(
    { text: readFileSync(join(dataDir, 'interactions.csv'), 'utf8'), fileName: 'interactions.csv' },
    { text: readFileSync(join(dataDir, 'items.csv'), 'utf8'), fileName: 'items.csv' },
  );
  // All users, including short histories: every interaction teaches the item side something.
  const sequences = buildSequences(interactions, 1);
  console.log(`read ${interactions.count} interactions, ${interactions.nUsers} users, ${items.nItems} items`);
  const datasetName = basename(dataDir);
  const entries = items.titles.map((title, i) => ({ id: `vg-${i}`, title }));
  // No variant attribute: editions of one title (platforms, colours, codes) are one product.
  const groups = groupsByTitle(entries);
  return {
    name: 'vg',
    items: entries,
    texts: items.titles,
    sequences,
    describe: `${datasetName}: ${interactions.count} interactions of ${interactions.nUsers} users (all users; per-user sequences ordered by position, repeats removed).`,
    catalogSource: `${datasetName} (items.csv; category = platform named in the title, else the majority platform of its co-occurrence neighbours; group = editions of one title)`,
    // The platform from the title, else from what the item is bought with.
    finishCatalog: (model) => {
      const fromTitles = items.titles.map((title) => categoryOf(title));
      const categories = inferCategoriesFromNeighbours(fromTitles, model.cooc.index, model.cooc.weight, model.k);
      return entries.map((it, i) => ({ ...it, category: categories[i], ...(groups[i] ? { group: groups[i] } : {}) }));
    },
    report: { input: 'dataset', interactions: interactions.count, shoppers: interactions.nUsers },
  };
}

/** A shop's product feed and events export. */
async function fromShop(
  files: Parameters<typeof readShop>[0] & { trendingDays: number; name: string },
  log: (text: string) => void,
): Promise<TrainingInput> {
  const shop = await readShop(files);
  const { feed, events } = shop;
  log(`${basename(files.products)}: ${feed.format}, ${feed.stats.rows} rows → ${feed.stats.products} products ` +
    `(${feed.stats.groups} variant groups, ${feed.stats.withImage} with an image, ${feed.stats.withPrice} with a price, ${feed.stats.unavailable} unavailable)`);
  const unknown = events.skipped.unknownItem;
  log(`${basename(files.events)}: ${events.count} events kept (${EVENT_TYPES.map((t) => `${events.byType[t]} ${t}`).join(', ')}) ` +
    `of ${events.shopperIds.length} shoppers; ${unknown} skipped for a product not in the feed` +
    (unknown ? ` (e.g. ${events.skipped.unknownItemExamples.map((x) => JSON.stringify(x)).join(', ')})` : ''));
  const sequences = timedSequences(events, shop.items.length);
  const trend = recentTrending(events, shop.items.length, files.trendingDays);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  let index: Map<string, number> | undefined;
  log(`trending: events of the last ${files.trendingDays} days of the file, ${day(trend.from)} to ${day(trend.to)}`);
  return {
    name: files.name,
    items: shop.items,
    texts: shop.texts,
    sequences,
    trending: trend.scores,
    trendingDescription: `events of the last ${files.trendingDays} days of the events file (${day(trend.from)} to ${day(trend.to)})`,
    describe: `${basename(files.products)} (${feed.format}) and ${basename(files.events)}: ${events.count} events of ${events.shopperIds.length} ` +
      `shoppers from ${day(events.firstTime)} to ${day(events.lastTime)} (per-shopper sequences ordered by time, repeats removed).`,
    catalogSource: `${basename(files.products)} (${feed.format})`,
    // For --factors: product id (or alias) → catalogue index; the map is built on first use.
    resolveItem: (id) => (index ??= productIndex(feed.products)).get(id),
    report: {
      input: 'shop', products: { file: files.products, format: feed.format, ...feed.stats, seconds: shop.seconds.products },
      events: {
        file: files.events, kept: events.count, shoppers: events.shopperIds.length, byType: events.byType,
        skipped: { unknownProduct: unknown, examples: events.skipped.unknownItemExamples, blankLines: events.skipped.blankLines },
        from: new Date(events.firstTime).toISOString(), to: new Date(events.lastTime).toISOString(), seconds: shop.seconds.events,
      },
      trending: { days: files.trendingDays, from: new Date(trend.from).toISOString(), to: new Date(trend.to).toISOString() },
    },
  };
}

function fusionFrom(file: string): { fusion: FusionWeights; sequenceFineTune?: SequenceFineTune } {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Partial<Pick<EvalReport, 'config' | 'fine_tuning'>>;
  const fusion = report.config?.fusion;
  if (!fusion || !report.config?.tuned) throw new Error(`${file}: not an evaluation report with tuned fusion weights`);
  return { fusion: { ...DEFAULT_FUSION, ...fusion }, sequenceFineTune: report.fine_tuning?.kept ? report.fine_tuning.settings : undefined };
}

/** Writes a file whole or not at all: a temporary file beside it, then a rename. */
function replaceFile(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

function kb(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

main().catch((err: unknown) => {
  // Bad input names its file, line and field; a stack trace would only hide that.
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
