import { expect, type Locator, type Page } from '@playwright/test';
import type { EngineStatus, EventType, RecommendationList, ShopperEvent, Surface } from '../../src/shared/protocol';
import type { ShelfwiseTimings, ShelfwiseWindow } from '../../src/ui/qa-hook-api';
import { Carousel } from './carousel';

/**
 * The storefront as a scenario sees it: navigation by URL, the header (search, cart), the status
 * line, carousels, and the typed QA hook (`window.__shelfwise`).
 */
export class Storefront {
  /**
   * The engine status indicator in the page's corner (`data-testid="engine-status"`): its word is
   * the `status` role; its text also holds the diagnostics ("Backend: …" and why), which stay in
   * the DOM, hidden, until the indicator is clicked or the page is opened with `?diagnostics=1`.
   */
  readonly statusLine: Locator;
  readonly searchBox: Locator;
  readonly cartLink: Locator;

  constructor(readonly page: Page) {
    this.statusLine = page.getByTestId('engine-status');
    this.searchBox = page.getByRole('searchbox', { name: 'Search the catalogue' });
    this.cartLink = page.getByRole('link', { name: /^Cart/ });
  }

  /** Opens a storefront URL (query string only, e.g. `?item=vg-1`) and waits for the hook. */
  async open(query = '', backend?: string): Promise<void> {
    const params = new URLSearchParams(query.replace(/^\?/, ''));
    if (backend) params.set('backend', backend);
    const qs = params.toString();
    await this.page.goto(qs ? `/?${qs}` : '/');
    await this.hooked();
  }

  openProduct(itemId: string, backend?: string): Promise<void> {
    return this.open(`item=${encodeURIComponent(itemId)}`, backend);
  }

  carousel(surface: Surface): Carousel {
    return new Carousel(this.page, surface);
  }

  /**
   * The QA hook exists once the app chunk has run (src/ui/boot.ts loads it after starting the
   * worker): after a navigation or reload, wait for it rather than fail.
   */
  private hooked(): Promise<unknown> {
    return this.page.waitForFunction(() => Boolean((globalThis as unknown as Partial<ShelfwiseWindow>).__shelfwise));
  }

  /** Engine idle and every carousel on screen rendered for the latest revision. */
  whenIdle(): Promise<void> {
    return this.hooked().then(() => this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.whenIdle()));
  }

  backend(): Promise<string> {
    return this.hooked().then(() => this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.backend()));
  }

  eventCount(): Promise<number> {
    return this.hooked().then(() => this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.eventCount()));
  }

  status(): Promise<EngineStatus> {
    return this.hooked().then(() => this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.status()));
  }

  recommend(surface: Surface, k = 10): Promise<string[]> {
    return this.page.evaluate(([s, n]) => (globalThis as unknown as ShelfwiseWindow).__shelfwise.recommend(s, n), [surface, k] as const);
  }

  recommendations(surface: Surface, k = 10): Promise<RecommendationList> {
    return this.page.evaluate(
      ([s, n]) => (globalThis as unknown as ShelfwiseWindow).__shelfwise.recommendations(s, n),
      [surface, k] as const,
    );
  }

  track(type: EventType, itemIdOrQuery: string): Promise<void> {
    return this.page.evaluate(
      ([t, id]) => (globalThis as unknown as ShelfwiseWindow).__shelfwise.track(t, id),
      [type, itemIdOrQuery] as const,
    );
  }

  recentEvents(limit = 20): Promise<ShopperEvent[]> {
    return this.page.evaluate((n) => (globalThis as unknown as ShelfwiseWindow).__shelfwise.recentEvents(n), limit);
  }

  timings(): Promise<ShelfwiseTimings> {
    return this.hooked().then(() => this.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.timings()));
  }

  async search(query: string): Promise<void> {
    await this.searchBox.fill(query);
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: `Results for “${query}”` })).toBeVisible();
  }

  /** The product page currently shown. */
  get product(): ProductPage {
    return new ProductPage(this.page);
  }

  get cart(): CartPage {
    return new CartPage(this.page);
  }

  /** The "Your data" panel (`?view=data`). */
  get yourData(): YourDataPanel {
    return new YourDataPanel(this.page);
  }
}

/** A product page (`?item={id}`). */
export class ProductPage {
  readonly heading: Locator;
  readonly addToCart: Locator;
  readonly buyNow: Locator;
  readonly category: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.addToCart = page.getByRole('button', { name: 'Add to cart' });
    this.buyNow = page.getByRole('button', { name: 'Buy now' });
    this.category = page.locator('.product__category');
  }

  /** The id of the product shown (from its article's `data-item-id`). */
  itemId(): Promise<string | null> {
    return this.page.locator('article[data-item-id]').getAttribute('data-item-id');
  }
}

/** The cart page (`?view=cart`). */
export class CartPage {
  readonly list: Locator;
  readonly items: Locator;
  readonly checkout: Locator;
  readonly confirmation: Locator;
  readonly empty: Locator;

  constructor(readonly page: Page) {
    this.list = page.getByRole('list', { name: 'Items in your cart' });
    this.items = this.list.getByRole('listitem');
    this.checkout = page.getByRole('button', { name: 'Checkout' });
    this.confirmation = page.getByRole('status').filter({ hasText: 'Order placed' });
    this.empty = page.getByText('Your cart is empty.');
  }

  async itemIds(): Promise<string[]> {
    return this.items.evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id') ?? ''));
  }

  remove(title: string): Promise<void> {
    return this.page.getByRole('button', { name: `Remove ${title}` }).click();
  }
}

/**
 * The shopper's "Your data" panel: the storefront's (`?view=data`, `data-testid="your-data"`) or,
 * given its root, the widget's `<shelfwise-your-data>` (same accessible names).
 */
export class YourDataPanel {
  readonly root: Locator;
  readonly exportButton: Locator;
  readonly eraseButton: Locator;
  readonly confirmErase: Locator;
  readonly pauseButton: Locator;
  readonly resumeButton: Locator;
  /** The line saying whether personalisation is on or paused (`data-paused`). */
  readonly state: Locator;
  /** The learned-interest bars; each is an image named "{interest}, {n}% of your activity". */
  readonly interestBars: Locator;
  readonly recentEvents: Locator;

  constructor(readonly page: Page, root?: Locator) {
    this.root = root ?? page.getByTestId('your-data');
    this.exportButton = this.root.getByRole('button', { name: 'Export my data' });
    this.eraseButton = this.root.getByRole('button', { name: 'Erase my data' });
    this.confirmErase = this.root.getByRole('button', { name: 'Erase everything' });
    this.pauseButton = this.root.getByRole('button', { name: 'Pause personalisation' });
    this.resumeButton = this.root.getByRole('button', { name: 'Resume personalisation' });
    this.state = this.root.locator('[data-paused]');
    this.interestBars = this.root.getByRole('list', { name: 'Interests learned from your activity' }).getByRole('img');
    this.recentEvents = this.root.getByRole('list', { name: 'Recent activity' }).getByRole('listitem');
  }

  /** The count shown for an event type, or `total`. */
  count(type: EventType | 'total'): Locator {
    return this.root.locator(`[data-count="${type}"]`);
  }

}
