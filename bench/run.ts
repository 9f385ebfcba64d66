/**
 * The benchmark suite (issue 6): how fast Shelfwise feels, how big it is, and how its cost grows
 * with the catalogue. Runs the built storefront and the engine's code in Debian's Chromium.
 *
 *   npm run build && npm run bench [-- --out FILE.json] [--quick] [--dist DIR]
 *                                      [--network slow4g|fast4g|none|all|off] [--network-loads N] [--only-network]
 *                                      [--engines] [--only-engines] [--only-large-shop]
 *
 * Top-level figures are for the backend the engine chooses by itself; the same figures per
 * backend go under `by_backend.<name>`. Prints a table, writes JSON with --out. Figures, not
 * assertions: nothing fails on a number. --quick (the `npm test` smoke check) measures the
 * chosen backend only, with fewer repetitions and no 1M-item catalogue.
 *
 * Network profiles (issue 12, bench/network.ts): the first visit through a link emulator
 * (bench/link.ts) per profile, under `network.<profile>`. A full run measures all profiles; --quick
 * only Slow 4G's storefront first carousel, once. --only-network skips everything else.
 *
 * The 1M-product shop (issue 16, bench/large-shop.ts): in a full run when `npm run build:large-shop`
 * has put it in the build (`dist/examples/large-shop/`), under `large_shop`; --only-large-shop
 * measures nothing else.
 *
 * Engines (issue 15, bench/engines.ts): the storefront's first carousel and event → For you in
 * Chromium, Firefox and WebKit, under `engines.<name>`: in a full run, or with --engines;
 * --only-engines measures nothing else. The smoke run (--quick) leaves them to `test:browsers`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, type BackendName } from '../src/shared/protocol';
import { gzipSize, measureWidget } from '../scripts/widget-size';
import { measureApp, type AppFigures } from './app';
import { enginesTable, measureEngines } from './engines';
import type { Browser } from '@playwright/test';
import { launchChromium, round, type Dist } from './lib';
import { PROFILE_NAMES, type ProfileName } from './link';
import { largeShopBuilt, largeShopTable, measureLargeShop, type LargeShopFigures } from './large-shop';
import { measureNetwork, networkTable, type NetworkFigures } from './network';
import { profileFirstVisit, type FirstVisitProfile } from './profile';
import { buildBenchPages, measureIdb, measureStartSteps, measureWorker, serve, type CatalogSize, type WorkerFigures } from './worker-bench';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const QUICK = args.includes('--quick');
const OUT = opt('out', '');
const DIST = opt('dist', 'dist');
const NETWORK = opt('network', args.includes('--only-engines') || args.includes('--only-large-shop') ? 'off' : QUICK ? 'slow4g' : 'all');
const ONLY_ENGINES = args.includes('--only-engines');
const ONLY_LARGE_SHOP = args.includes('--only-large-shop');
const ONLY_NETWORK = args.includes('--only-network') || ONLY_ENGINES || ONLY_LARGE_SHOP;
const LARGE_SHOP_RUN = ONLY_LARGE_SHOP || (!QUICK && !ONLY_NETWORK);
const ENGINE_RUN = ONLY_ENGINES || args.includes('--engines') || !QUICK;
const NETWORK_PROFILES: ProfileName[] =
  NETWORK === 'all' ? PROFILE_NAMES : NETWORK === 'off' ? [] : (PROFILE_NAMES as string[]).includes(NETWORK) ? [NETWORK as ProfileName] : [];
if (NETWORK !== 'off' && NETWORK_PROFILES.length === 0) throw new Error(`--network ${NETWORK}: expected one of ${[...PROFILE_NAMES, 'all', 'off'].join(', ')}`);
// The smoke run only checks that the emulated link works: one storefront first carousel.
const NET = { loads: Number(opt('network-loads', QUICK ? '1' : '3')), scope: QUICK ? ('first-carousel' as const) : ('full' as const), timeoutMs: 60_000 };
const APP_PORT = 4317;
const PAGES_PORT = 4318;

const P = QUICK
  ? { events: 5, burst: 50, loads: 1, forcedLoads: 1, repeats: 5, sizes: ['demo', 100_000] as CatalogSize[], idbRuns: 1, idbRepeats: 3, profileRuns: 0 }
  : { events: 15, burst: 50, loads: 5, forcedLoads: 3, repeats: 20, sizes: ['demo', 100_000, 1_000_000] as CatalogSize[], idbRuns: 3, idbRepeats: 5, profileRuns: 3 };

type PerBackend = Omit<AppFigures, 'appWorkerHeapMb'> & Pick<WorkerFigures, 'fold_in_ms' | 'sequence_forward_ms' | 'sequence_fine_tune_ms' | 'score_catalog_ms' | 'worker_heap_mb'>;

function bundleSizes(dist: string) {
  const kb = (bytes: number) => round(bytes / 1000);
  // The app's code before it renders: the module script index.html loads (src/ui/boot.ts,
  // which starts the worker) and the app chunk it imports (src/ui/main.tsx).
  const entry = /<script type="module"[^>]*src="\/?([^"]+)"/.exec(readFileSync(join(dist, 'index.html'), 'utf8'))?.[1];
  if (!entry) throw new Error(`${dist}/index.html has no module script`);
  const app = readdirSync(join(dist, 'assets')).find((f) => /^main-[\w-]+\.js$/.test(f));
  if (!app) throw new Error(`${dist}/assets has no main-<hash>.js (the app chunk)`);
  const widget = measureWidget(join(dist, 'shelfwise'));
  return {
    app_entry: kb(gzipSize(join(dist, entry)).gzip),
    app_main: kb(gzipSize(join(dist, entry)).gzip + gzipSize(join(dist, 'assets', app)).gzip),
    widget_entry: kb(widget.entryGzip),
    widget_main_thread_total: kb(widget.mainThreadGzip),
    worker_total: kb(widget.workerGzip),
  };
}

async function main() {
  const started = Date.now();
  for (const f of ['index.html', 'shelfwise/shelfwise.js']) {
    if (!existsSync(join(DIST, f))) throw new Error(`${join(DIST, f)} is missing: run \`npm run build\` first (or pass --dist DIR of a build)`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'shelfwise-bench-'));
  const pagesDir = join(tmp, 'pages');
  if (!ONLY_NETWORK) await buildBenchPages(pagesDir);
  const app = await serve(DIST, APP_PORT);
  const pages = ONLY_NETWORK ? undefined : await serve(pagesDir, PAGES_PORT);
  const appUrl = `http://localhost:${APP_PORT}/`;
  const pagesUrl = `http://localhost:${PAGES_PORT}/`;
  const browser = await launchChromium();
  const log = (msg: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${msg}`);
  try {
    // One throwaway load: browser start-up and server warm-up are not the shop's first visit.
    const warmup = await browser.newContext();
    await (await warmup.newPage()).goto(appUrl);
    await warmup.close();
    const { meta, ...figures } = ONLY_NETWORK
      ? { meta: { date: new Date().toISOString(), machine: machine(browser.version()), command: command(), quick: QUICK } as Record<string, unknown> }
      : await benchEngine(browser, appUrl, pagesUrl, log);
    // Each profile runs through its own link emulator in front of the same preview server.
    const network: Partial<Record<ProfileName, NetworkFigures>> = {};
    for (const profile of NETWORK_PROFILES) {
      log(`network ${profile}`);
      network[profile] = await measureNetwork(browser, APP_PORT, profile, { ...NET, dist: DIST, log });
    }
    for (const profile of NETWORK_PROFILES) console.log(networkTable(profile, network[profile]!));
    let largeShop: LargeShopFigures | undefined;
    if (LARGE_SHOP_RUN && largeShopBuilt(DIST)) {
      largeShop = await measureLargeShop(browser, APP_PORT, DIST, { events: 30, timeoutMs: 60_000, log });
      console.log(largeShopTable(largeShop));
    } else if (LARGE_SHOP_RUN) log(`no large shop in ${DIST}: \`npm run build:large-shop\` puts it there`);
    const engines = ENGINE_RUN && !ONLY_LARGE_SHOP ? await measureEngines(appUrl, QUICK ? 1 : 3, QUICK ? 4 : 8, log) : undefined;
    if (engines) console.log(enginesTable(engines));
    const report = {
      ...figures,
      ...(NETWORK_PROFILES.length > 0 ? { network } : {}),
      ...(engines ? { engines } : {}),
      ...(largeShop ? { large_shop: largeShop } : {}),
      meta: {
        ...meta,
        seconds: round((Date.now() - started) / 1000),
        // Other work on the machine inflates every figure: the 1-minute load average at the end.
        load_average: round(loadavg()[0], 2),
      },
    };
    if (OUT) writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
    log(`done${OUT ? `, wrote ${OUT}` : ''}`);
  } finally {
    await browser.close();
    await Promise.all([app.close(), pages?.close()]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

const machine = (chromium: string) => `${cpus().length} cores, no GPU (WebGPU/WebGL on SwiftShader), Chromium ${chromium} headless, Node ${process.version}`;
const command = () => `npm run bench -- ${args.join(' ')}`.trim();

/** The engine and storefront figures on localhost (everything but the network profiles); prints their table. */
async function benchEngine(browser: Browser, appUrl: string, pagesUrl: string, log: (msg: string) => void) {
  log('storefront, backend chosen by the engine');
  const auto = await measureApp(browser, appUrl, 'auto', P);
  const chosen = auto.backend as BackendName;
  const backends = QUICK ? [chosen] : [...BACKENDS];
  const byBackend: Record<string, PerBackend> = {};
  const workerNotes: Record<string, Pick<WorkerFigures, 'tfjsMb' | 'errors'>> = {};
  for (const b of backends) {
    log(`engine in a worker on ${b}`);
    const { tfjsMb, errors, ...worker } = await measureWorker(browser, pagesUrl, b, P.sizes, P.repeats);
    workerNotes[b] = { tfjsMb, errors };
    log(`storefront with ?backend=${b}`);
    const { appWorkerHeapMb: _heap, ...appFigures } = QUICK ? auto : await measureApp(browser, appUrl, b, { ...P, loads: P.forcedLoads });
    byBackend[b] = { ...appFigures, ...worker };
  }
  log('IndexedDB');
  const { appendOneByOnePerS, readAllMs, ...idb } = await measureIdb(browser, pagesUrl, P.idbRuns, P.idbRepeats);
  let profile: FirstVisitProfile | undefined;
  let startSteps: Record<string, number> | undefined;
  if (P.profileRuns > 0) {
    log('first-visit profile');
    profile = await profileFirstVisit(browser, appUrl, P.profileRuns);
    // A failure here is noted, not fatal to the run.
    startSteps = await measureStartSteps(browser, pagesUrl, P.profileRuns).catch((err: unknown) => {
      log(`engine start-up steps not measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      return undefined;
    });
  }
  const top = byBackend[chosen];
  const { appWorkerHeapMb, ...autoFigures } = auto;
  const report = {
    ...autoFigures,
    fold_in_ms: top.fold_in_ms,
    sequence_forward_ms: top.sequence_forward_ms,
    sequence_fine_tune_ms: top.sequence_fine_tune_ms,
    score_catalog_ms: top.score_catalog_ms,
    worker_heap_mb: top.worker_heap_mb,
    ...idb,
    bundle_gzip_kb: bundleSizes(DIST),
    by_backend: byBackend,
    meta: {
      date: new Date().toISOString(),
      machine: machine(browser.version()),
      command: command(),
      quick: QUICK,
      repeats: P,
      app_worker_heap_mb_demo: appWorkerHeapMb,
      tfjs_backend_mb: Object.fromEntries(Object.entries(workerNotes).map(([b, n]) => [b, n.tfjsMb])),
      errors: Object.values(workerNotes).flatMap((n) => n.errors),
      idb_append_one_event_per_transaction_per_s: appendOneByOnePerS,
      idb_read_all_10k_ms: readAllMs,
      first_visit_profile: profile,
      engine_start_steps_ms: startSteps,
    },
  };
  printTable(report, byBackend);
  return report;
}

type Report = AppFigures & Pick<WorkerFigures, 'fold_in_ms' | 'sequence_forward_ms' | 'sequence_fine_tune_ms' | 'score_catalog_ms' | 'worker_heap_mb'>;

function printTable(top: Omit<Report, 'appWorkerHeapMb'> & { idb_append_events_per_s: number; idb_read_recent_10k_ms: Dist; bundle_gzip_kb: Record<string, number> }, byBackend: Record<string, PerBackend>) {
  const d = (x: Dist | null | undefined) => (x ? `${x.p50} / ${x.p95}` : 'n/a');
  const rows: [string, string, (f: PerBackend) => string][] = [
    ['event → updated For you, p50 / p95 ms', '≤ 20 / ≤ 50', (f) => d(f.event_to_update_ms)],
    ['  the same, the item\u2019s shard already in', '≤ 20 / ≤ 50', (f) => d(f.event_to_update_shard_in_ms)],
    ['event → on screen, p50 / p95 ms', '', (f) => d(f.event_to_render_ms)],
    ['fold-in 10 events, p50 / p95 ms', '', (f) => d(f.fold_in_ms['10'])],
    ['fold-in 50 events, p50 / p95 ms', '≤ 20 (p50)', (f) => d(f.fold_in_ms['50'])],
    ['sequence model: forward + score + top-10, p50 / p95 ms', '≤ 10 (p50, wasm)', (f) => d(f.sequence_forward_ms)],
    ['sequence model fine-tuned: one fit, p50 / p95 ms', '', (f) => d(f.sequence_fine_tune_ms)],
    ['score + top-10 demo, p50 / p95 ms', '≤ 3 (p50)', (f) => d(f.score_catalog_ms.demo)],
    ['score + top-10 100k, p50 / p95 ms', '≤ 15 (p50)', (f) => d(f.score_catalog_ms['100000'])],
    ['score + top-10 1M, p50 / p95 ms', '≤ 150 (p50)', (f) => d(f.score_catalog_ms['1000000'])],
    ['worker heap demo / 100k / 1M, MB', '≤ 100 at 100k', (f) => ['demo', '100000', '1000000'].map((k) => f.worker_heap_mb[k] ?? 'n/a').join(' / ')],
    ['first carousel, cold / warm ms', '≤ 400 (cold)', (f) => `${f.first_carousel_ms.cold} / ${f.first_carousel_ms.warm}`],
    ['first personal carousel, warm ms', '≤ 800', (f) => String(f.first_personal_carousel_ms.warm)],
    ['long tasks in a 50-event burst, n / ms', '0', (f) => `${f.main_thread_long_tasks.count} / ${f.main_thread_long_tasks.total_ms}`],
  ];
  const names = Object.keys(byBackend);
  const header = ['figure', 'target', `chosen: ${top.backend}`, ...names];
  const body = rows.map(([label, target, get]) => [label, target, get(top as PerBackend), ...names.map((n) => get(byBackend[n]))]);
  const b = top.bundle_gzip_kb;
  body.push(
    ['IndexedDB append, events/s (batched)', '≥ 50,000', String(top.idb_append_events_per_s)],
    ['IndexedDB read 10k recent, p50 / p95 ms', '≤ 20', d(top.idb_read_recent_10k_ms)],
    ['bundles gzip kB: app main / widget entry', '≤ 90 / ≤ 15', `${b.app_main} / ${b.widget_entry}`],
    ['bundles gzip kB: widget main thread / worker', '≤ 70 / —', `${b.widget_main_thread_total} / ${b.worker_total}`],
  );
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\nShelfwise benchmarks (backend chosen: ${top.backend}: ${top.backend_reason})`);
  console.log([line(header), ...body.map(line)].join('\n'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
