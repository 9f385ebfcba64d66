/**
 * The built storefront in Chromium, driven through the QA hook (`window.__shelfwise`): first
 * carousels after navigation start, event → updated For you (engine) and → on screen (UI),
 * and main-thread long tasks during a burst of events with training.
 */
import type { Browser, Page } from '@playwright/test';
import type { BackendName } from '../src/shared/protocol';
import type { ShelfwiseWindow } from '../src/ui/qa-hook-api';
import { watchWorkerHeap } from './cdp';
import { median, round, stats, type Dist } from './lib';

export interface AppFigures {
  backend: string;
  backend_reason: string;
  first_carousel_ms: { cold: number; warm: number };
  first_personal_carousel_ms: { warm: number };
  /** Each event on an item not viewed before: its neighbour shard is fetched first, as on a first view. */
  event_to_update_ms: Dist;
  event_to_render_ms: Dist;
  /** The same items viewed again: their shards are in, so this is learning, lists and hops alone. */
  event_to_update_shard_in_ms: Dist;
  main_thread_long_tasks: { count: number; total_ms: number };
  /** Heap of the app's worker once the first lists are served (demo catalogue). */
  appWorkerHeapMb: number;
}

export interface AppOptions {
  /** Measured events for event → update (one more runs first and is left out). */
  events: number;
  /** Cold + warm page loads, each in a fresh browser context (empty cache and IndexedDB). */
  loads: number;
  burst: number;
}

const hook = (page: Page) => ({
  ready: async () => {
    await page.waitForFunction(() => (globalThis as unknown as Partial<ShelfwiseWindow>).__shelfwise !== undefined);
    await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.whenIdle());
  },
  timings: () => page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.timings()),
  status: () => page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.status()),
  trending: () => page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.recommend('trending', 60)),
});

/**
 * ms from `track(view)` to the page holding the updated For you list, the one its carousel
 * renders (update), and to the page being idle with every list on screen (render).
 */
async function eventToUpdate(page: Page, itemId: string): Promise<[number, number]> {
  return page.evaluate(async (id) => {
    const qa = (globalThis as unknown as ShelfwiseWindow).__shelfwise;
    const before = (await qa.status()).revision;
    const t0 = performance.now();
    // Timed as it happens: the list may be in before the event's write is acknowledged.
    const updated = qa.whenListUpdated('for-you', before).then(() => performance.now());
    await qa.track('view', id);
    const t1 = await updated;
    await qa.whenIdle();
    return [t1 - t0, performance.now() - t0] as [number, number];
  }, itemId);
}

/**
 * Long tasks (≥ 50 ms) on the page's main thread while `ids.length` view events arrive at once
 * and the engine learns from them, until the page is idle again. The storefront page runs
 * nothing but Shelfwise (the driver's own calls are a few microtasks), so each one is ours.
 */
async function burstLongTasks(page: Page, ids: string[]): Promise<{ count: number; total_ms: number }> {
  const tasks = await page.evaluate(async (items) => {
    const qa = (globalThis as unknown as ShelfwiseWindow).__shelfwise;
    const found: number[] = [];
    const observer = new PerformanceObserver((list) => found.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' } as never);
    await Promise.all(items.map((id) => qa.track('view', id)));
    await qa.whenIdle();
    // A long task is reported after it ends: let the last one arrive.
    await new Promise((r) => setTimeout(r, 300));
    observer.disconnect();
    return found;
  }, ids);
  return { count: tasks.length, total_ms: round(tasks.reduce((a, b) => a + b, 0)) };
}

export async function measureApp(browser: Browser, base: string, backend: BackendName | 'auto', opts: AppOptions): Promise<AppFigures> {
  const query = backend === 'auto' ? '' : `?backend=${backend}`;
  const cold: number[] = [];
  const warm: number[] = [];
  const warmPersonal: number[] = [];
  const toUpdate: number[] = [];
  const toRender: number[] = [];
  const toUpdateShardIn: number[] = [];
  let first: Pick<AppFigures, 'backend' | 'backend_reason' | 'main_thread_long_tasks' | 'appWorkerHeapMb'> | undefined;
  for (let load = 0; load < opts.loads; load++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const heap = await watchWorkerHeap(page);
    const qa = hook(page);
    await page.goto(base + query);
    await qa.ready();
    cold.push((await qa.timings()).firstCarousel ?? NaN);
    const trending = await qa.trending();
    if (load === 0) {
      for (let i = 0; i <= opts.events; i++) {
        const [update, render] = await eventToUpdate(page, trending[(i * 7) % trending.length]);
        // The first event pays one-off costs (kernel compilation, backend start): left out.
        if (i > 0) toUpdate.push(update), toRender.push(render);
      }
      for (let i = 1; i <= opts.events; i++) toUpdateShardIn.push((await eventToUpdate(page, trending[(i * 7) % trending.length]))[0]);
      // A first visitor's engine chooses its backend with the first event, not before.
      await qa.ready();
      const status = await qa.status();
      // Measured with the model in use (a first visitor's worker holds only the starter list).
      const heapMb = await heap.measure();
      const burst = Array.from({ length: opts.burst }, (_, i) => trending[(i * 11 + 3) % trending.length]);
      first = {
        backend: status.backend ?? 'none',
        backend_reason: status.backendReason ?? '',
        main_thread_long_tasks: await burstLongTasks(page, burst),
        appWorkerHeapMb: round(heapMb),
      };
    } else {
      for (const id of trending.slice(0, 3)) await page.evaluate((i) => (globalThis as unknown as ShelfwiseWindow).__shelfwise.track('view', i), id);
      await qa.ready();
    }
    // The returning shopper: a new navigation in the same context (HTTP cache, Cache Storage, IndexedDB kept).
    await page.goto(base + query);
    await qa.ready();
    const t = await qa.timings();
    warm.push(t.firstCarousel ?? NaN);
    warmPersonal.push(t.firstPersonalCarousel ?? NaN);
    await context.close();
  }
  return {
    ...first!,
    first_carousel_ms: { cold: round(median(cold)), warm: round(median(warm)) },
    first_personal_carousel_ms: { warm: round(median(warmPersonal)) },
    event_to_update_ms: stats(toUpdate),
    event_to_render_ms: stats(toRender),
    event_to_update_shard_in_ms: stats(toUpdateShardIn),
  };
}
