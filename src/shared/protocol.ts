import type { SignalName } from './model-manifest';

/**
 * Wire types between the page and the recommender worker. Everything here is plain,
 * structured-cloneable data: it crosses the Comlink boundary and is what the store keeps.
 */

/** What a shopper did. `search` carries a query instead of an item. */
export type EventType = 'view' | 'add_to_cart' | 'purchase' | 'search';
export const EVENT_TYPES: readonly EventType[] = ['view', 'add_to_cart', 'purchase', 'search'];

/**
 * How much each kind of event says about taste: the engine's confidence weights in the fold-in,
 * and the scale of the interests shown to the shopper.
 */
export const EVENT_WEIGHTS: Record<Exclude<EventType, 'search'>, number> = {
  view: 1,
  add_to_cart: 3,
  purchase: 5,
};

/** An event as the page reports it. */
export type ShopperEventInput =
  | { type: 'view' | 'add_to_cart' | 'purchase'; itemId: string }
  | { type: 'search'; query: string };

/** An event as it is kept in the shopper's log (IndexedDB). */
export type ShopperEvent = ShopperEventInput & {
  /** Milliseconds since the epoch, taken by the engine when the event was recorded. */
  ts: number;
};

/** The carousels Shelfwise renders; the value is the `data-surface` attribute. */
export type Surface = 'for-you' | 'because-you-viewed' | 'bought-together' | 'trending' | 'recently-viewed' | 'interest';
export const SURFACES: readonly Surface[] = [
  'for-you',
  'because-you-viewed',
  'bought-together',
  'trending',
  'recently-viewed',
  'interest',
];

export interface RecommendRequest {
  surface: Surface;
  /** How many items at most (default 10). */
  k?: number;
  /** The anchor item for `because-you-viewed` and `bought-together`. */
  itemId?: string;
  /** Items in the cart, anchors for `bought-together` on the cart page. */
  cartItemIds?: string[];
  /** The interest (its `key`) of an `interest` list ("More {interest}"); the strongest without one. */
  interest?: string;
}

/** Which signal put an item on a list; the UI phrases it, tests check it. */
export type ReasonKind =
  | 'viewed' // Because you viewed {title}
  | 'bought-with' // Often bought with {title}
  | 'similar-text' // Similar to {title}
  | 'taste' // Matches what you've been browsing
  | 'trending' // Popular right now
  | 'recent' // You viewed this
  | 'catalogue' // No model to rank with: shown in catalogue order
  | 'featured' // Pinned by the merchant's rules
  | 'interest'; // Matches your interest in {interest}

export interface Reason {
  kind: ReasonKind;
  /** One short sentence for the shopper, true of what produced the score. */
  text: string;
  /** The item of the shopper's own history (or the anchor) the reason names, if any. */
  sourceItemId?: string;
  /** The fused signal that contributed most to the score, when a signal put the item there. */
  signal?: SignalName;
}

/** One of the shopper's interests, learned on device from their history ("Your data", `interest` lists). */
export interface Interest {
  /** Stable while the interest lasts; `removeInterest(key)` takes it. */
  key: string;
  /** Short name from the product text, e.g. "Mario (Nintendo DS)". */
  name: string;
  /** 0..1: its part of the shopper's (event-type and recency weighted) history. */
  share: number;
  /** Its strongest items, at most 5. */
  items: CatalogItem[];
}

/** An amount of money: `currency` is an ISO 4217 code (`USD`, `EUR`). */
export interface Price {
  amount: number;
  currency: string;
}

export interface CatalogItem {
  id: string;
  title: string;
  /** A coarse grouping for browsing (e.g. the platform), derived from the catalogue. */
  category?: string;
  /** False when the shop cannot sell the item now: it is never recommended. Absent = available. */
  available?: boolean;
  /**
   * Variants of one product share a group (a feed's `item_group_id`, a Shopify `Handle`, or
   * editions of one title): a list shows one card per group, and never another variant of
   * an item the shopper is looking at.
   */
  group?: string;
  /** Product image, an http(s) URL (or a path on the shop's origin). */
  image?: string;
  /** The regular price; `salePrice` when the item is on sale (shown beside it, struck through). */
  price?: Price;
  salePrice?: Price;
  /** The product page, an http(s) URL (or a path on the shop's origin). */
  url?: string;
  brand?: string;
}

export interface RecommendedItem extends CatalogItem {
  score: number;
  reason: Reason;
}

export interface RecommendationList {
  surface: Surface;
  items: RecommendedItem[];
  /** True when the shopper's own history shaped the list. */
  personal: boolean;
  /** The anchor item the list is about (`because-you-viewed`, `bought-together`). */
  anchor?: CatalogItem;
  /** The interest an `interest` list is about. */
  interest?: { key: string; name: string };
}

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export type EnginePhase = 'starting' | 'loading' | 'ready' | 'learning' | 'error';

/** A snapshot of what the engine is doing, pushed to the page on every change. */
export interface EngineStatus {
  phase: EnginePhase;
  /** The tfjs backend in use, once chosen. */
  backend?: BackendName;
  /** Why that backend: the preference, a measurement, or a fallback with its cause. */
  backendReason?: string;
  /** 0..1 while loading the model or learning; undefined otherwise. */
  progress?: number;
  /** Human-readable description of the current work ("Loading model", "Learning from 12 events"). */
  detail?: string;
  eventCount: number;
  /** Whether the shopper's history is stored persistently (false when IndexedDB is unavailable). */
  persistent: boolean;
  /** The shopper paused personalisation: nothing is recorded, lists are non-personal. */
  paused: boolean;
  /**
   * Consent to store (`EngineConfig.consentRequired`): `not-given` means nothing is read from or
   * written to the device's storage, nothing is recorded, and lists are non-personal.
   */
  consent: 'not-required' | 'not-given' | 'given';
  /** True once the base model is loaded and verified; false means non-personal fallback only. */
  modelLoaded: boolean;
  /** Clear messages about what failed (bad catalogue, bad model, storage unavailable...). */
  errors: string[];
  /** Bumped whenever recommendations may have changed (new event folded in, model loaded). */
  revision: number;
}

export interface EngineConfig {
  /** URL of the catalogue JSON (see `catalog.ts`). */
  catalogUrl: string;
  /** URL of the model manifest (see `model-manifest.ts`). */
  modelUrl: string;
  /** URL of the merchant's rules (see `merchant-config.ts`); the defaults without one. */
  merchantUrl?: string;
  /** Force a backend (`?backend=` in the demo); without it the engine chooses. */
  backend?: BackendName;
  /**
   * Load neither the embeddings nor TensorFlow.js until `startLearningBackend()` is called (the
   * page calls it once its first carousel is on screen); events recorded before are learned
   * from then. Lists are served meanwhile, from the neighbour and text signals.
   */
  deferBackend?: boolean;
  /**
   * The first status revision to use. A page that restarts a dead worker passes one past the
   * revision it has seen, so its lists keep moving forward.
   */
  revisionBase?: number;
  /**
   * The page fetched the manifest and the rules itself while the worker's script was arriving
   * (`worker-bridge.ts`): the engine takes them from the HTTP cache instead of asking the server
   * again, which on a phone link saves a round trip before the first carousel.
   */
  pagePrefetched?: boolean;
  /**
   * The shop must have the shopper's consent before anything is stored (`data-consent="required"`):
   * the engine starts without IndexedDB and Cache Storage, records nothing, and serves
   * non-personal lists until `setConsent(true)`. `consentGiven` starts it with consent (a page
   * that restarts a dead worker after consent).
   */
  consentRequired?: boolean;
  consentGiven?: boolean;
}

/**
 * What remains of compacted events (the oldest, once the log is full): counts per item and type.
 * Key: the item id, or `search:` for all searches together.
 */
export interface ItemAggregate {
  key: string;
  counts: Partial<Record<EventType, number>>;
  firstTs: number;
  lastTs: number;
}

/** What recommendations did for the shopper: cards shown, opened, and what followed (issue 8). */
export interface OutcomeCounts {
  impressions: number;
  clicks: number;
  /** Add-to-cart of an item clicked on a recommended card earlier in the same session. */
  addToCart: number;
  /** Purchases of such an item. */
  purchases: number;
}

/** Counts for one surface, card position (0 = first) and experiment variant. */
export interface OutcomeCell extends OutcomeCounts {
  surface: Surface;
  position: number;
  variant: string;
}

/** A recommended card the shopper opened in the current session: a later cart or purchase of it is attributed to it. */
export interface OpenedCard {
  itemId: string;
  surface: Surface;
  position: number;
  variant: string;
  ts: number;
  addToCart?: boolean;
  purchase?: boolean;
}

/** One UTC day for one variant: what the day's private report (if any) is built from. */
export interface DayOutcome {
  impressions: number;
  clicked: boolean;
  converted: boolean;
}

/**
 * The outcome record the engine keeps on the device (one meta record). It leaves the device only
 * in the shopper's own export; a report carries nothing of it but two noised bits.
 */
export interface StoredOutcomes {
  version: 1;
  cells: OutcomeCell[];
  /** 30 minutes without activity end a session; `banditVariant` is the arm chosen for it. */
  session?: { start: number; last: number; opened: OpenedCard[]; banditVariant?: string };
  /** UTC day (YYYY-MM-DD) → variant → outcome; dropped once reported, and after two weeks. */
  days: Record<string, Record<string, DayOutcome>>;
  /** Random 32-bit seed of variant assignment, drawn once; never sent. */
  deviceSeed?: number;
  /** The UTC day the last report was sent on, and the day it was about. */
  lastReportSentOn?: string;
  reportedThrough?: string;
}

/** "Your data": per-surface totals and the variant this device runs. */
export interface OutcomeSummary {
  bySurface: (OutcomeCounts & { surface: Surface })[];
  total: OutcomeCounts;
  variant?: string;
  /** Set when the shop asked for private reports: the ε each noised bit is sent with. */
  reports?: { epsilonPerBit: number };
}

/** The experiment variant the engine runs (`experiment()`); the page orders carousels by `surfaceOrder`. */
export interface ActiveExperiment {
  name: string;
  variant: string;
  surfaceOrder?: Surface[];
}

/** Everything the store holds for a shopper, as `exportData` returns it. */
export interface ExportedData {
  format: 'shelfwise-export';
  version: 1;
  exportedAt: string;
  events: ShopperEvent[];
  /** Older events, compacted. */
  aggregates: ItemAggregate[];
  settings: {
    paused: boolean;
    /** Items of interests the shopper removed → when (their earlier events no longer count). */
    removedInterestItems: Record<string, number>;
  };
  /** On-device outcome counters and experiment state (issue 8). */
  outcomes: StoredOutcomes;
}
