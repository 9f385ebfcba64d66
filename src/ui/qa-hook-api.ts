/**
 * The QA hook's shape (`window.__shelfwise`), kept free of DOM types so Playwright scenarios
 * (compiled for Node) can import it too.
 */
import type { ConsentSnapshot } from '../client/consent';
import type { ActiveExperiment, EngineStatus, EventType, OutcomeSummary, RecommendationList, ShopperEvent } from '../shared/protocol';

export interface ShelfwiseTimings {
  /** ms from navigation start to the first carousel with items on screen. */
  firstCarousel?: number;
  /** ms from navigation start to the first personal carousel on screen. */
  firstPersonalCarousel?: number;
}

export interface ShelfwiseQaHook {
  /**
   * Resolves when the engine has no event, training or scoring pending, no UI call is in flight,
   * and every mounted carousel shows the lists of the latest revision (React has committed them).
   */
  whenIdle(): Promise<void>;
  /** The tfjs backend in use (after start-up), or 'none' if no model could run. */
  backend(): Promise<string>;
  /** Item ids of a surface; anchor surfaces use the current product (or the cart on the cart page). */
  recommend(surface: string, k?: number): Promise<string[]>;
  /** The full list (scores, reasons) behind `recommend`. */
  recommendations(surface: string, k?: number): Promise<RecommendationList>;
  /**
   * Resolves with the ids of the list a carousel of `surface` on the page holds, once it holds
   * one of an engine revision after `afterRevision` (what the carousel renders next).
   */
  whenListUpdated(surface: string, afterRevision: number): Promise<string[]>;
  eventCount(): Promise<number>;
  status(): Promise<EngineStatus>;
  /** Records an event as the page would (`search` takes the query in place of an item id). */
  track(type: EventType, itemIdOrQuery: string): Promise<void>;
  recentEvents(limit?: number): Promise<ShopperEvent[]>;
  /**
   * Fault injection: terminates the recommender worker as the browser would (no notice to the
   * page). The page notices within seconds, restarts it from the stored history, and answers
   * every call made meanwhile.
   */
  crashWorker(): void;
  /**
   * Fault injection: destroys the WebGPU device the engine computes on, as a driver reset would.
   * Resolves false when WebGPU is not the backend in use.
   */
  loseGpuDevice(): Promise<boolean>;
  /** Performance marks of the first carousel and first personal carousel. */
  timings(): ShelfwiseTimings;
  /** The experiment variant this device runs, if the shop runs one. */
  experiment(): Promise<ActiveExperiment | undefined>;
  /** The on-device outcome counters ("Your data"). */
  outcomes(): Promise<OutcomeSummary>;
  /**
   * Answers the demo's consent banner (`?consent=required`) as the shopper would; resolves once
   * the engine has applied it (history opened, or erased), with the consent state.
   */
  consent(given: boolean): Promise<ConsentSnapshot>;
  /** Moves the engine's clock forward by `ms` (e.g. to the next day); resolves to the engine's new time. */
  advanceClock(ms: number): Promise<number>;
  /** Makes the engine's draws (bandit, device seed) come from a generator seeded with `seed`: simulations repeat exactly. */
  seedRandom(seed: number): Promise<void>;
  /** What a carousel tells the engine when its cards are shown, and when one is opened (simulations). */
  noteImpressions(surface: string, itemIds: string[]): Promise<void>;
  noteClick(surface: string, position: number, itemId: string): Promise<void>;
}

/** What a Playwright `page.evaluate` callback can cast `globalThis` to. */
export interface ShelfwiseWindow {
  __shelfwise: ShelfwiseQaHook;
}
