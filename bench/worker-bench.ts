/**
 * Engine costs inside a real browser worker, per tfjs backend: the bench page (`bench/pages/`,
 * built here by Vite, never part of the product build) runs the engine's own code paths and
 * the driver reads the worker's heap over CDP. Also IndexedDB and the start-up steps.
 */
import { join, resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';
import type { BackendName } from '../src/shared/protocol';
import type { BenchApi } from './pages/bench.worker';
import { watchWorkerHeap, type WorkerHeap } from './cdp';
import { median, round, stats, type Dist } from './lib';
import type { Remote } from 'comlink';

interface BenchWindow {
  bench: Remote<BenchApi>;
}

export type CatalogSize = 'demo' | number;

export interface WorkerFigures {
  fold_in_ms: Record<string, Dist>;
  /** Sequence model after an event: forward pass (JS) + scoring its query on the backend + bias + top 10, demo catalogue. */
  sequence_forward_ms: Dist;
  /** One fit of the sequence model's per-shopper adapter (`DEFAULT_FINE_TUNE`: its steps over its transitions). */
  sequence_fine_tune_ms: Dist;
  score_catalog_ms: Record<string, Dist | null>;
  /** JS heap + ArrayBuffers (CDP) + WebAssembly memory, after a full GC. */
  worker_heap_mb: Record<string, number | null>;
  /** What tfjs holds on the backend per catalogue (on WebGL/WebGPU outside the worker heap). */
  tfjsMb: Record<string, number | null>;
  errors: string[];
}

/** Builds the bench page and worker into `outDir` (with the committed catalogue and model). */
export async function buildBenchPages(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: resolve('bench/pages'),
    publicDir: resolve('public'),
    logLevel: 'error',
    worker: { format: 'es' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // The wasm kernels must stay separate files: the worker fetches them by URL.
      assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
      chunkSizeWarningLimit: 4000,
    },
  });
}

/**
 * Serves `outDir` as `npm run preview` serves dist/: vite.config.ts's plugins, so the
 * compressed siblings and caching headers of scripts/lib/static-assets.ts (what shoppers get).
 * A folder built without them (the bench pages) gets its `.br`/`.gz` siblings first; a build's
 * up-to-date siblings are kept.
 */
export async function serve(outDir: string, port: number): Promise<PreviewServer> {
  const { precompressDir } = await import('../scripts/lib/static-assets');
  await precompressDir(outDir);
  const configFile = join(import.meta.dirname, '..', 'vite.config.ts');
  return preview({ configFile, build: { outDir: resolve(outDir) }, preview: { port, strictPort: true }, logLevel: 'error' });
}

/** Opens the bench page in a fresh context (empty cache, a new worker); `run` gets the worker proxy's caller. */
async function withBenchPage<T>(browser: Browser, url: string, run: (call: Call, heap: WorkerHeap) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const heap = await watchWorkerHeap(page);
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as Partial<BenchWindow>).bench !== undefined);
    return await run(caller(page), heap);
  } finally {
    await context.close();
  }
}

type Call = <K extends keyof BenchApi>(method: K, ...args: Parameters<BenchApi[K]>) => Promise<Awaited<ReturnType<BenchApi[K]>>>;

function caller(page: Page): Call {
  return (method, ...args) =>
    page.evaluate(
      ([m, a]) => ((globalThis as unknown as BenchWindow).bench[m as keyof BenchApi] as unknown as (...x: unknown[]) => Promise<unknown>)(...a),
      [method, args] as [string, unknown[]],
    ) as never;
}

export async function measureWorker(browser: Browser, url: string, backend: BackendName, sizes: CatalogSize[], repeats: number): Promise<WorkerFigures> {
  return withBenchPage(browser, url, async (call, heap) => {
    const errors: string[] = [];
    const active = await call('useBackend', backend);
    if (active.backend !== backend) errors.push(`${backend} did not start: ${active.reason}`);
    const fold_in_ms: WorkerFigures['fold_in_ms'] = {};
    for (const events of [10, 50]) fold_in_ms[String(events)] = stats(await call('timeFoldIn', events, repeats, 5000));
    const sequence_forward_ms = stats(await call('timeSequence', repeats, 5000));
    const sequence_fine_tune_ms = stats(await call('timeFineTune', repeats, 5000));
    const out: WorkerFigures = { fold_in_ms, sequence_forward_ms, sequence_fine_tune_ms, score_catalog_ms: {}, worker_heap_mb: {}, tfjsMb: {}, errors };
    for (const size of sizes) {
      const key = String(size);
      try {
        const { tfjsMb, wasmMemoryMb } = await call('prepareCatalog', size);
        out.worker_heap_mb[key] = round((await heap.measure()) + wasmMemoryMb);
        out.tfjsMb[key] = round(tfjsMb);
        out.score_catalog_ms[key] = stats(await call('timeScore', repeats, 10_000));
      } catch (err) {
        errors.push(`${backend}, ${key} items: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        out.score_catalog_ms[key] ??= null;
        out.worker_heap_mb[key] ??= null;
        out.tfjsMb[key] ??= null;
      }
      await call('dropCatalog');
    }
    return out;
  });
}

export interface IdbFigures {
  idb_append_events_per_s: number;
  idb_read_recent_10k_ms: Dist;
  /** One transaction per event: what a shopper's events one at a time cost. */
  appendOneByOnePerS: number;
  /** The whole log of 10k events, as the engine reads it at start. */
  readAllMs: Dist;
}

export async function measureIdb(browser: Browser, url: string, runs: number, repeats: number): Promise<IdbFigures> {
  return withBenchPage(browser, url, async (call) => {
    const batched = [];
    for (let r = 0; r < runs; r++) batched.push(await call('idb', 10_000, 100, 10_000, repeats));
    const single = await call('idb', 1000, 1, 10, 1);
    return {
      idb_append_events_per_s: Math.round(median(batched.map((b) => b.eventsPerS))),
      idb_read_recent_10k_ms: stats(batched.flatMap((b) => b.recentMs)),
      appendOneByOnePerS: Math.round(single.eventsPerS),
      readAllMs: stats(batched.flatMap((b) => b.allMs)),
    };
  });
}

/** The engine's start-up steps timed one by one in a fresh worker with an empty cache (median of `runs`). */
export async function measureStartSteps(browser: Browser, url: string, runs: number): Promise<Record<string, number>> {
  const all: Record<string, number>[] = [];
  for (let r = 0; r < runs; r++) all.push(await withBenchPage(browser, url, (call) => call('startSteps')));
  return Object.fromEntries(Object.keys(all[0]).map((k) => [k, round(median(all.map((s) => s[k])))]));
}

export const benchPagesDir = (tmp: string) => join(tmp, 'bench-pages');
