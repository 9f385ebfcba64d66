/**
 * The public types of `window.shelfwise` (the merchant guide documents them). Free of DOM and
 * widget internals, so Playwright scenarios (compiled for Node) and merchants can use them.
 */
import type { ConsentSnapshot } from '../client/consent';
import type { EngineStatus, EventType, RecommendationList, Surface } from '../shared/protocol';

export type { EngineStatus, EventType, RecommendationList, RecommendedItem, Reason, ReasonKind, Surface } from '../shared/protocol';

export interface ShelfwiseRecommendOptions {
  /** How many items at most (1–100, default 10). */
  limit?: number;
  /** The anchor item of `because-you-viewed` and `bought-together`. */
  item?: string;
  /** Cart items, anchors of `bought-together` on a cart page. */
  cartItems?: string[];
}

/** Where consent stands: `state` is what Shelfwise acts on, `source` who decided, `detail` why. */
export type ShelfwiseConsent = ConsentSnapshot;

/** A recommendation list; `error` says why it is empty when it could not be computed. */
export type ShelfwiseList = RecommendationList & { error?: string };

/** Passed to `update` listeners: the engine's status when the recommendations may have changed. */
export type ShelfwiseUpdate = EngineStatus;
export type ShelfwiseUpdateListener = (update: ShelfwiseUpdate) => void;

export interface ShelfwiseApi {
  /** Widget version (the package version it was built from). */
  readonly version: string;
  /**
   * Records an event: `view`, `add_to_cart`, `purchase` take an item id, `search` a query.
   * Resolves `true` once stored on the device, `false` if refused (unknown item, bad type).
   */
  track(type: EventType, itemIdOrQuery: string): Promise<boolean>;
  /** The list a carousel of `surface` would show. */
  recommend(surface: Surface, opts?: ShelfwiseRecommendOptions): Promise<ShelfwiseList>;
  /** Calls `listener` whenever recommendations may have changed (an event was learned, the model loaded). */
  on(event: 'update', listener: ShelfwiseUpdateListener): () => void;
  off(event: 'update', listener: ShelfwiseUpdateListener): void;
  /** How many events the shopper's on-device history holds. */
  eventCount(): Promise<number>;
  /** The engine's current status (phase, backend, errors...). */
  status(): Promise<EngineStatus>;
  /**
   * The shopper's answer to the shop's consent banner, with `data-consent="required"` (ignored
   * otherwise). `true`: recording starts now. `false`: everything stored is erased and lists are
   * non-personal. Resolves once applied, with the consent state it led to.
   */
  consent(given: boolean): Promise<ShelfwiseConsent>;
  /** Resolves when nothing is pending and every carousel shows the latest lists (for tests). */
  whenIdle(): Promise<void>;
}

/** What a Playwright `page.evaluate` callback can cast `globalThis` to. */
export interface ShelfwiseWindow {
  shelfwise: ShelfwiseApi;
}
