/**
 * Where the first visit's first carousel spends its time: a Chromium trace (CDP Tracing through
 * Playwright) of a cold load of the storefront, cut into segments on the main and worker
 * threads. Times are ms since navigation start (the first-carousel mark's startTime anchors the
 * trace clock); tracing itself slows the load, so compare segments, not the total, with the
 * untraced figures.
 */
import type { Browser } from '@playwright/test';
import type { ShelfwiseWindow } from '../src/ui/qa-hook-api';
import { median, round } from './lib';

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { requestId?: string; url?: string } };
}

export type FirstVisitProfile = Record<string, number>;

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'v8.execute', 'loading', 'toplevel'];

/** Segments of one trace; see `profileFirstVisit`. */
function segments(events: TraceEvent[], firstCarousel: number): FirstVisitProfile {
  const thread = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') thread.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const on = (name: string) => (e: TraceEvent) => thread.get(`${e.pid}:${e.tid}`) === name;
  const mark = events.find((e) => e.name === 'shelfwise:first-carousel');
  if (!mark) throw new Error('trace has no first-carousel mark');
  const t0 = mark.ts - firstCarousel * 1000;
  const at = (ts: number) => (ts - t0) / 1000;
  const before = (e: TraceEvent) => e.ts >= t0 && e.ts <= mark.ts;
  // Top-level tasks only: their durations add up to the thread's busy time.
  const busy = (name: string) => events.filter((e) => on(name)(e) && before(e) && e.name === 'RunTask' && e.cat?.includes('devtools.timeline'));
  const sum = (xs: TraceEvent[]) => xs.reduce((s, e) => s + (e.dur ?? 0) / 1000, 0);

  const requests = new Map<string, { url?: string; send?: number; finish?: number }>();
  for (const e of events) {
    const id = e.args?.data?.requestId;
    if (!id || !['ResourceSendRequest', 'ResourceFinish'].includes(e.name)) continue;
    const r = requests.get(id) ?? {};
    if (e.name === 'ResourceSendRequest') Object.assign(r, { url: e.args?.data?.url, send: at(e.ts) });
    else r.finish = at(e.ts);
    requests.set(id, r);
  }
  const matching = (re: RegExp) => [...requests.values()].filter((r) => r.url && re.test(r.url));
  const data = matching(/\/(catalog\.json|model\/)/);
  const mainChunk = matching(/\/assets\/index-[^/]*\.js$/)[0];
  const worker = events.filter((e) => on('DedicatedWorker thread')(e) && before(e));
  const downloadsEnd = Math.max(...data.map((r) => r.finish ?? NaN));
  const mainEval = events.find((e) => on('CrRendererMain')(e) && before(e) && e.name === 'v8.evaluateModule');
  return {
    main_chunk_requested: round(mainChunk?.send ?? NaN),
    main_chunk_loaded: round(mainChunk?.finish ?? NaN),
    main_module_evaluated: round(mainEval ? at(mainEval.ts + (mainEval.dur ?? 0)) : NaN),
    worker_thread_started: round(worker.length ? at(Math.min(...worker.map((e) => e.ts))) : NaN),
    data_requested: round(Math.min(...data.map((r) => r.send ?? NaN))),
    data_loaded: round(downloadsEnd),
    worker_busy_after_data_ms: round(sum(busy('DedicatedWorker thread').filter((e) => at(e.ts) >= downloadsEnd))),
    first_carousel: round(firstCarousel),
    worker_busy_ms: round(sum(busy('DedicatedWorker thread'))),
    worker_gc_ms: round(sum(worker.filter((e) => e.name === 'MinorGC' || e.name === 'MajorGC'))),
    main_busy_ms: round(sum(busy('CrRendererMain'))),
  };
}

/** Median segments over `runs` traced cold loads (each a fresh context: empty cache and IndexedDB). */
export async function profileFirstVisit(browser: Browser, url: string, runs: number): Promise<FirstVisitProfile> {
  const all: FirstVisitProfile[] = [];
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as Partial<ShelfwiseWindow>).__shelfwise?.timings().firstCarousel !== undefined);
    const { firstCarousel } = await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.timings());
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    all.push(segments(trace.traceEvents, firstCarousel!));
    await context.close();
  }
  return Object.fromEntries(Object.keys(all[0]).map((k) => [k, round(median(all.map((p) => p[k])))]));
}
