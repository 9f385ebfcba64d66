/**
 * Builds the demo catalogue and base model from a dataset folder (docs/evaluation-protocol.md):
 *
 *   npx tsx scripts/build-model.ts --data ../shared/data/amazon-videogames --out public [--dim 64]
 *     [--epochs 10] [--alpha0 0.03] [--lambda 0.003] [--nu 1] [--k 20] [--seed 42] [--cg-steps 3]
 *     [--fusion-from eval/amazon-videogames-main.json]
 *
 * Trains on ALL users (this is the shipped base model; the evaluation trains its own on training
 * users only) and writes `<out>/catalog.json` and `<out>/model/` (the manifest and the files it lists; see
 * `src/core/model-codec.ts`). Binary files are little-endian; output is deterministic for a fixed seed
 * (set SOURCE_DATE_EPOCH to fix `createdAt` too).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSequences, parseDataset } from '../src/core/dataset';
import { categoryOf, inferCategoriesFromNeighbours } from '../src/core/category';
import { DEFAULT_BASE_MODEL_OPTIONS, trainBaseModel } from '../src/core/base-model';
import { validateCatalog, type CatalogFile } from '../src/shared/catalog';
import { DEFAULT_FUSION, type FusionWeights } from '../src/shared/model-manifest';
import { describeTraining, serializeModel } from './lib/model-files';


function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' }, out: { type: 'string', default: 'public' },
      dim: { type: 'string' }, epochs: { type: 'string' }, alpha0: { type: 'string' }, lambda: { type: 'string' },
      nu: { type: 'string' }, k: { type: 'string' }, seed: { type: 'string' }, 'cg-steps': { type: 'string' },
      'fusion-from': { type: 'string' },
    },
  });
  if (!values.data) {
    console.error('usage: npx tsx scripts/build-model.ts --data <dataset folder> --out <public folder> [--dim 64]');
    process.exit(2);
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new Error(`--${name} must be a number, got ${v}`);
    return x;
  };
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
  };
  const dataDir = resolve(values.data);
  const outDir = resolve(values.out!);
  const modelDir = join(outDir, 'model');
  const t0 = Date.now();
  const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

  const { interactions, items } = parseDataset(
    { text: readFileSync(join(dataDir, 'interactions.csv'), 'utf8'), fileName: 'interactions.csv' },
    { text: readFileSync(join(dataDir, 'items.csv'), 'utf8'), fileName: 'items.csv' },
  );
  // All users, including short histories: every interaction teaches the item side something.
  const sequences = buildSequences(interactions, 1);
  const nItems = items.nItems;
  console.log(`[${secs()} s] read ${interactions.count} interactions, ${interactions.nUsers} users, ${nItems} items`);

  // Model.
  const model = trainBaseModel(sequences, nItems, {
    ...opts,
    onProgress: (stage, detail) => console.log(`[${secs()} s] ${stage}: ${detail}`),
  }, items.titles);
  // Catalogue: the platform from the title, else from what the item is bought with.
  const datasetName = basename(dataDir);
  const fromTitles = items.titles.map((title) => categoryOf(title));
  const categories = inferCategoriesFromNeighbours(fromTitles, model.cooc.index, model.cooc.weight, model.k);
  const counts = new Map<string, number>();
  for (const c of categories) counts.set(c, (counts.get(c) ?? 0) + 1);
  const catalog: CatalogFile = {
    format: 'shelfwise-catalog',
    version: 1,
    source: `${datasetName} (items.csv; category = platform named in the title, else the majority platform of its co-occurrence neighbours)`,
    items: items.titles.map((title, i) => ({ id: `vg-${i}`, title, category: categories[i] })),
  };
  validateCatalog(catalog);
  mkdirSync(modelDir, { recursive: true });
  const catalogBytes = Buffer.from(JSON.stringify(catalog));
  writeFileSync(join(outDir, 'catalog.json'), catalogBytes);
  const other = counts.get('Other') ?? 0;
  const titleOther = fromTitles.filter((c) => c === 'Other').length;
  console.log(`[${secs()} s] catalog.json: ${nItems} items, ${kb(catalogBytes.length)}; category from title ${(100 * (1 - titleOther / nItems)).toFixed(1)}%, with neighbours ${(100 * (1 - other / nItems)).toFixed(1)}%`);
  console.log('  ' + [...counts].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', '));

  // Fusion weights tuned on validation users by an evaluation run (`npm run eval -- --out F`).
  const fusion = values['fusion-from'] ? fusionFrom(values['fusion-from']) : DEFAULT_FUSION;
  console.log(`  fusion weights${values['fusion-from'] ? ` (from ${values['fusion-from']})` : ' (defaults)'}: ${JSON.stringify(fusion)}`);
  const created = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date();
  const { manifest, files } = serializeModel(model, catalog.items, {
    version: `vg-${created.toISOString().slice(0, 10).replaceAll('-', '')}-d${model.dim}`,
    createdAt: created.toISOString(),
    source:
      `${datasetName}: ${interactions.count} interactions of ${interactions.nUsers} users (all users; per-user sequences ` +
      `ordered by position, repeats removed). ${describeTraining(model)}`,
    fusion,
  });
  // The previous model's files go: names carry their hash, so stale ones would pile up.
  for (const f of readdirSync(modelDir)) if (!files.has(f)) rmSync(join(modelDir, f));
  let total = catalogBytes.length;
  let shardBytes = 0;
  for (const [path, bytes] of files) {
    writeFileSync(join(modelDir, path), bytes);
    total += bytes.length;
    if (path.startsWith('shard-')) {
      shardBytes += bytes.length;
      continue;
    }
    const entry = Object.values(manifest.files).find((f) => f.path === path);
    console.log(`  ${path.padEnd(34)} ${kb(bytes.length).padStart(10)}${entry ? `  ${entry.dtype} [${entry.shape}]` : ''}`);
  }
  console.log(`  ${manifest.shards.files.length} neighbour shards of ${manifest.shards.rowsPerShard} rows (${manifest.shards.indexDtype} ids, uint8 weights) ${kb(shardBytes).padStart(10)}`);
  console.log(`[${secs()} s] wrote ${outDir}/catalog.json and ${modelDir}/ (manifest ${manifest.version}); total ${kb(total)}`);
  console.log(`  timing: ${Object.entries(model.timing).map(([s, t]) => `${s} ${t.toFixed(1)} s`).join(', ')}`);
}

function fusionFrom(file: string): FusionWeights {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { config?: { fusion?: FusionWeights; tuned?: boolean } };
  const fusion = report.config?.fusion;
  if (!fusion || !report.config?.tuned) throw new Error(`${file}: not an evaluation report with tuned fusion weights`);
  return { ...DEFAULT_FUSION, ...fusion };
}

function kb(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

main();
