/**
 * Writes a synthetic shop as big as asked, to measure `build:model` at scale (issue item 6): a
 * Google Merchant Center TSV feed and an events CSV (`event_time,customer_id,product_id,event_type`)
 * in the layout of the example shop, under `--out`:
 *
 *   npx tsx scripts/synthetic-shop.ts --products 100000 --shoppers 1000000 --events 10000000 --out /tmp/shop-1m [--seed 7]
 *
 * Deterministic for a seed (mulberry32). The structure is what the model learns from in a real
 * shop: item popularity follows a power law (Zipf, exponent ~1) within departments whose sizes
 * and traffic are skewed too; each shopper has 1–3 favourite departments; visits are sessions of
 * views around an anchor product (mostly its department, often items close to it in the
 * department's list, i.e. related products), with some add-to-carts and fewer purchases; time
 * runs over 90 days; events per shopper are heavy-tailed (log-normal, mean = events/shoppers)
 * and the total is exactly `--events`. About 0.1 % of events name discontinued products.
 *
 * Memory: the events are held as typed arrays (13 bytes each, then sorted by time with a
 * counting sort on seconds, as an analytics export is in time order); the text is never held
 * whole but written through a stream in chunks of about 1 MB.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/random';
import { ADJECTIVES, AREAS, COLOURS, departmentStarts, MATERIALS, NOUNS, search } from './lib/synthetic';

const DAY_S = 86_400;
const SPAN_DAYS = 90;
/** 2026-09-01T00:00:00Z: the first second of the 90 days. */
const START_S = Date.UTC(2026, 8, 1) / 1000;
const TYPES = ['view', 'add_to_cart', 'purchase'] as const;
const DISCONTINUED = -1;

interface Options {
  products: number;
  shoppers: number;
  events: number;
  seed: number;
  out: string;
}

/** The catalogue's structure; product i is `SKU-<i>`. */
interface Catalogue {
  nDepts: number;
  /** Department of each product, and each department's products (contiguous ranges). */
  dept: Int32Array;
  deptStart: Int32Array;
  /** Per department, cumulative popularity of its products in order (for sampling by binary search). */
  cumWithin: Float64Array;
  /** Cumulative traffic of the departments. */
  deptCum: Float64Array;
  /** item_group_id of each product, or -1. */
  group: Int32Array;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      products: { type: 'string', default: '100000' }, shoppers: { type: 'string', default: '1000000' },
      events: { type: 'string', default: '10000000' }, seed: { type: 'string', default: '7' }, out: { type: 'string' },
    },
  });
  if (!values.out) {
    console.error('usage: npx tsx scripts/synthetic-shop.ts --products N --shoppers N --events N --out DIR [--seed S]');
    process.exit(2);
  }
  const int = (v: string, name: string, min: number) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return x;
  };
  const o = {
    products: int(values.products!, 'products', 10), shoppers: int(values.shoppers!, 'shoppers', 1),
    events: int(values.events!, 'events', 1), seed: int(values.seed!, 'seed', 0), out: resolve(values.out),
  };
  if (o.events < o.shoppers) throw new Error('--events must be at least --shoppers (every shopper has an event)');
  return o;
}

/** Sums `xs` into a cumulative array (xs unchanged). */
function cumulative(xs: ArrayLike<number>): Float64Array {
  const c = new Float64Array(xs.length);
  let s = 0;
  for (let i = 0; i < xs.length; i++) c[i] = s += xs[i];
  return c;
}

function catalogue(n: number, rand: () => number): Catalogue {
  // About 400 products a department on average, with sizes skewed (a few big departments).
  const nDepts = Math.max(2, Math.round(n / 400));
  const deptStart = departmentStarts(n, nDepts);
  const dept = new Int32Array(n);
  // Within a department, popularity ∝ 1/rank (Zipf); the ranks are shuffled so that the best
  // seller is not always the first product, and neighbouring products (related ones) vary in
  // popularity.
  const pop = new Float64Array(n);
  for (let d = 0; d < nDepts; d++) {
    const from = deptStart[d], to = deptStart[d + 1];
    const ranks = Int32Array.from({ length: to - from }, (_, k) => k);
    for (let k = ranks.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [ranks[k], ranks[j]] = [ranks[j], ranks[k]];
    }
    for (let i = from; i < to; i++) {
      dept[i] = d;
      pop[i] = 1 / (ranks[i - from] + 1);
    }
  }
  const cumWithin = new Float64Array(n);
  for (let d = 0; d < nDepts; d++) {
    let s = 0;
    for (let i = deptStart[d]; i < deptStart[d + 1]; i++) cumWithin[i] = s += pop[i];
  }
  // Department traffic: Zipf with exponent 0.8 over a shuffled order.
  const traffic = Float64Array.from({ length: nDepts }, () => 0);
  const order = Int32Array.from({ length: nDepts }, (_, k) => k);
  for (let k = nDepts - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  for (let r = 0; r < nDepts; r++) traffic[order[r]] = 1 / Math.pow(r + 1, 0.8);
  // Variant families: about 20 % of products come in 2–4 variants (consecutive ids, one department).
  const group = new Int32Array(n).fill(-1);
  for (let i = 0; i < n;) {
    const size = rand() < 0.08 ? 2 + Math.floor(rand() * 3) : 1;
    const end = Math.min(n, i + size, deptStart[dept[i] + 1]);
    if (end - i > 1) for (let j = i; j < end; j++) group[j] = i;
    i = end;
  }
  return { nDepts, dept, deptStart, cumWithin, deptCum: cumulative(traffic), group };
}

/** Writes strings through a stream in ~1 MB chunks, waiting for the stream to drain. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly stream: WriteStream) {}

  async line(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('\n') + '\n';
    this.parts = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await new Promise<void>((ok) => this.stream.once('drain', ok));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((ok, fail) => this.stream.end((err?: Error | null) => (err ? fail(err) : ok())));
  }
}

const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

async function writeFeed(path: string, cat: Catalogue, rand: () => number): Promise<number> {
  const w = new ChunkedWriter(createWriteStream(path));
  await w.line(['id', 'title', 'description', 'link', 'image_link', 'price', 'availability', 'brand', 'product_type', 'item_group_id'].join('\t'));
  const deptName = (d: number) => `${AREAS[d % AREAS.length]} > ${MATERIALS[(d * 7) % MATERIALS.length]} ${NOUNS[d % NOUNS.length]} Range ${d + 1}`;
  const n = cat.dept.length;
  for (let i = 0; i < n; i++) {
    const d = cat.dept[i];
    const family = cat.group[i] >= 0 ? cat.group[i] : i;
    // One family shares its name; variants differ by colour, as in a real feed.
    const r = mulberry32(family * 2654435761);
    const noun = NOUNS[(d + Math.floor(r() * 3)) % NOUNS.length];
    const name = `${ADJECTIVES[Math.floor(r() * ADJECTIVES.length)]} ${MATERIALS[Math.floor(r() * MATERIALS.length)]} ${noun}`;
    const title = cat.group[i] >= 0 ? `${name}, ${COLOURS[(i - family) % COLOURS.length]}` : `${name} ${family % 1000}`;
    const brand = `Brand ${d % 300}`;
    const price = (5 + Math.floor(r() * 300) + 0.99).toFixed(2);
    await w.line([
      sku(i), title, `<p>The <b>${name.toLowerCase()}</b> by ${brand}.</p><ul><li>Made to last</li></ul>`,
      `https://shop.example/p/${sku(i)}`, `https://shop.example/img/${sku(i)}.jpg`, `${price} USD`,
      rand() < 0.04 ? 'out_of_stock' : 'in_stock', brand, deptName(d), cat.group[i] >= 0 ? `G-${cat.group[i]}` : '',
    ].join('\t'));
  }
  await w.close();
  return w.bytes;
}

/** Events per shopper: log-normal (σ = 1), at least 1, rescaled so that they sum to exactly `total`. */
function eventsPerShopper(nShoppers: number, total: number, rand: () => number): Int32Array {
  const sigma = 1;
  const mu = Math.log(total / nShoppers) - (sigma * sigma) / 2;
  const raw = new Float64Array(nShoppers);
  let sum = 0;
  for (let s = 0; s < nShoppers; s++) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    sum += raw[s] = Math.exp(mu + sigma * z);
  }
  const counts = new Int32Array(nShoppers);
  let have = 0;
  const scale = (total - nShoppers) / sum;
  for (let s = 0; s < nShoppers; s++) have += counts[s] = 1 + Math.floor(raw[s] * scale + rand());
  // Stochastic rounding leaves a small difference; spread it one event at a time.
  while (have !== total) {
    const s = Math.floor(rand() * nShoppers);
    if (have < total) { counts[s]++; have++; } else if (counts[s] > 1) { counts[s]--; have--; }
  }
  return counts;
}

async function writeEvents(path: string, o: Options, cat: Catalogue, rand: () => number): Promise<{ bytes: number; byType: number[] }> {
  const n = o.events;
  const time = new Uint32Array(n); // seconds since START_S
  const shopper = new Int32Array(n);
  const item = new Int32Array(n);
  const type = new Uint8Array(n);
  const counts = eventsPerShopper(o.shoppers, n, rand);
  const span = SPAN_DAYS * DAY_S;
  const nDepts = cat.nDepts;
  const pickDept = () => search(cat.deptCum, 0, nDepts, rand() * cat.deptCum[nDepts - 1]);
  const pickIn = (d: number) => {
    const from = cat.deptStart[d], to = cat.deptStart[d + 1];
    // cumWithin restarts at each department, so its last entry is the department's total.
    return search(cat.cumWithin, from, to, rand() * cat.cumWithin[to - 1]);
  };
  let e = 0;
  const tastes = new Int32Array(3);
  for (let s = 0; s < o.shoppers; s++) {
    const want = counts[s];
    const nTastes = 1 + Math.floor(rand() * rand() * 3);
    for (let k = 0; k < nTastes; k++) tastes[k] = pickDept();
    // Sessions of ~5 events; the shopper's first visit anywhere in the 90 days, later ones days apart.
    const sessions = Math.max(1, Math.round(want / 5));
    let t = Math.floor(rand() * (span - DAY_S));
    const meanGap = Math.min(7 * DAY_S, (span - t) / (sessions + 1));
    let left = want;
    while (left > 0) {
      const d = tastes[Math.floor(rand() * nTastes)];
      let anchor = pickIn(d);
      const from = cat.deptStart[d], size = cat.deptStart[d + 1] - from;
      const length = Math.min(left, 1 + Math.floor(-Math.log(1 - rand()) * 4));
      for (let v = 0; v < length && left > 0; v++) {
        let it = anchor;
        if (v > 0) {
          const r = rand();
          // Related products sit close to the anchor in the department's list.
          if (r < 0.45) it = from + ((anchor - from + 1 + Math.floor(rand() * 5)) % size);
          else if (r < 0.85) it = pickIn(d);
          else it = pickIn(pickDept());
          anchor = it;
        }
        if (rand() < 0.001) it = DISCONTINUED;
        t = Math.min(span - 1, t + 20 + Math.floor(rand() * 280));
        time[e] = t; shopper[e] = s; item[e] = it; type[e] = 0; e++; left--;
        if (left > 0 && it !== DISCONTINUED && rand() < 0.12) {
          t = Math.min(span - 1, t + 10 + Math.floor(rand() * 60));
          time[e] = t; shopper[e] = s; item[e] = it; type[e] = 1; e++; left--;
          if (left > 0 && rand() < 0.45) {
            t = Math.min(span - 1, t + 120 + Math.floor(rand() * 600));
            time[e] = t; shopper[e] = s; item[e] = it; type[e] = 2; e++; left--;
          }
        }
      }
      t = Math.min(span - DAY_S / 24, t + Math.floor(-Math.log(1 - rand()) * meanGap));
    }
  }
  // An analytics export is in time order: a stable counting sort on the second.
  const bucket = new Int32Array(span + 1);
  for (let i = 0; i < n; i++) bucket[time[i] + 1]++;
  for (let k = 0; k < span; k++) bucket[k + 1] += bucket[k];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[bucket[time[i]]++] = i;

  // Customer ids are not dense in an export: a fixed odd multiplier scatters them.
  // (Odd, so s → s·K mod 2³² is one-to-one: no two shoppers share an id.)
  const customer = (s: number) => `cust_${Math.imul(s, 2654435761) >>> 0}`;
  const w = new ChunkedWriter(createWriteStream(path));
  await w.line('event_time,customer_id,product_id,event_type');
  const byType = [0, 0, 0];
  let day = -1, dayText = '';
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const sec = time[i];
    if (Math.floor(sec / DAY_S) !== day) {
      day = Math.floor(sec / DAY_S);
      dayText = new Date((START_S + day * DAY_S) * 1000).toISOString().slice(0, 11);
    }
    const r = sec % DAY_S;
    const hms = `${pad2(Math.floor(r / 3600))}:${pad2(Math.floor(r / 60) % 60)}:${pad2(r % 60)}`;
    const it = item[i];
    byType[type[i]]++;
    await w.line(`${dayText}${hms}Z,${customer(shopper[i])},${it === DISCONTINUED ? `SKU-OLD-${i % 97}` : sku(it)},${TYPES[type[i]]}`);
  }
  await w.close();
  return { bytes: w.bytes, byType };
}

function pad2(x: number): string {
  return x < 10 ? `0${x}` : String(x);
}

async function main(): Promise<void> {
  const o = parseOptions();
  const t0 = Date.now();
  mkdirSync(o.out, { recursive: true });
  const rand = mulberry32(o.seed);
  const cat = catalogue(o.products, rand);
  const feedBytes = await writeFeed(join(o.out, 'feed.tsv'), cat, rand);
  console.log(`${o.out}/feed.tsv: ${o.products} products in ${cat.nDepts} departments, ${(feedBytes / 2 ** 20).toFixed(1)} MB`);
  const { bytes, byType } = await writeEvents(join(o.out, 'events.csv'), o, cat, rand);
  console.log(`${o.out}/events.csv: ${o.events} events (${byType.map((c, k) => `${c} ${TYPES[k]}`).join(', ')}) of ${o.shoppers} shoppers, ` +
    `${(bytes / 2 ** 20).toFixed(1)} MB; ${((Date.now() - t0) / 1000).toFixed(1)} s, peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
