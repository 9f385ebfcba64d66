/**
 * Costs that do not grow (issue 16): the synthetic 1M-product shop of `npm run build:large-shop`
 * (a partitioned model under `dist/examples/large-shop/`), as its shoppers meet it.
 *
 * - Slow 4G (bench/link.ts, page and worker requests): a cold first visit to its home page, the
 *   first carousel, then a view of a trending product and the first personal For you on screen,
 *   with every byte before it; then nine more views of what For you shows (a shopper following
 *   recommendations) and the bytes of the whole session.
 * - Localhost: event → updated For you on the page (the page hears of the new revision and asks
 *   for the list, as its carousel does), over a session that follows For you and now and then
 *   jumps to a trending product elsewhere in the shop; split by whether the event brought a new
 *   part. Then the worker's memory (V8 heap + ArrayBuffers, after a GC).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { watchWorkerHeap } from './cdp';
import { round, stats, type Dist } from './lib';
import { PROFILES, startLink } from './link';
import { attempt, before, coldPage, open, QUIET_MS, rows, seenAt, timeOrigin, totals, withTimeout, type ByteTotals, type FileRow } from './network';

export const LARGE_SHOP_DIR = 'examples/large-shop';
const HOME = `/${LARGE_SHOP_DIR}/index.html`;
const SESSION_VIEWS = 10;
const WIDGET_FIRST_CAROUSEL_MARK = 'shelfwise:first-carousel';

export interface LargeShopFigures {
  items: number;
  parts: number;
  /** `scripts/large-shop.ts --check`: share of the exhaustive top 100 inside the parts a device would hold. */
  recall?: unknown;
  slow4g: {
    first_carousel_ms: number | null;
    first_event_to_personal_for_you_ms: number | null;
    before_personal_for_you: ByteTotals | null;
    files_before_personal_for_you: FileRow[];
    session: (ByteTotals & { views: number; parts: number; settled: boolean }) | null;
  };
  local: {
    events: number;
    event_to_for_you_ms: Dist | null;
    /** Events whose item's part (and the shopper's parts) were already held. */
    held_part_ms: Dist | null;
    /** Events that fetched at least one part first. */
    new_part_ms: Dist | null;
    new_part_events: number;
    parts_fetched: number;
    worker_heap_mb: number | null;
  };
  notes: string[];
  seconds: number;
}

interface Widget {
  track(type: 'view', id: string): Promise<boolean>;
  recommend(surface: string, opts?: { limit?: number }): Promise<{ items: { id: string }[]; personal: boolean }>;
  status(): Promise<{ revision: number }>;
  on(event: 'update', listener: (s: { revision: number }) => void): () => void;
  whenIdle(): Promise<void>;
}
type WidgetWindow = { shelfwise: Widget };

/** Undefined when the large shop was not built into `dist`. */
export function largeShopBuilt(dist: string): { items: number; parts: number } | undefined {
  const path = join(dist, LARGE_SHOP_DIR, 'model', 'manifest.json');
  if (!existsSync(path)) return undefined;
  const m = JSON.parse(readFileSync(path, 'utf8')) as { itemCount: number; partitions: { count: number } };
  return { items: m.itemCount, parts: m.partitions.count };
}

const isPart = (path: string) => /\/part-\d+\.[0-9a-f]+\.bin/.test(path);
/** The ids of the widget's list for `surface` (its JS API, in the page). */
const listed = (page: Page, surface: string, limit: number) =>
  page.evaluate(async ([s, k]) => (await (globalThis as unknown as WidgetWindow).shelfwise.recommend(s, { limit: k })).items.map((it) => it.id), [surface, limit] as const);
const view = (page: Page, id: string) => page.evaluate((item) => (globalThis as unknown as WidgetWindow).shelfwise.track('view', item), id);
const idle = (page: Page) => page.evaluate(() => (globalThis as unknown as WidgetWindow).shelfwise.whenIdle());

export async function measureLargeShop(browser: Browser, upstreamPort: number, dist: string, opts: { events: number; timeoutMs: number; log: (msg: string) => void }): Promise<LargeShopFigures> {
  const started = Date.now();
  const built = largeShopBuilt(dist)!;
  const recallPath = join(dist, LARGE_SHOP_DIR, 'recall.json');
  const notes: string[] = [];
  const out: LargeShopFigures = {
    ...built,
    ...(existsSync(recallPath) ? { recall: (JSON.parse(readFileSync(recallPath, 'utf8')) as { recall?: unknown }).recall } : {}),
    slow4g: { first_carousel_ms: null, first_event_to_personal_for_you_ms: null, before_personal_for_you: null, files_before_personal_for_you: [], session: null },
    local: { events: 0, event_to_for_you_ms: null, held_part_ms: null, new_part_ms: null, new_part_events: 0, parts_fetched: 0, worker_heap_mb: null },
    notes,
    seconds: 0,
  };
  const T = opts.timeoutMs;

  opts.log('large shop: Slow 4G first visit');
  const link = await startLink(PROFILES.slow4g, upstreamPort);
  const [context, page] = await coldPage(browser, `http://127.0.0.1:${link.port}`);
  try {
    await open(page, link, HOME, T);
    out.slow4g.first_carousel_ms = await attempt(notes, 'first carousel', async () => {
      const handle = await page.waitForFunction((mark) => performance.getEntriesByName(mark, 'mark')[0]?.startTime, WIDGET_FIRST_CAROUSEL_MARK, { timeout: T, polling: 50 });
      return round((await handle.jsonValue()) as number);
    });
    const first = (await listed(page, 'trending', 1))[0];
    const t0 = await page.evaluate((id) => {
      const t = performance.now();
      void (globalThis as unknown as WidgetWindow).shelfwise.track('view', id);
      return t;
    }, first);
    const personal = await attempt(notes, 'first event → personal For you', () => seenAt(page, 'for-you:personal', T));
    if (personal !== null) {
      out.slow4g.first_event_to_personal_for_you_ms = round(personal - t0);
      const files = before(rows(link, await timeOrigin(page)), personal);
      out.slow4g.before_personal_for_you = totals(files);
      out.slow4g.files_before_personal_for_you = files;
    }
    out.slow4g.session = await attempt(notes, 'session', async () => {
      const seen = new Set([first]);
      for (let i = 1; i < SESSION_VIEWS; i++) {
        const next = (await listed(page, 'for-you', 20)).find((id) => !seen.has(id));
        if (!next) break;
        seen.add(next);
        await withTimeout(view(page, next), T, 'track(view)');
        await withTimeout(idle(page), T, 'whenIdle()');
      }
      const settled = await link.waitQuiet(QUIET_MS, T);
      const files = rows(link, await timeOrigin(page));
      return { ...totals(files), views: seen.size, parts: files.filter((f) => isPart(f.path)).length, settled };
    });
  } finally {
    await context.close();
    await link.close();
  }

  opts.log(`large shop: ${opts.events} events on localhost`);
  const local = await browser.newContext({ baseURL: `http://localhost:${upstreamPort}` });
  try {
    const p = await local.newPage();
    const heap = await watchWorkerHeap(p);
    let parts = 0;
    p.on('request', (r) => void (isPart(new URL(r.url()).pathname) && parts++));
    await p.goto(HOME);
    await p.waitForFunction(() => 'shelfwise' in globalThis);
    const trending = await listed(p, 'trending', 40);
    const held: number[] = [], fresh: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < opts.events; i++) {
      // Mostly what For you shows; every fifth event a trending product elsewhere in the shop.
      const forYou = i % 5 === 0 ? [] : await listed(p, 'for-you', 20);
      const id = [...forYou, ...trending].find((x) => !seen.has(x));
      if (!id) break;
      seen.add(id);
      const partsBefore = parts;
      const ms = await p.evaluate(async (item) => {
        const w = (globalThis as unknown as WidgetWindow).shelfwise;
        const revision = (await w.status()).revision;
        const t = performance.now();
        const heard = new Promise<void>((resolve) => {
          const off = w.on('update', (s) => {
            if (s.revision > revision) (off(), resolve());
          });
        });
        await w.track('view', item);
        await heard;
        await w.recommend('for-you', { limit: 10 });
        return performance.now() - t;
      }, id);
      (parts > partsBefore ? fresh : held).push(ms);
      await idle(p);
    }
    const all = [...held, ...fresh];
    out.local = {
      events: all.length,
      event_to_for_you_ms: all.length ? stats(all) : null,
      held_part_ms: held.length ? stats(held) : null,
      new_part_ms: fresh.length ? stats(fresh) : null,
      new_part_events: fresh.length,
      parts_fetched: parts,
      worker_heap_mb: await attempt(notes, 'worker heap', async () => round(await heap.measure())),
    };
  } finally {
    await local.close();
  }
  out.seconds = round((Date.now() - started) / 1000);
  return out;
}

/** The README's "How it scales" rows for the large shop. */
export function largeShopTable(f: LargeShopFigures): string {
  const kb = (b: number | null | undefined) => (b === null || b === undefined ? 'n/a' : `${(b / 1000).toFixed(0)} kB`);
  const d = (x: Dist | null) => (x ? `${x.p50} / ${x.p95}` : 'n/a');
  const rowsOut = [
    ['items / parts', '', `${f.items.toLocaleString('en')} / ${f.parts}`],
    ['Slow 4G: first carousel, ms', '', String(f.slow4g.first_carousel_ms ?? 'n/a')],
    ['Slow 4G: first view → personal For you, ms', '', String(f.slow4g.first_event_to_personal_for_you_ms ?? 'n/a')],
    ['Slow 4G: bytes before it (all / data)', '≤ 2 MB', `${kb(f.slow4g.before_personal_for_you?.all_bytes)} / ${kb(f.slow4g.before_personal_for_you?.data_bytes)}`],
    [`Slow 4G: a first session of ${f.slow4g.session?.views ?? '?'} views (all / data, parts)`, '', `${kb(f.slow4g.session?.all_bytes)} / ${kb(f.slow4g.session?.data_bytes)}, ${f.slow4g.session?.parts ?? 'n/a'} parts`],
    [`event → updated For you, ${f.local.events} events, p50 / p95 ms`, '≤ 50 (p50)', d(f.local.event_to_for_you_ms)],
    ['  … parts already held / new part fetched', '', `${d(f.local.held_part_ms)} / ${d(f.local.new_part_ms)} (${f.local.new_part_events} events)`],
    ['worker memory after the session, MB', '≤ 150', String(f.local.worker_heap_mb ?? 'n/a')],
  ];
  return ['| figure (1M-item shop) | target | measured |', '| --- | --- | --- |', ...rowsOut.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
