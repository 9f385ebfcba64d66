/**
 * A first visit on a phone network (issue 12): the built storefront and the widget's example
 * page loaded through the link emulator (bench/link.ts) with Slow 4G / Fast 4G / no shaping,
 * timing what the shopper sees and counting the bytes every request of the page and of its
 * workers put on the wire.
 *
 * Each cold load runs in a fresh browser context (empty HTTP cache, Cache Storage and
 * IndexedDB), so nothing skips the link. A figure that does not arrive within the timeout is
 * null, with a note saying why; nothing here throws for one missing figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { ShelfwiseWindow } from '../src/ui/qa-hook-api';
import { median, round } from './lib';
import { PROFILES, startLink, type Link, type LinkRequest, type ProfileName } from './link';

export interface NetworkOptions {
  /** The directory being served (to pick a catalogue item for the product page). */
  dist: string;
  /** Cold loads per figure (the median is reported). */
  loads: number;
  /** `first-carousel`: the storefront's first carousel (and bytes before it) only: the smoke run. */
  scope: 'full' | 'first-carousel';
  /** How long to wait for any one figure. */
  timeoutMs: number;
  log?: (msg: string) => void;
}

export type FileKind = 'code' | 'data' | 'host' | 'other';

/** One request of a visit; times are ms since that page's navigation start. */
export interface FileRow {
  path: string;
  kind: FileKind;
  /** Response head + body on the wire. */
  bytes: number;
  status: number;
  end_ms: number | null;
}

export interface ByteTotals {
  code_bytes: number;
  data_bytes: number;
  other_bytes: number;
  all_bytes: number;
  requests: number;
}

export interface StorefrontNetwork {
  first_carousel_ms: number | null;
  first_carousel_runs_ms: (number | null)[];
  data_bytes_before_first_carousel: number | null;
  code_bytes_before_first_carousel: number | null;
  files_before_first_carousel: FileRow[];
  product_page_because_you_viewed_ms?: number | null;
  product_page_runs_ms?: (number | null)[];
  /** Requests of the first product page load when its Because you viewed showed (end_ms null: still arriving). */
  product_page_files?: FileRow[];
  /** From `track('view')` to a personal For you on screen (the For you region's `data-personal`). */
  first_event_to_personal_for_you_ms?: number | null;
  first_event_runs_ms?: (number | null)[];
  /** The same from the app's own first-personal-carousel mark (any personal carousel). */
  first_event_to_personal_mark_ms?: number | null;
  first_session?: (ByteTotals & { views: number; add_to_cart: number; settled: boolean }) | null;
  returning?: {
    /** Data files again: body bytes of 200s, head bytes of 304s. */
    data_bytes: number | null;
    all_bytes: number | null;
    requests: number | null;
    /** `timings().firstPersonalCarousel` of the new navigation. */
    personal_ms: number | null;
    /** When the For you region itself showed personal cards. */
    personal_for_you_ms: number | null;
    files: FileRow[];
  };
}

export interface WidgetNetwork {
  first_carousel_ms: number | null;
  first_carousel_runs_ms: (number | null)[];
  data_bytes_before_first_carousel: number | null;
  code_bytes_before_first_carousel: number | null;
  files_before_first_carousel: FileRow[];
}

export interface NetworkFigures {
  link: { rtt_ms: number; down_kbit_s: number | null; up_kbit_s: number | null; how: string };
  bytes_counted: string;
  loads: number;
  scope: NetworkOptions['scope'];
  storefront: StorefrontNetwork;
  widget?: WidgetNetwork;
  /** Every request of the storefront's first session (first load), in order of arrival. */
  first_visit_files?: FileRow[];
  notes: string[];
  seconds: number;
}

/** The widget's first-carousel performance mark (src/widget/controller.ts FIRST_CAROUSEL_MARK). */
const WIDGET_FIRST_CAROUSEL_MARK = 'shelfwise:first-carousel';
const WIDGET_PAGE = 'examples/plain.html';
const SESSION_VIEWS = 10;
/** "Background downloads have settled": no request in flight for this long. */
export const QUIET_MS = 2000;

const LINK_HOW =
  'bench/link.ts: an HTTP/1.1 reverse proxy on 127.0.0.1 in front of the preview server; every request of the page and its workers crosses it. ' +
  'One RTT per new TCP connection (no TLS emulated), half an RTT before each request goes upstream and half before its response starts; ' +
  'request and response bytes paced through one shared uplink and one shared downlink (1-4 KB chunks, round robin between concurrent transfers). ' +
  "Chromium speaks HTTP/1.1 to it (at most 6 connections per host, no HTTP/2 multiplexing). Each cold load is a fresh browser context: empty HTTP cache, Cache Storage and IndexedDB.";

const BYTES_HOW =
  'Counted at the proxy as they cross the link: response status line + headers as forwarded (HTTP/1.1 framing) + body as sent by the server (compressed if it compressed it). ' +
  "Requests answered from Chromium's own cache never reach the link and count 0. Kinds: data = catalog*.json, /model/*, merchant.json, starter files, other .json/.bin; " +
  'code = .js/.mjs/.wasm/.css/.html and the storefront document; host = the widget example page and its stylesheet (the merchant\'s, not Shelfwise\'s). ' +
  "'Before first carousel' = requests whose last byte left the link before the first-carousel time (both ms since navigation start). " +
  'Returning data bytes = body bytes of data files answered 200 + head bytes of 304s.';

/** What a file is, by its path. */
export function classify(path: string): FileKind {
  const p = path.split('?')[0];
  // The example pages are the merchant's; a model under them (the large shop's) is data.
  if (p.startsWith('/examples/') && !p.includes('/model/')) return 'host';
  if (/\/catalog[^/]*\.json$|^\/model\/|\/merchant\.json$|starter|\.(json|bin)$/i.test(p)) return 'data';
  if (p === '/' || /\.(m?js|wasm|css|html?)$/i.test(p)) return 'code';
  return 'other';
}

const wire = (r: LinkRequest) => r.header_bytes + r.body_bytes;

/** The link's records as a page saw them: times shifted to ms since its navigation start. */
export function rows(link: Link, timeOrigin: number): FileRow[] {
  const shift = timeOrigin - link.resetAt();
  return link.requests().map((r) => ({
    path: r.path,
    kind: classify(r.path),
    bytes: wire(r),
    status: r.status,
    end_ms: r.end_ms === null ? null : round(r.end_ms - shift),
  }));
}

export function totals(files: FileRow[]): ByteTotals {
  const sum = (kind?: FileKind) => files.filter((f) => !kind || f.kind === kind).reduce((s, f) => s + f.bytes, 0);
  return { code_bytes: sum('code'), data_bytes: sum('data'), other_bytes: sum('other') + sum('host'), all_bytes: sum(), requests: files.length };
}

export const before = (files: FileRow[], ms: number) => files.filter((f) => f.end_ms !== null && f.end_ms <= ms);
export const medianOrNull = (xs: (number | null)[]) => {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return ok.length ? round(median(ok)) : null;
};
const message = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

/** Rejects after `ms`; the abandoned promise's own rejection is swallowed (its page closes later). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  p.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/** Runs one measurement; a failure becomes null and a note. */
export async function attempt<T>(notes: string[], what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (err) {
    notes.push(`${what}: ${message(err)}`);
    return null;
  }
}

// --- In the page --------------------------------------------------------------------------------
// The scripts below run in Chromium; bench/ compiles without DOM types, so they see the page
// through these minimal shapes.
interface PageNode {
  querySelectorAll(selector: string): Iterable<PageNode>;
  querySelector(selector: string): PageNode | null;
  getAttribute(name: string): string | null;
  shadowRoot?: PageNode | null;
}
interface PageGlobals {
  document: PageNode;
  /** surface → first time (performance.now()) its region showed cards; `surface:personal` → personal cards. */
  __shelfwiseSeen?: Record<string, number>;
}

/**
 * Init script: on every frame, notes when each carousel region (storefront's, or a widget's in
 * its open shadow root) first shows cards, and first shows personal cards. A rAF loop sees what
 * is on screen without changing the app; it costs a few selector queries per frame. Plain
 * source, not a function: tsx would insert its `__name` helper into a function's text, which
 * does not exist in the page.
 */
const WATCH_CAROUSELS = `(() => {
  const seen = (globalThis.__shelfwiseSeen = {});
  const scan = (root) => {
    for (const region of root.querySelectorAll('[role="region"][data-surface]')) {
      if (!region.querySelector('[data-item-id]')) continue;
      const surface = region.getAttribute('data-surface') || '?';
      if (!(surface in seen)) seen[surface] = performance.now();
      const key = surface + ':personal';
      if (region.getAttribute('data-personal') === 'true' && !(key in seen)) seen[key] = performance.now();
    }
  };
  const frame = () => {
    scan(document);
    for (const host of document.querySelectorAll('shelfwise-carousel')) if (host.shadowRoot) scan(host.shadowRoot);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/** Waits for `probe(arg)` (run in the page) to return a number; returns it. */
async function waitForNumber(page: Page, probe: (arg: string) => number | undefined | null, arg: string, timeoutMs: number, what: string): Promise<number> {
  try {
    const handle = await page.waitForFunction(probe, arg, { timeout: timeoutMs, polling: 50 });
    return (await handle.jsonValue()) as number;
  } catch (err) {
    throw new Error(`${what}: ${/Timeout/i.test(message(err)) ? `not within ${timeoutMs / 1000} s` : message(err)}`);
  }
}

export const seenAt = (page: Page, key: string, timeoutMs: number) =>
  waitForNumber(page, (k) => (globalThis as unknown as PageGlobals).__shelfwiseSeen?.[k], key, timeoutMs, `"${key}" carousel on screen`);

export const timeOrigin = (page: Page) => page.evaluate(() => performance.timeOrigin);

/** A fresh context (nothing cached) with the carousel watcher installed. */
export async function coldPage(browser: Browser, baseURL: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ baseURL });
  await context.addInitScript({ content: WATCH_CAROUSELS });
  return [context, await context.newPage()];
}

/** Starts a navigation without waiting for `load` (which can take long on a slow link). */
export async function open(page: Page, link: Link, path: string, timeoutMs: number): Promise<void> {
  link.reset();
  await page.goto(path, { waitUntil: 'commit', timeout: timeoutMs });
}

/** The storefront's QA hook, inside the page. */
type Hook = ShelfwiseWindow['__shelfwise'];
const track = (page: Page, type: 'view' | 'add_to_cart', id: string) =>
  page.evaluate(([t, i]) => (globalThis as unknown as { __shelfwise: Hook }).__shelfwise.track(t, i), [type, id] as const);
const whenIdle = (page: Page) => page.evaluate(() => (globalThis as unknown as { __shelfwise: Hook }).__shelfwise.whenIdle());

/** Item ids shown in the page's carousels (what a shopper would open), falling back to trending. */
async function shownIds(page: Page, n: number): Promise<string[]> {
  const fromDom = await page.evaluate(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    return [...doc.querySelectorAll('[data-item-id]')].map((e) => e.getAttribute('data-item-id') ?? '').filter(Boolean);
  });
  const ids = [...new Set(fromDom)];
  if (ids.length >= n) return ids.slice(0, n);
  const trending = await page.evaluate((k) => (globalThis as unknown as { __shelfwise: Hook }).__shelfwise.recommend('trending', k), n * 2);
  return [...new Set([...ids, ...trending])].slice(0, n);
}

/** The first item of the served catalogue: the product page a shopper lands on from a search engine. */
function catalogueItem(dist: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dist, 'catalog.json'), 'utf8')) as { items?: { id: string }[] }).items?.[0]?.id;
  } catch {
    return undefined;
  }
}

// --- The measurements ---------------------------------------------------------------------------

interface StorefrontLoad {
  firstCarousel: number | null;
  beforeFirst: FileRow[] | null;
  eventToPersonal: number | null;
  eventToMark: number | null;
  session: (ByteTotals & { settled: boolean; files: FileRow[] }) | null;
  returning: StorefrontNetwork['returning'] | null;
}

/** One cold storefront visit: first carousel, then (full scope) a first session, then a return. */
async function storefrontLoad(browser: Browser, link: Link, base: string, opts: NetworkOptions, notes: string[], label: string): Promise<StorefrontLoad> {
  const out: StorefrontLoad = { firstCarousel: null, beforeFirst: null, eventToPersonal: null, eventToMark: null, session: null, returning: null };
  const [context, page] = await coldPage(browser, base);
  const T = opts.timeoutMs;
  try {
    if ((await attempt(notes, `${label} navigation`, () => open(page, link, '/', T))) === null) return out;
    out.firstCarousel = await attempt(notes, `${label} first carousel`, () =>
      waitForNumber(page, () => (globalThis as unknown as Partial<ShelfwiseWindow>).__shelfwise?.timings().firstCarousel, '', T, 'timings().firstCarousel'),
    );
    if (out.firstCarousel === null) return out;
    const origin = await timeOrigin(page);
    out.beforeFirst = before(rows(link, origin), out.firstCarousel);
    if (opts.scope !== 'full') return out;

    // The first event: a view of a product shown, then a personal For you on screen.
    const ids = await shownIds(page, SESSION_VIEWS);
    const t0 = await page.evaluate((id) => {
      const t = performance.now();
      void (globalThis as unknown as ShelfwiseWindow).__shelfwise.track('view', id);
      return t;
    }, ids[0]);
    out.eventToPersonal = await attempt(notes, `${label} first event → personal For you`, async () => (await seenAt(page, 'for-you:personal', T)) - t0);
    out.eventToMark = await attempt(notes, `${label} first event → personal mark`, async () => {
      const mark = await page.evaluate(() => (globalThis as unknown as { __shelfwise: Hook }).__shelfwise.timings().firstPersonalCarousel ?? null);
      if (mark === null) throw new Error('no first-personal-carousel mark');
      return mark - t0;
    });

    // The rest of a first session: 9 more views and an add to cart, then let downloads settle.
    out.session = await attempt(notes, `${label} first session`, async () => {
      for (const id of ids.slice(1)) await withTimeout(track(page, 'view', id), T, 'track(view)');
      await withTimeout(track(page, 'add_to_cart', ids[ids.length - 1]), T, 'track(add_to_cart)');
      await withTimeout(whenIdle(page), T, 'whenIdle()');
      const settled = await link.waitQuiet(QUIET_MS, T);
      if (!settled) notes.push(`${label} first session: downloads still running after ${T / 1000} s; counted so far`);
      const files = rows(link, origin);
      return { ...totals(files), settled, files };
    });
    if (ids.length < SESSION_VIEWS) notes.push(`${label}: only ${ids.length} distinct items to view`);

    // The returning shopper, model unchanged: a new navigation in the same context, later (new connections).
    out.returning = await attempt(notes, `${label} returning visit`, async () => {
      link.dropIdleConnections();
      await open(page, link, '/', T);
      const personalForYou = await attempt(notes, `${label} returning personal For you`, () => seenAt(page, 'for-you:personal', T));
      const personal = await attempt(notes, `${label} returning personal mark`, () =>
        waitForNumber(page, () => (globalThis as unknown as Partial<ShelfwiseWindow>).__shelfwise?.timings().firstPersonalCarousel, '', T, 'timings().firstPersonalCarousel'),
      );
      await attempt(notes, `${label} returning whenIdle`, () => withTimeout(whenIdle(page), T, 'whenIdle()'));
      await link.waitQuiet(QUIET_MS, T);
      const files = rows(link, await timeOrigin(page));
      const recs = link.requests();
      const data = recs.filter((r) => classify(r.path) === 'data').reduce((s, r) => s + (r.status === 304 ? r.header_bytes : r.body_bytes), 0);
      return { data_bytes: data, all_bytes: totals(files).all_bytes, requests: files.length, personal_ms: personal === null ? null : round(personal), personal_for_you_ms: personalForYou === null ? null : round(personalForYou), files };
    });
  } finally {
    await context.close();
  }
  return out;
}

/** Cold product page: ms until "Because you viewed" shows items, and the requests made by then. */
async function productPageLoad(browser: Browser, link: Link, base: string, itemId: string, opts: NetworkOptions): Promise<{ ms: number; files: FileRow[] }> {
  const [context, page] = await coldPage(browser, base);
  try {
    await open(page, link, `/?item=${encodeURIComponent(itemId)}`, opts.timeoutMs);
    const ms = await seenAt(page, 'because-you-viewed', opts.timeoutMs);
    // Everything requested so far: what came before, and what was still arriving (end_ms null).
    return { ms, files: rows(link, await timeOrigin(page)) };
  } finally {
    await context.close();
  }
}

/** Cold widget example page: the widget's first-carousel mark and the bytes before it. */
async function widgetLoad(browser: Browser, link: Link, base: string, opts: NetworkOptions, notes: string[], label: string): Promise<{ ms: number; files: FileRow[] }> {
  const [context, page] = await coldPage(browser, base);
  try {
    await open(page, link, `/${WIDGET_PAGE}`, opts.timeoutMs);
    let ms: number;
    try {
      ms = await waitForNumber(page, (mark) => performance.getEntriesByName(mark, 'mark')[0]?.startTime, WIDGET_FIRST_CAROUSEL_MARK, opts.timeoutMs, `mark ${WIDGET_FIRST_CAROUSEL_MARK}`);
    } catch (err) {
      // No mark (renamed?): fall back to the first widget carousel seen with cards.
      const seen = await page.evaluate(() => Object.values((globalThis as unknown as PageGlobals).__shelfwiseSeen ?? {}));
      if (seen.length === 0) throw err;
      notes.push(`${label}: ${message(err)}; used the first carousel seen with cards`);
      ms = Math.min(...seen);
    }
    // Everything requested so far: what came before, and what was still arriving (end_ms null).
    return { ms, files: rows(link, await timeOrigin(page)) };
  } finally {
    await context.close();
  }
}

/** All figures of one profile; starts and closes its own link in front of `upstreamPort`. */
export async function measureNetwork(browser: Browser, upstreamPort: number, profile: ProfileName, opts: NetworkOptions): Promise<NetworkFigures> {
  const started = Date.now();
  const shape = PROFILES[profile];
  const link = await startLink(shape, upstreamPort);
  const base = `http://127.0.0.1:${link.port}`;
  const notes: string[] = [];
  const log = (msg: string) => opts.log?.(`${profile}: ${msg}`);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  try {
    const loads: StorefrontLoad[] = [];
    for (let i = 0; i < opts.loads; i++) {
      log(`storefront cold load ${i + 1}/${opts.loads}`);
      const label = `storefront load ${i + 1}`;
      const load = await attempt(notes, label, () => storefrontLoad(browser, link, base, opts, notes, label));
      loads.push(load ?? { firstCarousel: null, beforeFirst: null, eventToPersonal: null, eventToMark: null, session: null, returning: null });
    }
    const first = loads.find((l) => l.beforeFirst !== null);
    const beforeTotals = loads.filter((l) => l.beforeFirst).map((l) => totals(l.beforeFirst!));
    const storefront: StorefrontNetwork = {
      first_carousel_ms: medianOrNull(loads.map((l) => l.firstCarousel)),
      first_carousel_runs_ms: loads.map((l) => (l.firstCarousel === null ? null : round(l.firstCarousel))),
      data_bytes_before_first_carousel: medianOrNull(beforeTotals.map((t) => t.data_bytes)),
      code_bytes_before_first_carousel: medianOrNull(beforeTotals.map((t) => t.code_bytes)),
      files_before_first_carousel: first?.beforeFirst ?? [],
    };
    const out: NetworkFigures = {
      link: { rtt_ms: shape.rttMs, down_kbit_s: finite(shape.downKbitS), up_kbit_s: finite(shape.upKbitS), how: profile === 'none' ? `${LINK_HOW} Profile none: no delay, no pacing (localhost).` : LINK_HOW },
      bytes_counted: BYTES_HOW,
      loads: opts.loads,
      scope: opts.scope,
      storefront,
      notes,
      seconds: 0,
    };
    if (opts.scope === 'full') {
      storefront.first_event_runs_ms = loads.map((l) => (l.eventToPersonal === null ? null : round(l.eventToPersonal)));
      storefront.first_event_to_personal_for_you_ms = medianOrNull(storefront.first_event_runs_ms);
      storefront.first_event_to_personal_mark_ms = medianOrNull(loads.map((l) => l.eventToMark));
      const sessions = loads.map((l) => l.session).filter((s) => s !== null);
      const mid = (k: keyof ByteTotals) => medianOrNull(sessions.map((s) => s[k]));
      storefront.first_session = sessions.length
        ? { views: SESSION_VIEWS, add_to_cart: 1, all_bytes: mid('all_bytes')!, code_bytes: mid('code_bytes')!, data_bytes: mid('data_bytes')!, other_bytes: mid('other_bytes')!, requests: mid('requests')!, settled: sessions.every((s) => s.settled) }
        : null;
      out.first_visit_files = sessions[0]?.files ?? [];
      const returns = loads.map((l) => l.returning).filter((r) => r !== null && r !== undefined);
      storefront.returning = {
        data_bytes: medianOrNull(returns.map((r) => r.data_bytes)),
        all_bytes: medianOrNull(returns.map((r) => r.all_bytes)),
        requests: medianOrNull(returns.map((r) => r.requests)),
        personal_ms: medianOrNull(returns.map((r) => r.personal_ms)),
        personal_for_you_ms: medianOrNull(returns.map((r) => r.personal_for_you_ms)),
        files: returns[0]?.files ?? [],
      };

      const itemId = catalogueItem(opts.dist) ?? (notes.push('no catalog.json item in dist: product page of vg-0'), 'vg-0');
      const byv: (number | null)[] = [];
      for (let i = 0; i < opts.loads; i++) {
        log(`product page ?item=${itemId} cold load ${i + 1}/${opts.loads}`);
        const load = await attempt(notes, `product page load ${i + 1}`, () => productPageLoad(browser, link, base, itemId, opts));
        byv.push(load?.ms ?? null);
        storefront.product_page_files ??= load?.files;
      }
      storefront.product_page_runs_ms = byv.map((x) => (x === null ? null : round(x)));
      storefront.product_page_because_you_viewed_ms = medianOrNull(byv);

      const widget: { ms: number; files: FileRow[] }[] = [];
      const widgetRuns: (number | null)[] = [];
      for (let i = 0; i < opts.loads; i++) {
        log(`widget example page cold load ${i + 1}/${opts.loads}`);
        const w = await attempt(notes, `widget load ${i + 1}`, () => widgetLoad(browser, link, base, opts, notes, `widget load ${i + 1}`));
        widgetRuns.push(w === null ? null : round(w.ms));
        if (w) widget.push(w);
      }
      const wt = widget.map((w) => totals(w.files));
      out.widget = {
        first_carousel_ms: medianOrNull(widgetRuns),
        first_carousel_runs_ms: widgetRuns,
        data_bytes_before_first_carousel: medianOrNull(wt.map((t) => t.data_bytes)),
        code_bytes_before_first_carousel: medianOrNull(wt.map((t) => t.code_bytes)),
        files_before_first_carousel: widget[0]?.files ?? [],
      };
    }
    out.seconds = round((Date.now() - started) / 1000);
    return out;
  } finally {
    await link.close();
  }
}

// --- The printed table --------------------------------------------------------------------------

interface Targets {
  firstCarousel: string;
  byv: string;
  personal: string;
  returningPersonal: string;
}
const TARGETS: Partial<Record<ProfileName, Targets>> = {
  slow4g: { firstCarousel: '≤ 1500', byv: '≤ 2000', personal: '≤ 3000', returningPersonal: '≤ 800' },
  fast4g: { firstCarousel: '≤ 600', byv: '≤ 800', personal: '≤ 1000', returningPersonal: '≤ 500' },
};

/** A table per profile: figure, target, measured. */
export function networkTable(profile: ProfileName, f: NetworkFigures): string {
  const t = TARGETS[profile];
  const ms = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : String(Math.round(x)));
  const kb = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : (x / 1000).toFixed(1));
  const mb = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : (x / 1e6).toFixed(2));
  const s = f.storefront;
  const w = f.widget;
  const rows: [string, string, string][] = [
    ['storefront first carousel, cold ms', t?.firstCarousel ?? '—', ms(s.first_carousel_ms)],
    ['storefront data / code kB before first carousel', '≤ 50 / —', `${kb(s.data_bytes_before_first_carousel)} / ${kb(s.code_bytes_before_first_carousel)}`],
  ];
  if (f.scope === 'full') {
    rows.push(
      ['widget first carousel, cold ms', t?.firstCarousel ?? '—', ms(w?.first_carousel_ms)],
      ['widget data / code kB before first carousel', '≤ 50 / —', `${kb(w?.data_bytes_before_first_carousel)} / ${kb(w?.code_bytes_before_first_carousel)}`],
      ['product page → Because you viewed, cold ms', t?.byv ?? '—', ms(s.product_page_because_you_viewed_ms)],
      ['first event → personal For you, ms', t?.personal ?? '—', ms(s.first_event_to_personal_for_you_ms)],
      ['first session (10 views + cart), all MB', '≤ 1.5', mb(s.first_session?.all_bytes)],
      ['  of which data / code MB', '', `${mb(s.first_session?.data_bytes)} / ${mb(s.first_session?.code_bytes)}`],
      ['returning visit: data bytes again', '0', s.returning?.data_bytes === null || s.returning?.data_bytes === undefined ? 'n/a' : String(s.returning.data_bytes)],
      ['returning visit: personal carousel ms', t?.returningPersonal ?? '—', ms(s.returning?.personal_ms)],
    );
  }
  const header: [string, string, string] = ['figure', 'target', 'measured'];
  const widths = [0, 1, 2].map((i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const link = f.link.down_kbit_s === null ? 'no shaping' : `${f.link.rtt_ms} ms RTT, ${f.link.down_kbit_s} / ${f.link.up_kbit_s} kbit/s down / up`;
  const notes = f.notes.length ? `\n  notes: ${f.notes.join('; ')}` : '';
  return `\nNetwork ${profile} (${link}; median of ${f.loads} cold load${f.loads > 1 ? 's' : ''})\n${[line(header), ...rows.map(line)].join('\n')}${notes}`;
}
