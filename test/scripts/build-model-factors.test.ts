import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { halfToFloat, unpackInt4 } from '../../src/core/quantize';
import { validateManifest } from '../../src/shared/model-manifest';
import { readSparkFactors, sparkPartFiles } from '../../scripts/lib/spark-factors-input';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Two part files, `_SUCCESS`, a `.crc` checksum and `item-ids.json` (labels A, B, C, D, OLD-1; factors for A, B, C, OLD-1; d = 4). */
const FACTORS = join(ROOT, 'test/fixtures/spark-factors');

/** Runs `npm run build:model -- …` as a merchant would (through tsx), in a fresh output folder. */
function build(args: string[], out = mkdtempSync(join(tmpdir(), 'shelfwise-build-'))) {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/build-model.ts'), ...args, '--sequence-epochs', '0', '--out', out], {
    encoding: 'utf8', cwd: ROOT, timeout: 120_000,
  });
  return { out, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const inputs = mkdtempSync(join(tmpdir(), 'shelfwise-input-'));
const FEED = join(inputs, 'feed.tsv');
const EVENTS = join(inputs, 'events.csv');
// D (labelled, no factor row) and E (not in the export) resemble A and B by their titles.
writeFileSync(FEED, 'id\ttitle\tprice\n' +
  'A\tOak Cutting Board\t30.00 USD\nB\tWalnut Cutting Board\t40.00 USD\nC\tSteel Chef Knife\t80.00 USD\n' +
  'D\tLarge Oak Cutting Board\t45.00 USD\nE\tSmall Walnut Cutting Board\t25.00 USD\n');
writeFileSync(EVENTS, 'customer_id,product_id,event_time,event_type\n' +
  'u1,A,2026-01-01T10:00:00Z,view\nu1,B,2026-01-01T10:05:00Z,purchase\nu2,A,2026-01-02T10:00:00Z,view\n' +
  'u2,C,2026-01-02T11:00:00Z,add_to_cart\nu3,B,2026-01-03T09:00:00Z,view\nu3,C,2026-01-03T09:10:00Z,view\nu4,D,2026-01-04T12:00:00Z,view\n');
const SHOP = ['--products', FEED, '--events', EVENTS];

/** A copy of the fixture folder to break. */
function factorsCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'shelfwise-factors-')), 'factors');
  cpSync(FACTORS, dir, { recursive: true });
  return dir;
}

describe('readSparkFactors (the folder as Spark writes it)', () => {
  it('reads the part files only: _SUCCESS, the .crc checksums and item-ids.json are not factors', () => {
    expect(sparkPartFiles(FACTORS)).toEqual([
      'part-00000-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json', 'part-00001-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json',
    ]);
    const ids = ['A', 'B', 'C', 'D', 'E'];
    const r = readSparkFactors(FACTORS, 5, (id) => (ids.includes(id) ? ids.indexOf(id) : undefined));
    expect(r).toMatchObject({ files: 2, rows: 4, dim: 4, placed: 3, missing: 2, unknown: 1 });
  });

  it('names what is wrong with the folder: missing labels, a compressed part, no parts, not a folder', () => {
    const noLabels = factorsCopy();
    rmSync(join(noLabels, 'item-ids.json'));
    expect(() => readSparkFactors(noLabels, 5, () => 0)).toThrow(/item-ids\.json: missing; write the StringIndexer model's labels there/);
    const gz = factorsCopy();
    renameSync(join(gz, 'part-00001-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json'), join(gz, 'part-00001-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json.gz'));
    expect(() => sparkPartFiles(gz)).toThrow(/part-00001-.*\.json\.gz: not a \.json part file; write the factors with itemFactors\.write\.json\(DIR\), uncompressed/);
    const empty = mkdtempSync(join(tmpdir(), 'shelfwise-factors-'));
    writeFileSync(join(empty, '_SUCCESS'), '');
    expect(() => sparkPartFiles(empty)).toThrow(/no part-\*\.json files \(found: nothing\)/);
    expect(() => sparkPartFiles(join(empty, '_SUCCESS'))).toThrow(/not a folder/);
  });
});

describe('npm run build:model -- --factors DIR', () => {
  it('uses the Spark factors instead of training iALS, and computes the rest from the events', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'shelfwise-report-')), 'report.json');
    const r = build([...SHOP, '--factors', FACTORS, '--alpha0', '0.025', '--report', report]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/4 Spark item factors \(d=4, 2 part files\) → 3 of 5 products; 2 products without a row \(placed by their text\); 1 rows for products not in the feed \(e\.g\. "OLD-1"\)/);
    const manifest = validateManifest(JSON.parse(readFileSync(join(r.out, 'model/manifest.json'), 'utf8')));
    expect(manifest.dim).toBe(4);
    expect(manifest.itemCount).toBe(5);
    expect(manifest.params.alpha0).toBe(0.025);
    expect(manifest.source).toMatch(/Embeddings: Spark MLlib ALS item factors from spark-factors \(d=4; 3 of 5 products, the rest placed by their text\); fold-in alpha0=0\.025/);
    expect(manifest.source).not.toMatch(/iALS|epochs/);
    expect(manifest.source).toMatch(/Neighbours: top-20 cosine co-occurrence/);

    // The shipped embeddings are the Spark rows (4-bit per row, float16 scales: within half a step of the row's scale).
    const bytes = (key: 'embeddings' | 'embeddingScales') => new Uint8Array(readFileSync(join(r.out, 'model', manifest.files[key].path)));
    expect([manifest.files.embeddings.dtype, manifest.files.embeddingScales.dtype]).toEqual(['int4', 'float16']);
    const q = unpackInt4(bytes('embeddings'), 5 * 4);
    const scales = Float32Array.from(new Uint16Array(bytes('embeddingScales').slice().buffer), halfToFloat);
    const row = (i: number) => Array.from(q.subarray(i * 4, i * 4 + 4), (v) => v * scales[i]);
    const spark = [[0.75, 0.125, -0.5, -2.5e-4], [0.7, 0.1, -0.4, 0], [0.0123, -0.25, 0.5, 1]];
    spark.forEach((want, i) => row(i).forEach((v, x) => expect(Math.abs(v - want[x])).toBeLessThanOrEqual(scales[i] / 2 + 1e-7)));
    // D and E had no row: placed by their text among the board-like items, so no longer zero.
    for (const i of [3, 4]) expect(row(i).some((v) => v !== 0)).toBe(true);

    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep.factors).toMatchObject({ dir: FACTORS, files: 2, rows: 4, dim: 4, placed: 3, missing: 2, unknownProduct: 1, examples: ['OLD-1'], merged: 0 });
    expect(rep.timing.ials).toBeUndefined();
    expect(Object.keys(rep.timing)).toEqual(['cold items', 'quantize', 'popularity', 'cooc', 'next']);
    expect(rep.events.kept).toBe(7);
  });

  it('refuses iALS options that --factors makes meaningless, and a bad factors folder, with exit 1 and nothing written', () => {
    const dim = build([...SHOP, '--factors', FACTORS, '--dim', '8']);
    expect(dim.status).toBe(1);
    expect(dim.stderr.trim()).toBe("Error: --dim: not used with --factors (the factors' width is the dimension)");

    const broken = factorsCopy();
    writeFileSync(join(broken, 'part-00001-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json'), '{"id":1,"features":[0.7,0.1,-0.4]}\n');
    const out = mkdtempSync(join(tmpdir(), 'shelfwise-build-'));
    writeFileSync(join(out, 'catalog.json'), 'previous');
    const bad = build([...SHOP, '--factors', broken], out);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'SparkFactorsError: part-00001-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json:1: "features" has 3 values but the rows before have 4 ' +
        '(first at part-00000-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json:1); all rows come from one model',
    );
    expect(readFileSync(join(out, 'catalog.json'), 'utf8')).toBe('previous');
  });

  it('--factors goes with a shop\'s files only', () => {
    const r = build(['--data', join(ROOT, 'public'), '--factors', FACTORS]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run build:model/);
  });
});
