import { expect, type Locator, type Page, type Route } from '@playwright/test';
import type { EngineStatus, EventType, Surface } from '../../src/shared/protocol';
import type { ShelfwiseConsent, ShelfwiseList, ShelfwiseRecommendOptions, ShelfwiseWindow } from '../../src/widget/api-types';
import { Carousel } from './carousel';

/** The plain-HTML example page (public/examples/plain.html, served from the built dist/). */
export const EXAMPLE_PATH = '/examples/plain.html';
export const WIDGET_SCRIPT = '/shelfwise/shelfwise.js';
/** The same shop in consent mode (`data-consent="required"`, with the shop's own banner). */
export const CONSENT_PATH = '/examples/consent.html';
/** The carousels' height at the default font size (src/widget/styles.ts: 20em of 16px). */
export const CAROUSEL_HEIGHT_PX = 320;

/** Item ids marked on the example page's product list, in page order (all Nintendo DS games). */
export const EXAMPLE_PRODUCTS = ['vg-460', 'vg-794', 'vg-800', 'vg-557', 'vg-319', 'vg-813'];

/** The policy the merchant guide documents (the example page also needs its data: favicon). */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the example page with changes: extra `<head>` markup, replaced text, response headers
 * (a Content-Security-Policy). The page itself comes from the preview server.
 */
export async function rewriteExamplePage(
  page: Page,
  change: { head?: string; replace?: [string, string][]; headers?: Record<string, string> },
): Promise<void> {
  await page.route(`**${EXAMPLE_PATH}`, async (route: Route) => {
    const response = await route.fetch();
    let body = await response.text();
    for (const [from, to] of change.replace ?? []) {
      expect(body, `example page contains ${from}`).toContain(from);
      body = body.replaceAll(from, to);
    }
    if (change.head) body = body.replace('</head>', `${change.head}</head>`);
    await route.fulfill({ response, body, headers: { ...response.headers(), ...change.headers } });
  });
}

/** The example page as a scenario sees it: carousels (through open shadow roots) and `window.shelfwise`. */
export class WidgetPage {
  constructor(readonly page: Page) {}

  /** Opens the example page and waits until the widget's API is installed. */
  async open(path = EXAMPLE_PATH): Promise<void> {
    await this.page.goto(path);
    await this.page.waitForFunction(() => Boolean((globalThis as unknown as Partial<ShelfwiseWindow>).shelfwise));
  }

  /** The `<shelfwise-carousel>` element of a surface. */
  host(surface: Surface): Locator {
    return this.page.locator(`shelfwise-carousel[surface="${surface}"]`);
  }

  /** The contract view of a carousel (Playwright's CSS locators pierce open shadow roots). */
  carousel(surface: Surface): Carousel {
    return new Carousel(this.host(surface), surface);
  }

  /** The marked product tile of the example page. */
  product(itemId: string): Locator {
    return this.page.locator(`li.product[data-shelfwise-item="${itemId}"]`);
  }

  whenIdle(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).shelfwise.whenIdle());
  }

  eventCount(): Promise<number> {
    return this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).shelfwise.eventCount());
  }

  status(): Promise<EngineStatus> {
    return this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).shelfwise.status());
  }

  /** What the shop's banner calls: `shelfwise.consent(given)`, resolved once applied. */
  consent(given: boolean): Promise<ShelfwiseConsent> {
    return this.page.evaluate((g) => (globalThis as unknown as ShelfwiseWindow).shelfwise.consent(g), given);
  }

  track(type: EventType, itemIdOrQuery: string): Promise<boolean> {
    return this.page.evaluate(([t, id]) => (globalThis as unknown as ShelfwiseWindow).shelfwise.track(t, id), [type, itemIdOrQuery] as const);
  }

  recommend(surface: Surface, opts: ShelfwiseRecommendOptions = {}): Promise<ShelfwiseList> {
    return this.page.evaluate(([s, o]) => (globalThis as unknown as ShelfwiseWindow).shelfwise.recommend(s, o), [surface, opts] as const);
  }

  /** Waits until every carousel on the page shows cards, and the engine is idle. */
  async whenCarouselsShown(surfaces: Surface[] = ['for-you', 'because-you-viewed', 'trending']): Promise<void> {
    for (const s of surfaces) await expect(this.carousel(s).cards.first()).toBeVisible();
    await this.whenIdle();
  }
}
