/**
 * The widget's one connection to the recommender engine, shared by every carousel, the marked-
 * element tracker and `window.shelfwise`. It uses the worker bridge the storefront uses too
 * (`src/client/`: lazy worker start, status store) and adds what a page without React needs:
 * revision listeners, the "first carousel on screen → start TensorFlow.js" hand-off, and
 * `whenIdle` for tests.
 */
import type { EngineStatus, EventType, RecommendationList, RecommendRequest, ShopperEventInput, Surface } from '../shared/protocol';
import type { ConsentController } from '../client/consent';
import { engine, engineStatusStore, errorText, offerStatus, startEngine } from '../client/worker-bridge';
import { engineConfig, type WidgetConfig } from './config';

/** Written to the page's performance timeline when the first carousel with cards is painted. */
export const FIRST_CAROUSEL_MARK = 'shelfwise:first-carousel';

/** A carousel as `whenIdle` sees it. */
export interface SettlingView {
  /** Resolves when the view's latest request has been answered and rendered. */
  settled(): Promise<void>;
  /** The engine revision the view has rendered (or settled with an error); -1 before any. */
  renderedRevision(): number;
}

/** Resolves once a view's latest update has finished (a newer one may start while waiting). */
export async function settleLatest(pending: () => Promise<void>): Promise<void> {
  let current: Promise<void>;
  do {
    current = pending();
    await current;
  } while (current !== pending());
}

export type StatusListener = (status: EngineStatus) => void;

/** Warns with the widget's prefix: the host page's console is the only place we report to. */
export function warn(message: string, err?: unknown): void {
  console.warn(`[shelfwise] ${message}${err === undefined ? '' : `: ${errorText(err)}`}`);
}

export class WidgetController {
  private started?: Promise<EngineStatus>;
  private readonly views = new Set<SettlingView>();
  private firstCarousel = false;
  private toldNoConsent = false;

  /** `consent` decides when the engine may store (always, outside consent mode). */
  constructor(
    readonly config: WidgetConfig,
    readonly consent: ConsentController,
  ) {}

  /**
   * Starts the worker and the engine once; never rejects (failures are in the status). Resolves
   * when the engine can answer, from its starter list if the model has one; `loaded()` waits for
   * the catalogue and model too.
   */
  start(): Promise<EngineStatus> {
    this.started ??= startEngine(engineConfig(this.config), this.consent);
    return this.started;
  }

  /** The engine started, with its catalogue and model loaded (or failed). */
  async loaded(): Promise<EngineStatus> {
    void this.start();
    await engine().whenLoaded();
    return this.start();
  }

  /** The engine revision the page knows of (bumped when recommendations may have changed). */
  revision(): number {
    return engineStatusStore.get().revision;
  }

  status(): EngineStatus {
    return engineStatusStore.get();
  }

  /** Calls `listener` whenever the revision moves; returns the unsubscribe function. */
  onRevision(listener: StatusListener): () => void {
    let last = this.revision();
    return engineStatusStore.subscribe(() => {
      const status = engineStatusStore.get();
      if (status.revision === last) return;
      last = status.revision;
      listener(status);
    });
  }

  recommend(req: RecommendRequest): Promise<RecommendationList> {
    // `start` posts `init` first and the worker handles messages in order: the engine answers
    // from its starter list while the catalogue is on its way, so the call does not wait here.
    void this.start();
    return engine().recommend(req);
  }

  /**
   * Records an event: true when stored, false while the shopper has paused personalisation or
   * (consent mode) has not consented; rejects (nothing stored) for an unknown item or a
   * malformed event.
   */
  async track(type: EventType, itemIdOrQuery: string): Promise<boolean> {
    void this.start();
    const input: ShopperEventInput = type === 'search' ? { type, query: itemIdOrQuery } : { type, itemId: itemIdOrQuery };
    const stored = await engine().recordEvent(input);
    if (!stored && !this.consent.allowsStorage() && !this.toldNoConsent) {
      this.toldNoConsent = true;
      warn(`events are not recorded until the shopper consents (${this.consent.get().detail})`);
    }
    return stored;
  }

  async eventCount(): Promise<number> {
    await this.loaded();
    return engine().eventCount();
  }

  async freshStatus(): Promise<EngineStatus> {
    await this.loaded();
    const status = await engine().status();
    offerStatus(status);
    return engineStatusStore.get();
  }

  /** A carousel showed new cards: counted on the device (impressions per surface and variant). */
  noteImpressions(surface: Surface, itemIds: string[]): void {
    engine().noteImpressions(surface, itemIds).catch((e: unknown) => warn('impressions not noted', e));
  }

  /** A card's link was opened: later add-to-cart or purchase of the item counts for the carousel. */
  noteClick(surface: Surface, position: number, itemId: string): void {
    engine().noteClick(surface, position, itemId).catch((e: unknown) => warn('click not noted', e));
  }

  register(view: SettlingView): () => void {
    this.views.add(view);
    return () => this.views.delete(view);
  }

  /**
   * Called by a carousel once its cards are in the DOM. The first time: mark the timeline and,
   * after the next paint (the cards are on screen, not just attached), let the engine load
   * TensorFlow.js; until then the worker serves lists from plain JavaScript.
   */
  noteCarouselRendered(): void {
    if (this.firstCarousel) return;
    this.firstCarousel = true;
    performance.mark(FIRST_CAROUSEL_MARK);
    requestAnimationFrame(() =>
      setTimeout(() => {
        engine().startLearningBackend().catch((e: unknown) => warn('Could not start the learning backend', e));
      }, 0),
    );
  }

  /**
   * Resolves when the engine has nothing pending and every carousel shows the lists of the
   * latest revision: scenarios wait on it instead of sleeping.
   */
  async whenIdle(): Promise<void> {
    await this.loaded();
    for (let round = 0; round < 100; round++) {
      await engine().whenIdle();
      const status = await engine().status();
      offerStatus(status);
      await Promise.all([...this.views].map((v) => v.settled()));
      const again = await engine().status();
      const rendered = [...this.views].every((v) => v.renderedRevision() >= status.revision);
      if (again.revision === status.revision && rendered) return;
      offerStatus(again);
    }
    throw new Error('whenIdle: the widget did not settle after 100 rounds');
  }
}
