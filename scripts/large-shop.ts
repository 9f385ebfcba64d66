/**
 * Writes a large synthetic shop's *partitioned model* directly (issue 16), to measure what a
 * device downloads and how well part retrieval finds a shopper's best items at scale:
 *
 *   npx tsx scripts/large-shop.ts --items 1000000 --out /tmp/shop-1m [--seed 7] [--check 200]
 *
 * (1M items need ~2.5 GB; if Node runs out of heap, prefix NODE_OPTIONS=--max-old-space-size=4096.)
 *
 * No training: the structure is planted so that retrieval recall can be measured. Items are
 * `SKU-<i>`; departments (~1,000 items on average, sizes power-law) are contiguous ranges of
 * items, each with a centre vector (itself near one of 8 areas' centres); within a department,
 * series of 20–60 consecutive items share an offset and words of their titles. An item's vector is
 * (department centre + series offset + noise) times a factor growing with its popularity (iALS
 * embeddings of popular items have larger norms), so row norms are ~0.1–1.2 as in the demo model.
 * Popularity is Zipf (exponent 1) within a department, department traffic Zipf (0.8) too.
 *
 * Writes `<out>/model/` (manifest.json and the files of `encodePartitioned`) and, with `--check N`
 * (default 200; 0 skips), `<out>/recall.json`: the share of each simulated shopper's exhaustive
 * top-100 (u·v over every item, u folded in from their history) that lies in the parts the device
 * would fetch: the parts of the history's items and the top C parts of `rankParts`.
 * Deterministic for a seed (mulberry32).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { MAX_COMPRESSED_RATIO } from './lib/static-assets';
import { foldInUser, gramMatrix64 } from '../src/core/ials';
import type { ModelArrays } from '../src/core/model-codec';
import { clusterRows, decodeIndex, encodePartitioned, partOfRow, rankParts, type PartIndex } from '../src/core/partitions';
import { quantizeRows } from '../src/core/quantize';
import { createRng, mulberry32, type Rng } from '../src/core/random';
import type { ModelParams, StarterList } from '../src/shared/model-manifest';
import type { CatalogItem } from '../src/shared/protocol';
import { ADJECTIVES, AREAS, COLOURS, departmentStarts, MATERIALS, NOUNS, search } from './lib/synthetic';

const D = 64;
const K = 10;
/** Interactions per item on average (popularity = log(1 + interactions)). */
const INTERACTIONS_PER_ITEM = 30;
const TOP = 100;
const CANDIDATE_PARTS = [4, 8, 12, 16, 24, 32];
const STARTER_ITEMS = 40;

interface Options {
  items: number;
  out: string;
  seed: number;
  check: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '1000000' }, out: { type: 'string' },
      seed: { type: 'string', default: '7' }, check: { type: 'string', default: '200' },
    },
  });
  if (!values.out) {
    console.error('usage: npx tsx scripts/large-shop.ts --items N --out DIR [--seed S] [--check SHOPPERS]');
    process.exit(2);
  }
  const int = (v: string, name: string, min: number) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return x;
  };
  return { items: int(values.items!, 'items', 1000), out: resolve(values.out), seed: int(values.seed!, 'seed', 0), check: int(values.check!, 'check', 0) };
}

/** The planted structure: departments and series (contiguous item ranges), popularity. */
interface Shop {
  n: number;
  nDepts: number;
  deptStart: Int32Array;
  deptArea: Int32Array;
  dept: Int32Array;
  series: Int32Array;
  seriesStart: Int32Array;
  /** Per department, cumulative sampling weight (1/rank) of its items in order: restarts at each department. */
  cumWithin: Float64Array;
  /** Cumulative traffic of the departments. */
  deptCum: Float64Array;
  popularity: Float32Array;
  trending: Float32Array;
}

function shuffle(a: Int32Array, rand: () => number): Int32Array {
  for (let k = a.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    const t = a[k]; a[k] = a[j]; a[j] = t;
  }
  return a;
}

function plantShop(n: number, rand: () => number): Shop {
  // Departments of ~1,000 items on average, sizes ∝ 1/rank^0.6 (the largest ~25× the smallest at 1M).
  const nDepts = Math.max(2, Math.round(n / 1000));
  const deptStart = departmentStarts(n, nDepts);
  const deptArea = Int32Array.from({ length: nDepts }, () => Math.floor(rand() * AREAS.length));
  // Traffic: Zipf (0.8) over a shuffled order, so that big departments are not always busy ones.
  const trafficRank = shuffle(Int32Array.from({ length: nDepts }, (_, k) => k), rand);
  const traffic = new Float64Array(nDepts);
  for (let r = 0; r < nDepts; r++) traffic[trafficRank[r]] = 1 / Math.pow(r + 1, 0.8);
  const trafficSum = traffic.reduce((a, b) => a + b, 0);
  const deptCum = new Float64Array(nDepts);
  for (let d = 0, s = 0; d < nDepts; d++) deptCum[d] = s += traffic[d];

  const dept = new Int32Array(n);
  const series = new Int32Array(n);
  const seriesStarts: number[] = [];
  const cumWithin = new Float64Array(n);
  const popularity = new Float32Array(n);
  const trending = new Float32Array(n);
  const total = INTERACTIONS_PER_ITEM * n;
  for (let d = 0; d < nDepts; d++) {
    const from = deptStart[d], to = deptStart[d + 1], size = to - from;
    // Series of 20–60 consecutive items; a short remainder joins the series before it.
    for (let i = from; i < to;) {
      let len = 20 + Math.floor(rand() * 41);
      if (to - (i + len) < 20) len = to - i;
      seriesStarts.push(i);
      for (let j = i; j < i + len; j++) series[j] = seriesStarts.length - 1;
      i += len;
    }
    // Zipf within the department over shuffled ranks: neighbours in a series vary in popularity.
    const ranks = shuffle(Int32Array.from({ length: size }, (_, k) => k), rand);
    let h = 0;
    for (let k = 1; k <= size; k++) h += 1 / k;
    const deptInteractions = (total * traffic[d]) / trafficSum;
    let s = 0;
    for (let i = from; i < to; i++) {
      dept[i] = d;
      const w = 1 / (ranks[i - from] + 1);
      cumWithin[i] = s += w;
      const interactions = Math.floor((deptInteractions * w) / h + rand());
      popularity[i] = Math.log1p(interactions);
      trending[i] = popularity[i] * (0.5 + rand());
    }
  }
  seriesStarts.push(n);
  return {
    n, nDepts, deptStart, deptArea, dept, series, seriesStart: Int32Array.from(seriesStarts), cumWithin, deptCum, popularity, trending,
  };
}

const pickDept = (shop: Shop, rand: () => number) => search(shop.deptCum, 0, shop.nDepts, rand() * shop.deptCum[shop.nDepts - 1]);
const pickIn = (shop: Shop, d: number, rand: () => number) => {
  const from = shop.deptStart[d], to = shop.deptStart[d + 1];
  return search(shop.cumWithin, from, to, rand() * shop.cumWithin[to - 1]);
};

/**
 * Item vectors [n, d]: (centre of the department + offset of the series + noise) × a factor
 * growing with popularity. Centres have norm ~1, offsets ~0.5, noise ~0.3.
 */
function plantEmbeddings(shop: Shop, rng: Rng): Float32Array {
  const { n } = shop;
  const g = (sigma: number) => (out: Float64Array) => {
    for (let t = 0; t < D; t++) out[t] = rng.gaussian() * sigma;
    return out;
  };
  const unit = 1 / Math.sqrt(D);
  const areas = Array.from({ length: AREAS.length }, () => g(unit)(new Float64Array(D)));
  const emb = new Float32Array(n * D);
  let maxPop = 0;
  for (const p of shop.popularity) maxPop = Math.max(maxPop, p);
  const centre = new Float64Array(D), offset = new Float64Array(D);
  for (let d = 0; d < shop.nDepts; d++) {
    g(0.8 * unit)(centre);
    const area = areas[shop.deptArea[d]];
    for (let t = 0; t < D; t++) centre[t] += 0.6 * area[t];
    for (let i = shop.deptStart[d]; i < shop.deptStart[d + 1]; i++) {
      if (i === shop.deptStart[d] || shop.series[i] !== shop.series[i - 1]) g(0.5 * unit)(offset);
      const f = 0.1 + (0.9 * shop.popularity[i]) / (maxPop || 1);
      for (let t = 0; t < D; t++) emb[i * D + t] = f * (centre[t] + offset[t] + 0.3 * unit * rng.gaussian());
    }
  }
  return emb;
}

/**
 * Neighbour tables (original item indices, -1 = none). "Bought together": the series' items
 * closest in the series, favouring popular ones, topped up from the department. "Next": the
 * next items of the series, then popular items of the department.
 */
function plantNeighbours(shop: Shop, rand: () => number) {
  const { n, popularity } = shop;
  const coocIndex = new Int32Array(n * K).fill(-1), coocWeight = new Float32Array(n * K);
  const nextIndex = new Int32Array(n * K).fill(-1), nextWeight = new Float32Array(n * K);
  const ids: number[] = [], ws: number[] = [];
  const order: number[] = [];
  const put = (index: Int32Array, weight: Float32Array, i: number) => {
    order.length = 0;
    for (let j = 0; j < ids.length; j++) order.push(j);
    order.sort((a, b) => ws[b] - ws[a] || ids[a] - ids[b]);
    for (let j = 0; j < Math.min(K, order.length); j++) (index[i * K + j] = ids[order[j]]), (weight[i * K + j] = ws[order[j]]);
  };
  const topUp = (i: number, weight: number) => {
    // Popular items of the department, each weaker than the last.
    const d = shop.dept[i];
    for (let tries = 0; ids.length < K && tries < 4 * K; tries++) {
      const j = pickIn(shop, d, rand);
      if (j === i || ids.includes(j)) continue;
      ids.push(j);
      ws.push((weight *= 0.9));
    }
  };
  for (let i = 0; i < n; i++) {
    const s = shop.series[i], from = shop.seriesStart[s], to = shop.seriesStart[s + 1];
    ids.length = ws.length = 0;
    for (let step = 1; ids.length < K && step < to - from; step++) {
      for (const j of [i + step, i - step]) {
        if (j < from || j >= to || ids.length >= K) continue;
        ids.push(j);
        ws.push((1 + popularity[j]) / (1 + step));
      }
    }
    topUp(i, Math.min(...ws, 1) * 0.5);
    put(coocIndex, coocWeight, i);

    ids.length = ws.length = 0;
    for (let j = i + 1; j < to && j <= i + 5; j++) {
      ids.push(j);
      ws.push(1 / (j - i));
    }
    topUp(i, 0.15);
    put(nextIndex, nextWeight, i);
  }
  return { coocIndex, coocWeight, nextIndex, nextWeight };
}

/** Catalogue entries: a series shares a name (adjective, material, one of its department's nouns), items differ by colour and number. */
function plantCatalog(shop: Shop): CatalogItem[] {
  const deptName = (d: number) => `${AREAS[shop.deptArea[d]]} > ${MATERIALS[(d * 7) % MATERIALS.length]} ${NOUNS[d % NOUNS.length]} Range ${d + 1}`;
  const names = Array.from({ length: shop.nDepts }, (_, d) => deptName(d));
  const out: CatalogItem[] = new Array(shop.n);
  let name = '', price = 0;
  for (let i = 0; i < shop.n; i++) {
    const d = shop.dept[i], s = shop.series[i], first = shop.seriesStart[s];
    if (i === first || i === 0) {
      const r = mulberry32(s * 2654435761);
      const noun = NOUNS[(d + Math.floor(r() * 3)) % NOUNS.length];
      const material = r() < 0.5 ? MATERIALS[(d * 7) % MATERIALS.length] : MATERIALS[Math.floor(r() * MATERIALS.length)];
      name = `${ADJECTIVES[Math.floor(r() * ADJECTIVES.length)]} ${material} ${noun}`;
      price = 5 + Math.floor(r() * 300);
    }
    const j = i - first;
    out[i] = {
      id: `SKU-${i}`, title: `${name}, ${COLOURS[j % COLOURS.length]} ${s % 1000}-${j + 1}`, category: names[d],
      price: { amount: price + 5 * (j % 3) + 0.99, currency: 'EUR' }, url: `/p/SKU-${i}`,
    };
  }
  return out;
}

function starterList(trending: Float32Array, catalog: readonly CatalogItem[]): StarterList {
  const top: number[] = [];
  for (let i = 0; i < trending.length; i++) {
    if (top.length === STARTER_ITEMS && trending[i] <= trending[top[STARTER_ITEMS - 1]]) continue;
    let at = top.length;
    while (at > 0 && trending[top[at - 1]] < trending[i]) at--;
    top.splice(at, 0, i);
    if (top.length > STARTER_ITEMS) top.pop();
  }
  return { items: top.map((i) => catalog[i]), scores: top.map((i) => trending[i]) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const gz = (b: Uint8Array) => gzipSync(b, { level: 6 }).length;

/**
 * Writes `X.gz` (level 6) and `X.br` (quality 5) beside `X` where worth it, as the build's static
 * assets have (scripts/lib/static-assets.ts keeps siblings newer than their file, so serving does
 * not brotli 300 MB at quality 11); returns the gzip size (the raw size when not worth it).
 */
function writeSiblings(path: string, bytes: Uint8Array): number {
  const gzip = gzipSync(bytes, { level: 6 });
  if (gzip.length >= bytes.length * MAX_COMPRESSED_RATIO) return bytes.length;
  writeFileSync(`${path}.gz`, gzip);
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
  return gzip.length;
}

/** The `TOP` rows of largest u·v (v rows of `emb`), `skip` excluded; a threshold keeps the scan cheap. */
function exhaustiveTop(emb: Float32Array, n: number, u: Float64Array, skip: Set<number>): Int32Array {
  const rows = new Int32Array(TOP), scores = new Float64Array(TOP).fill(-Infinity);
  let filled = 0, floor = -Infinity;
  const uf = Float32Array.from(u);
  for (let i = 0; i < n; i++) {
    const o = i * D;
    let s = 0;
    for (let t = 0; t < D; t++) s += emb[o + t] * uf[t];
    if (s <= floor && filled === TOP) continue;
    if (skip.has(i)) continue;
    // Insertion into the sorted (descending) list.
    let at = filled < TOP ? filled++ : TOP - 1;
    while (at > 0 && scores[at - 1] < s) (scores[at] = scores[at - 1]), (rows[at] = rows[at - 1]), at--;
    scores[at] = s;
    rows[at] = i;
    floor = scores[filled - 1];
  }
  return rows.subarray(0, filled);
}

interface RecallRow {
  C: number;
  meanRecall: number;
  p10Recall: number;
  meanCandidateItems: number;
  meanParts: number;
}

/** Simulated shoppers: recall of the exhaustive top-100 within the history's parts ∪ the top C ranked parts. */
function measureRecall(shop: Shop, emb: Float32Array, gram: Float32Array, params: ModelParams, index: PartIndex, newRow: Int32Array, shoppers: number, seed: number): RecallRow[] {
  const { n } = shop;
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const parts = index.starts.length - 1;
  const partSize = Int32Array.from({ length: parts }, (_, p) => index.starts[p + 1] - index.starts[p]);
  const partOf = (i: number) => partOfRow(index, newRow[i]);
  const recalls = CANDIDATE_PARTS.map(() => [] as number[]);
  const items = CANDIDATE_PARTS.map(() => 0), partCount = CANDIDATE_PARTS.map(() => 0);
  for (let s = 0; s < shoppers; s++) {
    const favs = Array.from({ length: 1 + Math.floor(rand() * rand() * 3) }, () => pickDept(shop, rand));
    const length = 3 + Math.floor(rand() * 18);
    const history = new Set<number>();
    for (let tries = 0; history.size < length && tries < 100 * length; tries++) {
      const d = rand() < 0.1 ? pickDept(shop, rand) : favs[Math.floor(rand() * favs.length)];
      history.add(pickIn(shop, d, rand));
    }
    const rows = [...history];
    const u = foldInUser(emb, gram, rows, rows.map(() => 1), { ...params, dim: D, nItems: n });
    const top = exhaustiveTop(emb, n, u, history);
    const topParts = Array.from(top, partOf);
    const ranked = rankParts(index, u, D);
    CANDIDATE_PARTS.forEach((C, c) => {
      const chosen = new Set<number>(rows.map(partOf));
      for (const p of ranked.slice(0, C)) chosen.add(p);
      let hit = 0;
      for (const p of topParts) if (chosen.has(p)) hit++;
      recalls[c].push(hit / top.length);
      for (const p of chosen) items[c] += partSize[p];
      partCount[c] += chosen.size;
    });
  }
  return CANDIDATE_PARTS.map((C, c) => {
    const sorted = [...recalls[c]].sort((a, b) => a - b);
    return {
      C, meanRecall: sorted.reduce((a, b) => a + b, 0) / shoppers, p10Recall: sorted[Math.floor(0.1 * shoppers)],
      meanCandidateItems: items[c] / shoppers, meanParts: partCount[c] / shoppers,
    };
  });
}

async function main(): Promise<void> {
  const o = parseOptions();
  const t0 = Date.now();
  let lap = Date.now();
  const step = (what: string) => {
    const now = Date.now();
    console.log(`  ${what}: ${((now - lap) / 1000).toFixed(1)} s`);
    lap = now;
  };
  const n = o.items;
  const rng = createRng(o.seed);
  const shop = plantShop(n, rng.next);
  const emb = plantEmbeddings(shop, rng);
  const tables = plantNeighbours(shop, rng.next);
  const catalog = plantCatalog(shop);
  step(`planted ${n} items in ${shop.nDepts} departments, ${shop.seriesStart.length - 1} series`);

  // 4-bit codes; the raw vectors are then overwritten by their dequantised values (what the device computes with).
  const { q, scales } = quantizeRows(emb, n, D, 4);
  for (let r = 0; r < n; r++) for (let t = 0; t < D; t++) emb[r * D + t] = q[r * D + t] * scales[r];
  const gram = Float32Array.from(gramMatrix64(emb, n, D));
  step('quantised (4-bit) and Gram matrix');

  const clustering = clusterRows(emb, n, D);
  const sizes = Array.from({ length: clustering.starts.length - 1 }, (_, p) => clustering.starts[p + 1] - clustering.starts[p]);
  step(`clustered into ${sizes.length} parts (items per part min ${Math.min(...sizes)}, median ${median(sizes)}, max ${Math.max(...sizes)})`);

  const demo = JSON.parse(readFileSync(resolve(import.meta.dirname, '../public/model/manifest.json'), 'utf8')) as { params: ModelParams };
  const params = demo.params;
  const arrays: ModelArrays = {
    n, d: D, k: K, itemIds: catalog.map((it) => it.id), embeddings: q, embeddingBits: 4, embeddingScales: scales, gram,
    popularity: shop.popularity, trending: shop.trending, ...tables,
  };
  const meta = {
    version: `large-shop-${n}-seed${o.seed}`, createdAt: new Date(0).toISOString(),
    source: `scripts/large-shop.ts --items ${n} --seed ${o.seed} (planted structure, not trained)`, params,
  };
  const { manifest, files } = encodePartitioned(arrays, catalog, meta, clustering, starterList(shop.trending, catalog));
  step('encoded');

  const dir = join(o.out, 'model');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let total = 0;
  const gzipped = new Map<string, number>();
  for (const [path, bytes] of files) {
    writeFileSync(join(dir, path), bytes);
    gzipped.set(path, writeSiblings(join(dir, path), bytes));
    total += bytes.length;
  }
  step(`wrote ${files.size} files to ${dir}, with their .gz and .br`);

  const P = manifest.partitions.count, B = manifest.partitions.buckets;
  const indexBytes = files.get(manifest.partitions.index.path)!;
  const partFiles = [...files].filter(([path]) => path.startsWith('part-')).map(([, b]) => b);
  const bucketFiles = [...files].filter(([path]) => path.startsWith('dir-')).map(([, b]) => b);
  const gzOf = (prefix: string) => [...gzipped].filter(([path]) => path.startsWith(prefix)).map(([, size]) => size);
  const partGz = gzOf('part-'), bucketGz = gzOf('dir-');
  const manifestBytes = files.get('manifest.json')!;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const report = {
    items: n, parts: P, buckets: B, files: files.size, totalBytes: total,
    partsBytes: sum(partFiles.map((b) => b.length)), partsGzip: sum(partGz),
    index: { raw: indexBytes.length, gzip: gz(indexBytes) },
    medianPart: { raw: median(partFiles.map((b) => b.length)), gzip: median(partGz) },
    medianBucket: { raw: median(bucketFiles.map((b) => b.length)), gzip: median(bucketGz) },
    manifest: { raw: manifestBytes.length, gzip: gz(manifestBytes) },
  };
  files.clear();
  step('gzip sizes');
  console.log(`${n} items, ${P} parts, ${B} buckets, ${report.files} files, ${mb(total)} in all (parts ${mb(report.partsBytes)}, gzip ${mb(report.partsGzip)})`);
  console.log(`  index     ${kb(report.index.raw)} raw, ${kb(report.index.gzip)} gzip`);
  console.log(`  part      ${kb(report.medianPart.raw)} raw, ${kb(report.medianPart.gzip)} gzip (median)`);
  console.log(`  bucket    ${kb(report.medianBucket.raw)} raw, ${kb(report.medianBucket.gzip)} gzip (median)`);
  console.log(`  manifest  ${kb(report.manifest.raw)} raw, ${kb(report.manifest.gzip)} gzip`);

  let recall: RecallRow[] | undefined;
  if (o.check > 0) {
    // The index as the device decodes it (int8 centroids), read back from disk.
    const file = readFileSync(join(dir, manifest.partitions.index.path));
    const index = decodeIndex(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength), P, B, D, n);
    const newRow = new Int32Array(n);
    clustering.order.forEach((old, row) => (newRow[old] = row));
    recall = measureRecall(shop, emb, gram, params, index, newRow, o.check, o.seed);
    step(`recall of ${o.check} shoppers`);
    console.log(`recall of the exhaustive top-${TOP} in the history's parts ∪ the top C parts (${o.check} shoppers)`);
    console.log('     C  mean recall  p10 recall  candidate items  parts');
    for (const r of recall) {
      console.log(`${String(r.C).padStart(6)}  ${r.meanRecall.toFixed(3).padStart(11)}  ${r.p10Recall.toFixed(3).padStart(10)}  ${Math.round(r.meanCandidateItems).toString().padStart(15)}  ${r.meanParts.toFixed(1).padStart(5)}`);
    }
    writeFileSync(join(o.out, 'recall.json'), JSON.stringify({ items: n, seed: o.seed, shoppers: o.check, top: TOP, parts: P, sizes: report, recall }, null, 2) + '\n');
  }
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s, peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err));
  process.exit(1);
});
