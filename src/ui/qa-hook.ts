/**
 * `window.__shelfwise`: the typed test hook scenarios use to wait for "recommendations updated"
 * instead of sleeping, and to read what the engine thinks. Part of the QA contract.
 */
import type { EventType, ShopperEventInput, Surface } from '../shared/protocol';
import { SURFACES } from '../shared/protocol';
import { pendingActivity, trackActivity, whenNoActivity } from './app/activity';
import { allRendered, pokeRenderWaiters, whenAppMounted, whenRendered } from './app/render-tracker';
import { currentLocation } from './app/router';
import { cartStore } from './features/cart/cart-store';
import { listCache, recommendRequest } from './features/carousel/list-cache';
import { timings } from './features/carousel/timings';
import { decide } from './features/consent/consent-store';
import type { ShelfwiseQaHook } from './qa-hook-api';
import { engine, engineStatusStore, killWorkerForTest, offerStatus, startEngine } from '../client/worker-bridge';

declare global {
  interface Window {
    __shelfwise?: ShelfwiseQaHook;
  }
}

/** Lets React run pending renders and passive effects (React schedules via MessageChannel). */
function settleReact(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0)).then(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

function asSurface(surface: string): Surface {
  if (!(SURFACES as readonly string[]).includes(surface)) {
    throw new Error(`Unknown surface "${surface}"; expected one of ${SURFACES.join(', ')}`);
  }
  return surface as Surface;
}

async function whenIdle(): Promise<void> {
  await startEngine();
  await whenAppMounted();
  for (let round = 0; round < 100; round++) {
    await settleReact();
    await whenNoActivity();
    await engine().whenIdle();
    const status = await engine().status();
    offerStatus(status);
    await settleReact();
    pokeRenderWaiters();
    await whenRendered(() => engineStatusStore.get().revision);
    await settleReact();
    // Stable only if nothing started meanwhile: no new call, no newer revision, all lists current.
    const again = await engine().status();
    if (
      again.revision === status.revision &&
      engineStatusStore.get().revision === status.revision &&
      pendingActivity() === 0 &&
      allRendered(status.revision)
    ) {
      return;
    }
    offerStatus(again);
  }
  throw new Error('whenIdle: the page did not settle after 100 rounds');
}

export function installQaHook(): void {
  const hook: ShelfwiseQaHook = {
    whenIdle,
    async backend() {
      const status = await startEngine();
      return (await engine().status()).backend ?? status.backend ?? 'none';
    },
    async recommendations(surface, k = 10) {
      await startEngine();
      const { route } = currentLocation();
      const s = asSurface(surface);
      const opts =
        route.name === 'product'
          ? { itemId: route.itemId, k }
          : route.name === 'cart' && s === 'bought-together'
            ? { cartItemIds: cartStore.get().map((i) => i.id), k }
            : { k };
      return engine().recommend(recommendRequest(s, opts));
    },
    whenListUpdated(surface, afterRevision) {
      const s = asSurface(surface);
      return new Promise<string[]>((resolve) => {
        const check = () => {
          for (const [key, state] of listCache.get()) {
            if ((JSON.parse(key) as { surface: string }).surface !== s || !state.list || state.revision <= afterRevision) continue;
            stop();
            resolve(state.list.items.map((i) => i.id));
            return true;
          }
          return false;
        };
        const stop = listCache.subscribe(check);
        check();
      });
    },
    async recommend(surface, k = 10) {
      const list = await hook.recommendations(surface, k);
      return list.items.map((i) => i.id);
    },
    async eventCount() {
      await startEngine();
      return engine().eventCount();
    },
    async status() {
      await startEngine();
      return engine().status();
    },
    async track(type: EventType, itemIdOrQuery: string) {
      await startEngine();
      const event: ShopperEventInput = type === 'search' ? { type, query: itemIdOrQuery } : { type, itemId: itemIdOrQuery };
      await trackActivity(engine().recordEvent(event));
    },
    async recentEvents(limit) {
      await startEngine();
      return engine().recentEvents(limit);
    },
    crashWorker: killWorkerForTest,
    async loseGpuDevice() {
      await startEngine();
      return engine().loseGpuDeviceForTest();
    },
    timings,
    experiment: () => startEngine().then(() => engine().experiment()),
    outcomes: () => startEngine().then(() => engine().outcomes()),
    consent: (given) => decide(given),
    advanceClock: (ms) => startEngine().then(() => engine().advanceClockForTest(ms)),
    seedRandom: (seed) => startEngine().then(() => engine().seedRandomForTest(seed)),
    noteImpressions: (surface, itemIds) => startEngine().then(() => engine().noteImpressions(asSurface(surface), itemIds)),
    noteClick: (surface, position, itemId) => startEngine().then(() => engine().noteClick(asSurface(surface), position, itemId)),
  };
  window.__shelfwise = hook;
}
