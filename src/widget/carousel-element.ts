/**
 * `<shelfwise-carousel surface="for-you" limit="8">`: one recommendation surface in an open
 * shadow root, in plain DOM (no framework on the host page). Inside, the storefront's QA contract:
 * a `role="region"` element with `data-surface` and `aria-label`, cards with `data-item-id`, a
 * link named by the product title, the price in `[data-price]` and the reason in `[data-reason]`.
 * A card shows the item's image (lazy, in a fixed box, `alt` = the title) or, without one or when
 * it fails to load, the initials tile.
 *
 * While the first list loads, placeholder cards of the final size hold the space; later lists
 * replace the cards in place (no flash, focus kept on the same product). An empty list or a
 * failure hides the element (`:state(empty)` / `:state(error)`) after a `[shelfwise]` warning.
 */
import type { RecommendationList, RecommendedItem, RecommendRequest, Surface } from '../shared/protocol';
import { priceDisplay, safeLink } from '../client/product-format';
import { initials } from '../client/tile-text';
import { cardHref, carouselRequest, DEFAULT_LIMIT } from './config';
import { settleLatest, warn, type SettlingView, type WidgetController } from './controller';
import { carouselSheet } from './styles';

export const CAROUSEL_TAG = 'shelfwise-carousel';

/** Headings when the `heading` attribute does not set one. */
const TITLES: Record<Surface, string> = {
  'for-you': 'For you',
  'because-you-viewed': 'Because you viewed this',
  'bought-together': 'Frequently bought together',
  trending: 'Trending',
  'recently-viewed': 'Recently viewed',
  interest: 'More of what you like',
};

/** Custom states the host page can style (`shelfwise-carousel:state(loading)`). */
type CarouselState = 'loading' | 'ready' | 'empty' | 'error';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, part = className): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (part) node.setAttribute('part', part);
  return node;
}

/** Runs a custom-element reaction; an exception there would reach the host page as uncaught. */
function guard(reaction: () => void): void {
  try {
    reaction();
  } catch (err) {
    warn('Carousel failed', err);
  }
}

/** What is on screen, to skip re-rendering an unchanged list (and keep the scroll position). */
function signature(list: RecommendationList, heading: string): string {
  return JSON.stringify([heading, list.personal, list.items.map((i) => [i.id, i.reason.kind, i.reason.text, i.image, i.url, i.price, i.salePrice])]);
}

/** The initials tile, in place of a picture (decorative: the title is the card's text). */
function tile(title: string): HTMLSpanElement {
  const node = el('span', 'tile');
  node.setAttribute('aria-hidden', 'true');
  const letters = el('span', 'tile__initials', '');
  letters.textContent = initials(title);
  node.append(letters);
  return node;
}

/**
 * The card's picture box (fixed size, so nothing moves as the image arrives): the item's image,
 * lazily loaded and decoded off the main thread, swapped for the tile if it fails to load.
 */
export function cardMedia(item: Pick<RecommendedItem, 'title' | 'image'>): HTMLSpanElement {
  const media = el('span', 'media');
  const src = safeLink(item.image);
  if (!src) {
    media.append(tile(item.title));
    return media;
  }
  const img = el('img', 'image');
  img.alt = item.title;
  img.loading = 'lazy';
  img.decoding = 'async';
  // Before `src`: an image that fails at once still reaches the handler.
  img.addEventListener('error', () => media.replaceChildren(tile(item.title)), { once: true });
  img.src = src;
  media.append(img);
  return media;
}

/** The price to pay and, during a sale, the regular price struck through ("was …" to a screen reader). */
function priceLine(item: RecommendedItem): HTMLSpanElement | undefined {
  const price = priceDisplay(item);
  if (!price) return undefined;
  const line = el('span', 'price');
  line.dataset.price = price.was ? 'sale' : 'regular';
  const now = el('span', price.was ? 'price__now price__now--sale' : 'price__now', 'price-now');
  now.textContent = price.now;
  line.append(now);
  if (price.was) {
    const was = el('s', 'price__was', 'price-was');
    const hidden = el('span', 'sr-only', '');
    hidden.textContent = 'was ';
    was.append(hidden, price.was);
    line.append(' ', was);
  }
  return line;
}

/** Defines `<shelfwise-carousel>` bound to one controller (once per page). */
export function defineCarouselElement(controller: WidgetController, registry: CustomElementRegistry = customElements): void {
  class ShelfwiseCarousel extends HTMLElement implements SettlingView {
    static readonly observedAttributes = ['surface', 'limit', 'item', 'cart-items', 'heading'];

    private readonly internals?: ElementInternals;
    private readonly section = el('section', 'carousel');
    private readonly headingEl = el('h2', 'heading');
    private readonly badge = el('span', 'badge');
    private readonly track = el('ol', 'track');
    private cleanup: (() => void)[] = [];
    private seq = 0;
    private pending: Promise<void> = Promise.resolve();
    private rendered = -1;
    private shown = '';
    private lastList?: RecommendationList;

    constructor() {
      super();
      // An exception here would surface as an uncaught error of the host page: report instead.
      try {
        this.internals = this.attachInternals();
        const root = this.attachShadow({ mode: 'open' });
        root.adoptedStyleSheets = [carouselSheet()];
        // Ids are scoped to the shadow root: a fixed one cannot clash with the page or other carousels.
        const id = 'heading';
        this.headingEl.id = id;
        this.badge.textContent = 'Personal';
        this.badge.hidden = true;
        const header = el('header', 'header');
        header.append(this.headingEl, this.badge);
        this.section.setAttribute('role', 'region');
        this.track.setAttribute('aria-labelledby', id);
        this.track.tabIndex = 0;
        this.track.addEventListener('keydown', (e) => this.onKey(e));
        // A card opened by a plain or a middle click counts for this carousel (on the device).
        const opened = (e: MouseEvent) => guard(() => this.opened(e));
        this.track.addEventListener('click', opened);
        this.track.addEventListener('auxclick', opened);
        this.section.append(header, this.track);
        root.append(this.section);
      } catch (err) {
        warn('Could not create a carousel', err);
      }
    }

    connectedCallback(): void {
      guard(() => {
        // Attributes are read here, not in the constructor: `createElement` constructs without them.
        if (this.rendered < 0 && !this.shown) this.paintPlaceholder();
        this.cleanup.push(controller.register(this), controller.onRevision(() => this.refresh()));
        this.refresh();
      });
    }

    disconnectedCallback(): void {
      for (const fn of this.cleanup.splice(0)) fn();
      this.seq++;
    }

    attributeChangedCallback(name: string, before: string | null, after: string | null): void {
      // Upgrades report the initial attributes before connectedCallback: that first load covers them.
      if (before === after || this.cleanup.length === 0) return;
      guard(() => {
        if (name === 'heading') this.setHeading(this.headingText(this.lastList));
        else {
          this.shown = '';
          this.paintPlaceholder();
          this.refresh();
        }
      });
    }

    settled(): Promise<void> {
      return settleLatest(() => this.pending);
    }

    renderedRevision(): number {
      return this.rendered;
    }

    // ------------------------------------------------------------ internals

    private request(): RecommendRequest | string {
      return carouselRequest({
        surface: this.getAttribute('surface'),
        limit: this.getAttribute('limit'),
        item: this.getAttribute('item'),
        cartItems: this.getAttribute('cart-items'),
      });
    }

    private headingText(list?: RecommendationList): string {
      const own = this.getAttribute('heading')?.trim();
      if (own) return own;
      const req = this.request();
      if (typeof req === 'string') return 'Recommendations';
      if (req.surface === 'because-you-viewed' && list?.anchor) return `Because you viewed ${list.anchor.title}`;
      if (req.surface === 'interest' && list?.interest) return `More ${list.interest.name}`;
      return TITLES[req.surface];
    }

    /** Fetches the list for the current attributes and revision; later calls supersede it. */
    private refresh(): void {
      const seq = ++this.seq;
      this.pending = this.load(seq).catch((err: unknown) => {
        if (seq === this.seq) this.fail('Carousel failed', err);
      });
    }

    private async load(seq: number): Promise<void> {
      const req = this.request();
      if (typeof req === 'string') {
        this.fail(req);
        this.rendered = Number.MAX_SAFE_INTEGER;
        return;
      }
      // Not waiting for the engine's start: a first visit's lists come from the starter list
      // before it, and the revision the engine moves to when ready fetches them again.
      void controller.start();
      const revision = controller.revision();
      if (seq !== this.seq) return;
      let list: RecommendationList;
      try {
        list = await controller.recommend(req);
      } catch (err) {
        if (seq !== this.seq) return;
        this.fail(`${req.surface}${req.itemId ? ` (${req.itemId})` : ''}`, err);
        this.rendered = revision;
        return;
      }
      if (seq !== this.seq) return;
      this.show(list);
      this.rendered = revision;
    }

    private show(list: RecommendationList): void {
      const heading = this.headingText(list);
      this.section.setAttribute('aria-busy', 'false');
      if (list.items.length === 0) {
        this.setState('empty');
        this.shown = '';
        return;
      }
      this.lastList = list;
      const sig = signature(list, heading);
      if (sig !== this.shown) {
        this.shown = sig;
        this.setHeading(heading);
        this.section.dataset.personal = String(list.personal);
        this.badge.hidden = !list.personal;
        this.renderCards(list.items);
        controller.noteImpressions(list.surface, list.items.map((i) => i.id));
      }
      this.setState('ready');
      controller.noteCarouselRendered();
    }

    private renderCards(items: RecommendedItem[]): void {
      // Keep keyboard focus on the same product across an update.
      const focused = (this.shadowRoot?.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-item-id]')?.dataset.itemId;
      const cards = items.map((item, i) => this.card(item, i));
      this.track.replaceChildren(...cards);
      if (focused) cards.find((c) => c.dataset.itemId === focused)?.querySelector('a')?.focus({ preventScroll: true });
    }

    private card(item: RecommendedItem, position: number): HTMLLIElement {
      const li = el('li', 'card');
      li.dataset.itemId = item.id;
      const link = el('a', 'link');
      link.href = cardHref(controller.config.productUrl, item, document.baseURI);
      // Titles are catalogue text: always textContent, never HTML.
      const title = el('span', 'card__title', 'title');
      title.textContent = item.title;
      // Named by the title alone, not "title title" with the image's alt (ids are per shadow root).
      title.id = `title-${position}`;
      link.setAttribute('aria-labelledby', title.id);
      link.append(cardMedia(item), title);
      li.append(link);
      const price = priceLine(item);
      if (price || item.category) {
        const meta = el('span', 'meta');
        if (price) meta.append(price);
        if (item.category) {
          const category = el('span', 'category');
          category.textContent = item.category;
          meta.append(category);
        }
        li.append(meta);
      }
      const reason = el('p', 'reason');
      reason.dataset.reason = item.reason.kind;
      reason.textContent = item.reason.text;
      li.append(reason);
      return li;
    }

    /** Placeholder cards of the final size: the carousel's height never changes on load. */
    private paintPlaceholder(): void {
      const req = this.request();
      const count = typeof req === 'string' ? DEFAULT_LIMIT : req.k ?? DEFAULT_LIMIT;
      const cards = Array.from({ length: Math.min(count, 8) }, () => {
        const li = el('li', 'card placeholder', 'card placeholder');
        li.setAttribute('aria-hidden', 'true');
        const media = el('span', 'media', '');
        li.append(media, el('span', 'bar', ''), el('span', 'bar bar--short', ''));
        return li;
      });
      this.track.replaceChildren(...cards);
      this.section.setAttribute('aria-busy', 'true');
      this.setHeading(this.headingText());
      this.section.dataset.surface = typeof req === 'string' ? '' : req.surface;
      this.setState('loading');
    }

    private setHeading(text: string): void {
      this.headingEl.textContent = text;
      this.section.setAttribute('aria-label', text);
    }

    private setState(state: CarouselState): void {
      const states = this.internals?.states;
      try {
        if (!states) throw new Error('no custom states');
        for (const s of ['loading', 'ready', 'empty', 'error'] as const) states.delete(s);
        states.add(state);
      } catch {
        // Browsers without CSS custom states: hide through CSSOM (allowed under a strict CSP).
        this.style.display = state === 'empty' || state === 'error' ? 'none' : '';
      }
    }

    private fail(message: string, err?: unknown): void {
      warn(`${message}; the carousel is hidden`, err);
      this.shown = '';
      this.setState('error');
    }

    private opened(e: MouseEvent): void {
      if (e.type === 'auxclick' && e.button !== 1) return;
      const target = e.target as Element | null;
      const card = target?.closest('a')?.closest<HTMLElement>('li[data-item-id]');
      const surface = this.section.dataset.surface;
      if (!card || !surface) return;
      const position = [...this.track.children].indexOf(card);
      controller.noteClick(surface as Surface, position, card.dataset.itemId!);
    }

    /** Arrow keys move between cards (scrolling them into view); Home/End jump to the ends. */
    private onKey(e: KeyboardEvent): void {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const links = [...this.track.querySelectorAll<HTMLAnchorElement>('a.link')];
      if (links.length === 0) return;
      const forward = getComputedStyle(this.track).direction === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
      const backward = forward === 'ArrowRight' ? 'ArrowLeft' : 'ArrowRight';
      const current = links.indexOf(this.shadowRoot?.activeElement as HTMLAnchorElement);
      let next: number;
      if (e.key === forward) next = current + 1;
      else if (e.key === backward) next = current < 0 ? -1 : current - 1;
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = links.length - 1;
      else return;
      e.preventDefault();
      if (next < 0) return;
      const target = links[Math.min(next, links.length - 1)];
      target.focus({ preventScroll: true });
      target.closest('li')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  }

  if (!registry.get(CAROUSEL_TAG)) registry.define(CAROUSEL_TAG, ShelfwiseCarousel);
}
