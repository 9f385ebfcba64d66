/**
 * `window.shelfwise`: the widget's only global. Every method resolves (never rejects, never
 * throws): a host page that ignores a promise must not get an unhandled rejection from us;
 * failures are reported in the console with a `[shelfwise]` prefix and in the resolved value.
 * The public types are in `api-types.ts`.
 */
import { EVENT_TYPES, SURFACES, type EngineStatus, type EventType, type RecommendRequest, type Surface } from '../shared/protocol';
import { consentSettled } from '../client/worker-bridge';
import type { ShelfwiseApi, ShelfwiseConsent, ShelfwiseList, ShelfwiseRecommendOptions, ShelfwiseUpdateListener } from './api-types';
import { warn, type WidgetController } from './controller';

declare global {
  interface Window {
    shelfwise?: ShelfwiseApi;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Builds the API object on a controller (installed on `window` by the entry). */
export function createApi(controller: WidgetController, version: string): ShelfwiseApi {
  const listeners = new Map<ShelfwiseUpdateListener, () => void>();

  const api: ShelfwiseApi = {
    version,

    async track(type: EventType, itemIdOrQuery: string): Promise<boolean> {
      if (!EVENT_TYPES.includes(type) || typeof itemIdOrQuery !== 'string') {
        warn(`track(${String(type)}, …): type must be one of ${EVENT_TYPES.join(', ')} with a string id or query`);
        return false;
      }
      try {
        // false while the shopper has paused personalisation: nothing was stored.
        return await controller.track(type, itemIdOrQuery);
      } catch (err) {
        warn(`track(${type}, ${itemIdOrQuery}) was not recorded`, err);
        return false;
      }
    },

    async recommend(surface: Surface, opts: ShelfwiseRecommendOptions = {}): Promise<ShelfwiseList> {
      const req: RecommendRequest = { surface, k: opts.limit ?? 10 };
      if (opts.item) req.itemId = opts.item;
      if (opts.cartItems?.length) req.cartItemIds = opts.cartItems;
      try {
        if (!SURFACES.includes(surface)) throw new Error(`surface must be one of ${SURFACES.join(', ')}`);
        return await controller.recommend(req);
      } catch (err) {
        warn(`recommend(${String(surface)}) failed`, err);
        return { surface, items: [], personal: false, error: message(err) };
      }
    },

    on(event: 'update', listener: ShelfwiseUpdateListener): () => void {
      if (event !== 'update' || typeof listener !== 'function') {
        warn(`on(${String(event)}, …): only "update" with a function is supported`);
        return () => undefined;
      }
      if (!listeners.has(listener)) {
        listeners.set(
          listener,
          controller.onRevision((status) => {
            // A listener's exception is the host's bug: report it, keep the others running.
            try {
              listener(status);
            } catch (err) {
              console.error('[shelfwise] an "update" listener threw:', err);
            }
          }),
        );
        void controller.start();
      }
      return () => api.off('update', listener);
    },

    off(event: 'update', listener: ShelfwiseUpdateListener): void {
      if (event !== 'update') return;
      listeners.get(listener)?.();
      listeners.delete(listener);
    },

    async eventCount(): Promise<number> {
      try {
        return await controller.eventCount();
      } catch (err) {
        warn('eventCount() failed', err);
        return 0;
      }
    },

    async status(): Promise<EngineStatus> {
      try {
        return await controller.freshStatus();
      } catch (err) {
        warn('status() failed', err);
        return controller.status();
      }
    },

    async consent(given: boolean): Promise<ShelfwiseConsent> {
      if (typeof given !== 'boolean') {
        warn(`consent(${String(given)}): pass true or false`);
        return controller.consent.get();
      }
      if (!controller.consent.required) warn('consent() does nothing: the script tag has no data-consent="required"');
      const snapshot = controller.consent.consent(given);
      await consentSettled();
      return snapshot;
    },

    async whenIdle(): Promise<void> {
      try {
        await controller.whenIdle();
      } catch (err) {
        warn('whenIdle() failed', err);
      }
    },
  };
  return Object.freeze(api);
}
