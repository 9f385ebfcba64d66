import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../../src/shared/catalog';
import { validateManifest, validatePartitionedManifest } from '../../src/shared/model-manifest';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { createEngine } from '../../src/engine/engine';

const ROOT = new URL('../..', import.meta.url).pathname;
const SHOP = join(ROOT, 'public/examples/shop');

/** Runs `npm run build:model -- …` as a merchant would (through tsx), in a fresh output folder. */
function build(args: string[], out = mkdtempSync(join(tmpdir(), 'shelfwise-build-'))) {
  // The sequence model's training (minutes by default) only where a test asks for it.
  const sequence = args.includes('--sequence-epochs') ? [] : ['--sequence-epochs', '0'];
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/build-model.ts'), ...args, ...sequence, '--out', out], {
    encoding: 'utf8', cwd: ROOT, timeout: 120_000,
  });
  return { out, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-input-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

const FEED = 'id\ttitle\tprice\timage_link\nA\tMug\t12.00 USD\t/img/a.jpg\nB\tCup\t9.50 USD\t/img/b.jpg\nC\tPot\t30.00 USD\t/img/c.jpg\n';
const EVENTS = 'customer_id,product_id,event_time\nu1,A,2026-01-01T10:00:00Z\nu1,B,2026-01-01T10:05:00Z\nu2,A,2026-01-02T10:00:00Z\nu2,C,2026-01-02T11:00:00Z\n';

describe('npm run build:model with a shop\'s files', () => {
  it('builds the example shop: a catalogue with images and prices, a valid model, and a report', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'shelfwise-report-')), 'report.json');
    const r = build(['--products', join(SHOP, 'feed.tsv'), '--events', join(SHOP, 'events.csv'), '--dim', '8', '--epochs', '2', '--report', report]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const catalog = validateCatalog(JSON.parse(readFileSync(join(r.out, 'catalog.json'), 'utf8')));
    const feedRows = readFileSync(join(SHOP, 'feed.tsv'), 'utf8').trim().split('\n').length - 1;
    expect(catalog.items).toHaveLength(feedRows);
    expect(catalog.items.every((it) => it.image?.startsWith('/examples/shop/images/') && it.price?.currency === 'USD')).toBe(true);
    expect(catalog.items.some((it) => it.group !== undefined)).toBe(true);
    const manifest = validateManifest(JSON.parse(readFileSync(join(r.out, 'model/manifest.json'), 'utf8')));
    expect(manifest.itemCount).toBe(feedRows);
    expect(readdirSync(join(r.out, 'model')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    const eventRows = readFileSync(join(SHOP, 'events.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rep.events.kept + rep.events.skipped.unknownProduct).toBe(eventRows);
    expect(rep.events.skipped.unknownProduct).toBeGreaterThan(0);
    expect(rep.trending.days).toBe(14);
  });

  it.each([
    ['a duplicate id', FEED + 'B\tBowl\t5.00 USD\t\n', EVENTS, /^FeedError: feed\.tsv:5: duplicate "id" "B" \(first on line 3\)/],
    ['a price without a currency', FEED.replace('9.50 USD', '9.50'), EVENTS, /^FeedError: feed\.tsv:3: "price" has no currency/],
    ['an image link that is not http(s)', FEED.replace('/img/b.jpg', 'javascript:alert(1)'), EVENTS, /^FeedError: feed\.tsv:3: "image_link"/],
    ['an unparseable timestamp', FEED, EVENTS.replace('2026-01-02T10:00:00Z', 'yesterday'), /^EventsError: events\.csv:4: .*"yesterday"/],
    ['events that name no known product', FEED, EVENTS.replaceAll(/,[ABC],/g, ',Z,'), /^EventsError: events\.csv: .*no known product/],
  ])('%s: a clear error naming file and line, exit 1, and the previous build untouched', (_, feed, events, message) => {
    const out = mkdtempSync(join(tmpdir(), 'shelfwise-build-'));
    writeFileSync(join(out, 'catalog.json'), 'previous');
    const r = build(['--products', file('feed.tsv', feed), '--events', file('events.csv', events)], out);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(readFileSync(join(out, 'catalog.json'), 'utf8')).toBe('previous');
    expect(readdirSync(out)).toEqual(['catalog.json']);
  });

  it('a Shopify export without a Handle column is refused with the line and the column', () => {
    const r = build(['--products', file('products.csv', 'Title,Variant Price\nMug,3.00\n'), '--events', file('events.csv', EVENTS), '--currency', 'EUR']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/products\.csv:1: no "Handle" column/);
  });
});

describe('npm run build:model with the sequence model (issue 17)', () => {
  it('trains it for the given time and ships it in the manifest, checked like every other file; fine-tuning on the device only as the evaluation kept it', () => {
    const settings = { steps: 5, lr: 0.05, l2: 0.01, examples: 8, budgetMs: 50 };
    const report = (kept: boolean) => file('eval.json', JSON.stringify({
      config: { tuned: true, fusion: { cf: 0.5, lastItem: 0.5, next: 0.1, cooc: 0.3, content: 0.6, popularity: 0, sequence: 1 } },
      fine_tuning: { settings, kept },
    }));
    const r = build(['--products', join(SHOP, 'feed.tsv'), '--events', join(SHOP, 'events.csv'), '--dim', '8', '--epochs', '2', '--sequence-epochs', '1', '--fusion-from', report(true)]);
    expect(r.status).toBe(0);
    const tuned = validateManifest(JSON.parse(readFileSync(join(r.out, 'model/manifest.json'), 'utf8')));
    expect(tuned.params.sequenceFineTune).toEqual(settings);
    expect(tuned.params.fusion.sequence).toBe(1);
    const notKept = build(['--products', join(SHOP, 'feed.tsv'), '--events', join(SHOP, 'events.csv'), '--dim', '8', '--epochs', '2', '--fusion-from', report(false)]);
    expect(notKept.status).toBe(0);
    expect(JSON.parse(readFileSync(join(notKept.out, 'model/manifest.json'), 'utf8')).params.sequenceFineTune).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/sequence model: \d+ examples, [\d.]+ epochs in \d+ s/);
    const manifest = validateManifest(JSON.parse(readFileSync(join(r.out, 'model/manifest.json'), 'utf8')));
    expect(manifest.sequence?.context).toBe(10);
    expect(readdirSync(join(r.out, 'model'))).toContain(manifest.sequence!.file.path);
  });
});

describe('npm run build:model --layout partitioned (issue 16)', () => {
  it("builds the example shop in parts that the engine runs on: no catalogue file, For you from the shopper's parts", async () => {
    const r = build(['--products', join(SHOP, 'feed.tsv'), '--events', join(SHOP, 'events.csv'), '--dim', '8', '--epochs', '2', '--layout', 'partitioned', '--part-size', '15']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(r.out)).toEqual(['model']);
    const manifest = validatePartitionedManifest(JSON.parse(readFileSync(join(r.out, 'model/manifest.json'), 'utf8')));
    const feedRows = readFileSync(join(SHOP, 'feed.tsv'), 'utf8').trim().split('\n').length - 1;
    expect(manifest.itemCount).toBe(feedRows);
    expect(manifest.partitions.count).toBeGreaterThan(2);
    expect(manifest.starter?.items.length).toBeGreaterThan(0);

    const requested: string[] = [];
    const fetchBytes = async (url: string) => {
      requested.push(url);
      const b = readFileSync(join(r.out, new URL(url).pathname));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    };
    (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
    const engine = createEngine({ fetchBytes, baseUrl: 'http://shop.test/', dbName: 'partitioned-build' });
    await engine.init({ catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json' });
    const first = manifest.starter!.items[0];
    await engine.recordEvent({ type: 'view', itemId: first.id });
    await engine.whenIdle();
    const list = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(engine.status().errors).toEqual([]);
    expect(list.personal).toBe(true);
    expect(list.items.length).toBeGreaterThan(0);
    // Cards carry the feed's images and prices, from the parts.
    expect(list.items.every((it) => it.price?.currency === 'USD')).toBe(true);
    expect(requested.some((u) => u.endsWith('catalog.json'))).toBe(false);
  });

  it('refuses 8-bit embeddings and an unknown layout with a clear error', () => {
    const args = ['--products', join(SHOP, 'feed.tsv'), '--events', join(SHOP, 'events.csv'), '--dim', '8', '--epochs', '1'];
    const eight = build([...args, '--layout', 'partitioned', '--embedding-bits', '8']);
    expect(eight.status).toBe(1);
    expect(eight.stderr).toMatch(/4-bit embeddings/);
    const bogus = build([...args, '--layout', 'sharded']);
    expect(bogus.status).toBe(1);
    expect(bogus.stderr).toMatch(/--layout must be whole or partitioned/);
  });
});
