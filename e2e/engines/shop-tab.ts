/**
 * The page objects of the cross-engine scenarios: the storefront and the widget's example page as
 * a shopper's tab, in any engine (see `drivers.ts`). They read the DOM and call the same hooks as
 * the Chromium page objects (`window.__shelfwise`, `window.shelfwise`); waiting is done by polling
 * from Node, so nothing is evaluated as a string inside the page (a strict CSP forbids that).
 */
import type { RecommendationList, Surface } from '../../src/shared/protocol';
import type { EngineTab, PageFunction } from './drivers';

export interface Card {
  id: string;
  text: string;
  reason: string;
  width: number;
  height: number;
}

/** What `/__probe.js` collected in the page (see `test-server.ts`). */
export interface Probe {
  errors: string[];
  violations: string[];
}

export const WIDGET_SURFACES: Surface[] = ['for-you', 'because-you-viewed', 'trending'];

export class ShopTab {
  constructor(
    readonly tab: EngineTab,
    readonly origin: string,
  ) {}

  evaluate<A, T>(fn: PageFunction<A, T>, arg: A): Promise<T> {
    return this.tab.evaluate(fn, arg);
  }

  /** Polls `fn` in the page until it returns a truthy value. */
  async until<A, T>(fn: PageFunction<A, T>, arg: A, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const value = await this.tab.evaluate(fn, arg);
        if (value) return value as NonNullable<T>;
      } catch (err) {
        last = err; // e.g. a navigation replaced the page meanwhile
      }
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // ------------------------------------------------------------ storefront

  async openStorefront(query = ''): Promise<void> {
    await this.tab.goto(`${this.origin}/${query ? `?${query}` : ''}`);
    await this.until(() => Boolean((globalThis as { __shelfwise?: unknown }).__shelfwise), null, 'the QA hook');
  }

  /** Calls a method of the storefront's QA hook, `window.__shelfwise`. */
  hook<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.tab.evaluate(
      ({ method, args }) => (globalThis as unknown as { __shelfwise: Record<string, (...a: unknown[]) => unknown> }).__shelfwise[method](...args) as T,
      { method, args },
    );
  }

  whenIdle(): Promise<void> {
    return this.hook('whenIdle');
  }

  recommendations(surface: Surface, k = 10): Promise<RecommendationList> {
    return this.hook('recommendations', surface, k);
  }

  /** Views the first `n` Trending items through the hook, as a shopper opening them; returns their ids. */
  async viewTrending(n: number): Promise<string[]> {
    const ids = (await this.recommendations('trending', n)).items.map((i) => i.id);
    for (const id of ids) await this.hook('track', 'view', id);
    await this.whenIdle();
    return ids;
  }

  /** The cards of a storefront carousel, as shown. */
  storefrontCards(surface: Surface): Promise<Card[]> {
    return this.tab.evaluate((s) => {
      const region = document.querySelector(`[role="region"][data-surface="${s}"]`);
      return Array.from(region?.querySelectorAll<HTMLElement>('[data-item-id]') ?? []).map((el) => {
        const box = el.getBoundingClientRect();
        return { id: el.dataset.itemId!, text: el.textContent ?? '', reason: el.querySelector('[data-reason]')?.textContent ?? '', width: box.width, height: box.height };
      });
    }, surface);
  }

  /** Clicks the first button whose text is `name` (in the page or an open shadow root). */
  click(name: string): Promise<void> {
    return this.until(
      (label) => {
        const roots: (Document | ShadowRoot)[] = [document];
        for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
        for (const root of roots) {
          const button = Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.trim() === label && !b.disabled);
          if (button) {
            button.click();
            return true;
          }
        }
        return false;
      },
      name,
      `a button "${name}"`,
    ).then(() => undefined);
  }

  // ------------------------------------------------------------ widget

  async openWidgetPage(path: string): Promise<void> {
    await this.tab.goto(`${this.origin}${path}`);
    await this.until(() => Boolean((globalThis as { shelfwise?: unknown }).shelfwise), null, 'window.shelfwise');
  }

  /** Calls a method of the widget's API, `window.shelfwise`. */
  api<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.tab.evaluate(
      ({ method, args }) => (globalThis as unknown as { shelfwise: Record<string, (...a: unknown[]) => unknown> }).shelfwise[method](...args) as T,
      { method, args },
    );
  }

  /** The cards of a `<shelfwise-carousel>` (in its open shadow root), as shown. */
  widgetCards(surface: Surface): Promise<Card[]> {
    return this.tab.evaluate((s) => {
      const host = document.querySelector(`shelfwise-carousel[surface="${s}"]`);
      return Array.from(host?.shadowRoot?.querySelectorAll<HTMLElement>('[data-item-id]') ?? []).map((el) => {
        const box = el.getBoundingClientRect();
        return { id: el.dataset.itemId!, text: el.textContent ?? '', reason: el.querySelector('[data-reason]')?.textContent ?? '', width: box.width, height: box.height };
      });
    }, surface);
  }

  /** Waits until every widget carousel on the page shows cards. */
  async whenWidgetShown(surfaces: Surface[] = WIDGET_SURFACES): Promise<void> {
    await this.until(
      (ss) => ss.every((s) => (document.querySelector(`shelfwise-carousel[surface="${s}"]`)?.shadowRoot?.querySelectorAll('[data-item-id]').length ?? 0) > 0),
      surfaces,
      `cards in ${surfaces.join(', ')}`,
    );
    await this.api('whenIdle');
  }

  // ------------------------------------------------------------ device storage, probe

  /** Events and meta records of the shopper's database, and this origin's caches, read directly. */
  storage(): Promise<{ databases: string[]; events: number; meta: number; caches: string[] }> {
    return this.tab.evaluate(async () => {
      const databases = 'databases' in indexedDB ? (await indexedDB.databases()).map((d) => d.name ?? '') : ['(unknown)'];
      const caches = await globalThis.caches.keys();
      if (!databases.includes('shelfwise')) return { databases, events: 0, meta: 0, caches };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('shelfwise');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const records = (store: string) =>
        new Promise<unknown[]>((resolve, reject) => {
          if (!db.objectStoreNames.contains(store)) return resolve([]);
          const r = db.transaction(store, 'readonly').objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      try {
        // The log is stored in chunks of consecutive events (src/store/db.ts).
        const events = ((await records('chunks')) as { count: number }[]).reduce((n, c) => n + c.count, 0);
        return { databases, events, meta: (await records('meta')).length, caches };
      } finally {
        db.close();
      }
    }, null);
  }

  probe(): Promise<Probe> {
    return this.tab.evaluate(() => (globalThis as unknown as { __probe?: Probe }).__probe ?? { errors: ['no probe in this page'], violations: [] }, null);
  }
}
