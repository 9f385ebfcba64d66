import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { createEngine, type Engine } from '../../src/engine/engine';
import type { MerchantConfig } from '../../src/shared/merchant-config';
import { validateReport } from '../../src/shared/report';
import { mapFetcher, syntheticModelFiles } from '../helpers/synthetic-model';

const BASE = 'http://test.local/';
const REPORT_URL = 'https://collector.example/report';
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

beforeEach(() => {
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const TWO_VARIANTS = { name: 'fusion-test', variants: [{ name: 'control' }, { name: 'fusion-b', fusion: { popularity: 2 } }] };

/** An engine on the synthetic model with `merchant` served as merchant.json and a movable clock. */
async function started(merchant: unknown, opts: { dbName?: string; clock?: { t: number }; seed?: number } = {}) {
  const files = syntheticModelFiles(BASE);
  if (merchant !== undefined) files.set(`${BASE}merchant.json`, new TextEncoder().encode(JSON.stringify(merchant)).buffer);
  const clock = opts.clock ?? { t: T0 };
  const engine = createEngine({
    fetchBytes: mapFetcher(files).fetchBytes, baseUrl: BASE, dbName: opts.dbName ?? 'shop', now: () => clock.t,
    ...(opts.seed === undefined ? {} : { random: mulberry32(opts.seed) }),
  });
  await engine.init({ catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json', merchantUrl: merchant === undefined ? undefined : 'merchant.json', backend: 'cpu', deferBackend: true });
  await engine.whenIdle();
  return { engine, clock };
}

/** A fetch stub that answers 204 and keeps every call. */
function stubFetch(answer: () => Promise<Response> = async () => new Response(null, { status: 204 })) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }));
  return calls;
}

async function visit(engine: Engine, click?: { position: number; itemId: string }) {
  await engine.noteImpressions('trending', ['it-0', 'it-1', 'it-2', 'it-3']);
  if (click) await engine.noteClick('trending', click.position, click.itemId);
  await engine.whenIdle();
}

describe('outcome counters in the engine', () => {
  it('counts impressions, clicks and the conversions that follow a click, per surface; kept across restarts', async () => {
    const { engine, clock } = await started(undefined);
    await visit(engine, { position: 2, itemId: 'it-2' });
    await engine.noteImpressions('for-you', ['it-5', 'it-6']);
    await engine.recordEvent({ type: 'view', itemId: 'it-2' });
    await engine.recordEvent({ type: 'add_to_cart', itemId: 'it-2' });
    await engine.recordEvent({ type: 'purchase', itemId: 'it-2' });
    await engine.recordEvent({ type: 'purchase', itemId: 'it-9' }); // never clicked: not credited
    await engine.whenIdle();
    const expected = {
      bySurface: [
        { surface: 'for-you', impressions: 2, clicks: 0, addToCart: 0, purchases: 0 },
        { surface: 'trending', impressions: 4, clicks: 1, addToCart: 1, purchases: 1 },
      ],
      total: { impressions: 6, clicks: 1, addToCart: 1, purchases: 1 },
    };
    expect(await engine.outcomes()).toEqual(expected);
    const cell = (await engine.exportData()).outcomes.cells.find((c) => c.clicks > 0);
    expect(cell).toMatchObject({ surface: 'trending', position: 2, variant: 'default', purchases: 1 });
    const again = await started(undefined, { clock });
    expect(await again.engine.outcomes()).toEqual(expected);
  });

  it('a purchase in a later session (30 min without activity) is not credited to the click', async () => {
    const { engine, clock } = await started(undefined);
    await visit(engine, { position: 0, itemId: 'it-0' });
    clock.t += 31 * MIN;
    await engine.recordEvent({ type: 'purchase', itemId: 'it-0' });
    await engine.whenIdle();
    expect((await engine.outcomes()).total).toEqual({ impressions: 4, clicks: 1, addToCart: 0, purchases: 0 });
  });

  it('records nothing while paused, and erasing clears the counters (the meta record too)', async () => {
    const { engine, clock } = await started(undefined);
    await visit(engine, { position: 1, itemId: 'it-1' });
    await engine.setPaused(true);
    await visit(engine, { position: 0, itemId: 'it-0' });
    expect((await engine.outcomes()).total).toEqual({ impressions: 4, clicks: 1, addToCart: 0, purchases: 0 });
    await engine.setPaused(false);
    await engine.eraseData();
    expect((await engine.outcomes()).bySurface).toEqual([]);
    expect((await engine.exportData()).outcomes.cells).toEqual([]);
    const again = await started(undefined, { clock });
    expect((await again.engine.outcomes()).total.impressions).toBe(0);
  });

  it('rejects a malformed note without keeping anything', async () => {
    const { engine } = await started(undefined);
    await expect(engine.noteImpressions('nowhere' as 'trending', ['it-0'])).rejects.toThrow(/surface/);
    await expect(engine.noteClick('trending', -1, 'it-0')).rejects.toThrow(/position/);
    expect((await engine.outcomes()).bySurface).toEqual([]);
  });
});

describe('experiments', () => {
  it('a device keeps its variant across restarts on the same database; devices split between variants', async () => {
    const seen = new Map<string, number>();
    for (let d = 0; d < 16; d++) {
      const first = await started({ version: 1, experiments: TWO_VARIANTS }, { dbName: `device-${d}` });
      const variant = (await first.engine.experiment())!.variant;
      for (let r = 0; r < 2; r++) {
        const again = await started({ version: 1, experiments: TWO_VARIANTS }, { dbName: `device-${d}` });
        expect((await again.engine.experiment())!.variant).toBe(variant);
      }
      seen.set(variant, (seen.get(variant) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['control', 'fusion-b']);
    // The seed is kept on the device, in the export only.
    expect((await (await started({ version: 1, experiments: TWO_VARIANTS }, { dbName: 'device-0' })).engine.exportData()).outcomes.deviceSeed).toEqual(expect.any(Number));
  });

  it('runs the variant: its fusion weights and diversity shape the lists, its surface order is exposed', async () => {
    const popOnly = {
      version: 1,
      experiments: {
        name: 'pop',
        variants: [{ name: 'pop-only', fusion: { cf: 0, lastItem: 0, next: 0, cooc: 0, content: 0, popularity: 1 }, diversity: 1, surfaceOrder: ['trending', 'for-you'] }],
      },
    };
    const history = ['it-12', 'it-13', 'it-14'];
    const plain = await started({ version: 1 }, { dbName: 'plain' });
    const variant = await started(popOnly, { dbName: 'variant' });
    for (const { engine } of [plain, variant]) {
      for (const id of history) await engine.recordEvent({ type: 'view', itemId: id });
      await engine.whenIdle();
    }
    const plainList = (await plain.engine.recommend({ surface: 'for-you', k: 6 })).items.map((i) => i.id);
    const popList = (await variant.engine.recommend({ surface: 'for-you', k: 6 })).items.map((i) => i.id);
    // Popularity alone (log1p(N - i)) ranks the lowest ids first: racing items, though the shopper likes puzzles.
    expect(popList).toEqual(['it-0', 'it-1', 'it-2', 'it-3', 'it-4', 'it-5']);
    expect(plainList.every((id) => Number(id.slice(3)) >= 10)).toBe(true);
    expect(await variant.engine.experiment()).toEqual({ name: 'pop', variant: 'pop-only', surfaceOrder: ['trending', 'for-you'] });
    expect(await plain.engine.experiment()).toBeUndefined();
  });

  it('while paused the device runs the shop defaults and draws nothing', async () => {
    const { engine } = await started({ version: 1, experiments: TWO_VARIANTS });
    await engine.setPaused(true);
    expect(await engine.experiment()).toBeUndefined();
  });

  it('bandit: with B at twice A\'s CTR, Thompson sampling over the device\'s own outcomes picks B most of the time', async () => {
    const ctr: Record<string, number> = { a: 0.1, b: 0.2 };
    const shares: number[] = [];
    for (const seed of [1, 2, 3]) {
      const { engine, clock } = await started({ version: 1, experiments: { name: 'arms', bandit: true, variants: [{ name: 'a' }, { name: 'b' }] } }, { dbName: `bandit-${seed}`, seed });
      const user = mulberry32(1000 + seed); // the simulated shopper's clicks
      const chosen: string[] = [];
      for (let session = 0; session < 300; session++) {
        clock.t += 31 * MIN; // a new session
        const arm = (await engine.experiment())!.variant;
        chosen.push(arm);
        const items = ['it-0', 'it-1', 'it-2', 'it-3', 'it-4'];
        await engine.noteImpressions('for-you', items);
        // Within a session the arm stays, whatever happens.
        for (let p = 0; p < items.length; p++) if (user() < ctr[arm]) await engine.noteClick('for-you', p, items[p]);
        expect((await engine.experiment())!.variant).toBe(arm);
      }
      await engine.whenIdle();
      const late = chosen.slice(150);
      shares.push(late.filter((a) => a === 'b').length / late.length);
      const byVariant = (await engine.exportData()).outcomes.cells.filter((c) => c.variant === 'b').reduce((n, c) => n + c.impressions, 0);
      expect(byVariant).toBe(chosen.filter((a) => a === 'b').length * 5);
    }
    console.log(`bandit: share of sessions 151-300 on arm B (seeds 1-3): ${shares.map((s) => s.toFixed(2)).join(', ')}`);
    for (const s of shares) expect(s).toBeGreaterThan(0.7);
  });
});

describe('private aggregate reports', () => {
  const withReports = (reports: object) => ({ version: 1, experiments: TWO_VARIANTS, reports });

  it('none when the merchant has not configured them', async () => {
    const calls = stubFetch();
    const { engine, clock } = await started({ version: 1, experiments: TWO_VARIANTS });
    await visit(engine, { position: 0, itemId: 'it-0' });
    clock.t += DAY;
    await visit(engine);
    await started({ version: 1, experiments: TWO_VARIANTS }, { clock });
    expect(calls).toEqual([]);
  });

  it('none while paused', async () => {
    const calls = stubFetch();
    const { engine, clock } = await started(withReports({ url: REPORT_URL }));
    await visit(engine, { position: 0, itemId: 'it-0' });
    await engine.setPaused(true);
    clock.t += DAY;
    await visit(engine);
    await started(withReports({ url: REPORT_URL }), { clock });
    expect(calls).toEqual([]);
  });

  it('at most one a day, about an earlier day, holding only {v, variant, epsilon, bits}', async () => {
    const calls = stubFetch();
    const config = withReports({ url: REPORT_URL, epsilon: 0.5 });
    const { engine, clock } = await started(config, { seed: 7 });
    await visit(engine, { position: 0, itemId: 'it-0' });
    await engine.recordEvent({ type: 'add_to_cart', itemId: 'it-0' });
    await engine.whenIdle();
    expect(calls).toEqual([]); // never on the day itself, never right after the click

    clock.t += DAY;
    for (let i = 0; i < 3; i++) await visit(engine);
    const again = await started(config, { clock }); // a reload the same day
    await visit(again.engine);
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls;
    expect(url).toBe(REPORT_URL);
    expect(init).toEqual({ method: 'POST', body: init.body, headers: { 'content-type': 'text/plain' }, credentials: 'omit', referrerPolicy: 'no-referrer', keepalive: true });
    const body = JSON.parse(init.body as string) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['bits', 'epsilon', 'v', 'variant']);
    expect(Object.keys(body.bits as object).sort()).toEqual(['clicked', 'converted']);
    expect(validateReport(body)).toEqual(body);
    expect(body.epsilon).toBe(0.5);
    expect(body.variant).toBe((await engine.experiment())!.variant);
    expect((init.body as string).length).toBeLessThan(100);

    clock.t += DAY; // the next day reports the day before (which had impressions)
    const third = await started(config, { clock });
    expect(calls).toHaveLength(2);
    clock.t += DAY; // nothing shown yesterday: nothing due
    await started(config, { clock }).then(({ engine: e }) => e.whenIdle());
    expect(calls).toHaveLength(2);
    await third.engine.whenIdle();
  });

  it('two tabs opening on a new day send one report between them', async () => {
    const calls = stubFetch();
    const config = withReports({ url: REPORT_URL });
    const { engine, clock } = await started(config);
    await visit(engine);
    clock.t += DAY;
    const [a, b] = await Promise.all([started(config, { clock }), started(config, { clock })]);
    await Promise.all([visit(a.engine), visit(b.engine), visit(engine)]);
    expect(calls).toHaveLength(1);
  });

  it('a failed send is spent, with a warning and no retry', async () => {
    const calls = stubFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { engine, clock } = await started(withReports({ url: REPORT_URL }));
    await visit(engine);
    clock.t += DAY;
    await visit(engine);
    await visit(engine);
    expect(calls).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/report not sent/));
  });

  it('randomized response: over many device-days the de-biased click rate is near the truth', async () => {
    // The bits are noised on the device (p = e^ε/(1+e^ε)); here 200 devices of which half clicked.
    const calls = stubFetch();
    for (let d = 0; d < 200; d++) {
      const { engine, clock } = await started(withReports({ url: REPORT_URL }), { dbName: `rr-${d}`, seed: d + 1 });
      await visit(engine, d % 2 === 0 ? { position: 0, itemId: 'it-0' } : undefined);
      clock.t += DAY;
      await visit(engine);
    }
    expect(calls).toHaveLength(200);
    const said = calls.map((c) => (JSON.parse(c.init.body as string) as { bits: { clicked: boolean } }).bits.clicked);
    const p = 1 / (1 + Math.exp(-1));
    const estimate = (said.filter(Boolean).length / 200 - (1 - p)) / (2 * p - 1);
    expect(Math.abs(estimate - 0.5)).toBeLessThan(0.3); // ±4.4 standard errors at n = 200, ε = 1
    // Deniable both ways: some who clicked say they did not, and some who did not say they did.
    const flipped = (clicked: boolean) => said.filter((s, d) => (d % 2 === 0) === clicked && s !== clicked).length;
    expect(flipped(true)).toBeGreaterThan(10);
    expect(flipped(false)).toBeGreaterThan(10);
  });
});

// Keeps the typed config honest: the example in the brief type-checks.
export const example: MerchantConfig = {
  version: 1,
  experiments: { name: 'x', bandit: false, variants: [{ name: 'a', weight: 2, fusion: { cf: 0.5 }, diversity: 0.7, surfaceOrder: ['trending'] }] },
  reports: { url: REPORT_URL, epsilon: 1 },
};
