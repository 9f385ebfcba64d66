import { describe, expect, it } from 'vitest';
import { cardHref, carouselRequest, DEFAULT_LIMIT, engineConfig, MAX_LIMIT, productHref, readConfig } from '../../src/widget/config';
import { readMarking } from '../../src/widget/marking';
import { DEFAULT_TCF_RULES } from '../../src/client/consent';

const PAGE = 'https://shop.example/games/list.html?sort=new';

/** A stand-in for an element: only `getAttribute` is read. */
function element(attrs: Record<string, string>): { getAttribute(name: string): string | null } {
  return { getAttribute: (name) => attrs[name] ?? null };
}

describe('script tag configuration', () => {
  it('defaults to the storefront paths, resolved against the page, and no product pattern (cards use the items\' own links)', () => {
    expect(readConfig({}, PAGE)).toEqual({
      catalogUrl: 'https://shop.example/catalog.json',
      modelUrl: 'https://shop.example/model/manifest.json',
      consentRequired: false,
      tcf: DEFAULT_TCF_RULES,
      problems: [],
    });
  });

  it('resolves relative and cross-origin URLs, keeps a valid product pattern and backend', () => {
    const config = readConfig({ catalog: 'data/catalog.json', model: 'https://cdn.example/m/manifest.json', productUrl: '/p/{id}', backend: 'wasm' }, PAGE);
    expect(config).toEqual({
      catalogUrl: 'https://shop.example/games/data/catalog.json',
      modelUrl: 'https://cdn.example/m/manifest.json',
      productUrl: '/p/{id}',
      backend: 'wasm',
      consentRequired: false,
      tcf: DEFAULT_TCF_RULES,
      problems: [],
    });
    expect(engineConfig(config)).toEqual({ catalogUrl: config.catalogUrl, modelUrl: config.modelUrl, backend: 'wasm', deferBackend: true });
  });

  it('ignores a product pattern without {id} and an unknown backend', () => {
    expect(readConfig({ productUrl: '/product', backend: 'gpu' }, PAGE).productUrl).toBeUndefined();
    expect(readConfig({ backend: 'gpu' }, PAGE).backend).toBeUndefined();
  });
});

describe('consent attributes', () => {
  it('data-consent="required" turns consent mode on; absent or "not-required" leaves it off', () => {
    expect(readConfig({ consent: 'required' }, PAGE).consentRequired).toBe(true);
    expect(readConfig({ consent: ' Required ' }, PAGE).consentRequired).toBe(true);
    expect(readConfig({ consent: 'not-required' }, PAGE).consentRequired).toBe(false);
    expect(readConfig({ consent: '' }, PAGE).consentRequired).toBe(false);
  });

  it('an unreadable data-consent asks for consent and says so', () => {
    const config = readConfig({ consent: 'yes' }, PAGE);
    expect(config.consentRequired).toBe(true);
    expect(config.problems).toEqual(['data-consent="yes" is not "required" or "not-required"; treated as "required"']);
  });

  it('reads the TCF purposes, vendors and scope', () => {
    const config = readConfig({ consent: 'required', tcfPurposes: '1 3, 4', tcfVendors: '755', tcfScope: 'publisher' }, PAGE);
    expect(config.tcf).toEqual({ purposes: [1, 3, 4], vendors: [755], scope: 'publisher' });
    expect(config.problems).toEqual([]);
  });

  it('keeps the valid part of a bad list and never an empty purpose list (which would grant on any answer)', () => {
    const config = readConfig({ tcfPurposes: 'one two', tcfVendors: '12 x', tcfScope: 'everyone' }, PAGE);
    expect(config.tcf).toEqual({ purposes: DEFAULT_TCF_RULES.purposes, vendors: [12], scope: 'vendors' });
    expect(config.problems).toHaveLength(3);
  });
});

describe('product links', () => {
  it('fills {id} URL-encoded, relative to the page', () => {
    expect(productHref('?item={id}', 'vg 1/2', PAGE)).toBe('https://shop.example/games/list.html?item=vg%201%2F2');
    expect(productHref('/p/{id}.html', 'SKU-123', PAGE)).toBe('https://shop.example/p/SKU-123.html');
  });

  it('never yields a javascript: link', () => {
    expect(productHref('javascript:alert({id})', 'x', PAGE)).toBe('https://shop.example/games/list.html?item=x');
  });
});

describe('card links', () => {
  it('data-product-url overrides the item\'s own url', () => {
    expect(cardHref('/p/{id}', { id: 'a', url: 'https://shop.example/products/a' }, PAGE)).toBe('https://shop.example/p/a');
  });

  it('without a pattern, uses the item\'s http(s) url or path, resolved against the page', () => {
    expect(cardHref(undefined, { id: 'a', url: 'https://other.example/a?x=1' }, PAGE)).toBe('https://other.example/a?x=1');
    expect(cardHref(undefined, { id: 'a', url: '/products/a' }, PAGE)).toBe('https://shop.example/products/a');
  });

  it('falls back to ?item={id} without a url, or for an unsafe one', () => {
    const fallback = 'https://shop.example/games/list.html?item=a';
    expect(cardHref(undefined, { id: 'a' }, PAGE)).toBe(fallback);
    for (const url of ['javascript:alert(1)', 'data:text/html,x', '//evil.example/a', 'ftp://shop.example/a', 'https://shop.example/a b']) {
      expect(cardHref(undefined, { id: 'a', url }, PAGE), url).toBe(fallback);
    }
  });
});

describe('carousel attributes', () => {
  const attrs = (a: Partial<Record<'surface' | 'limit' | 'item' | 'cartItems', string>>) => ({
    surface: a.surface ?? null, limit: a.limit ?? null, item: a.item ?? null, cartItems: a.cartItems ?? null,
  });

  it('builds the engine request, clamping the limit', () => {
    expect(carouselRequest(attrs({ surface: 'for-you' }))).toEqual({ surface: 'for-you', k: DEFAULT_LIMIT });
    expect(carouselRequest(attrs({ surface: 'trending', limit: '500' }))).toEqual({ surface: 'trending', k: MAX_LIMIT });
    expect(carouselRequest(attrs({ surface: 'trending', limit: '0' }))).toEqual({ surface: 'trending', k: 1 });
    expect(carouselRequest(attrs({ surface: 'because-you-viewed', item: ' vg-1 ' }))).toEqual({ surface: 'because-you-viewed', k: 8, itemId: 'vg-1' });
    expect(carouselRequest(attrs({ surface: 'bought-together', cartItems: 'a  b' }))).toEqual({ surface: 'bought-together', k: 8, cartItemIds: ['a', 'b'] });
  });

  it('explains what is wrong instead of throwing', () => {
    expect(carouselRequest(attrs({ surface: 'for-me' }))).toMatch(/surface= one of for-you/);
    expect(carouselRequest(attrs({ surface: 'because-you-viewed' }))).toMatch(/needs an item=/);
  });
});

describe('marked host-page elements', () => {
  it('a plain marker is a view on click', () => {
    expect(readMarking(element({ 'data-shelfwise-item': 'vg-1' }))).toEqual({ itemId: 'vg-1', type: 'view', trigger: 'click' });
  });

  it('add_to_cart and purchase fire on click; an explicit view fires when visible', () => {
    expect(readMarking(element({ 'data-shelfwise-item': 'vg-1', 'data-shelfwise-event': 'add_to_cart' }))).toEqual({ itemId: 'vg-1', type: 'add_to_cart', trigger: 'click' });
    expect(readMarking(element({ 'data-shelfwise-item': 'vg-1', 'data-shelfwise-event': 'view' }))).toEqual({ itemId: 'vg-1', type: 'view', trigger: 'visible' });
  });

  it('data-shelfwise-trigger overrides when an event fires', () => {
    const purchase = element({ 'data-shelfwise-item': 'vg-1', 'data-shelfwise-event': 'purchase', 'data-shelfwise-trigger': 'visible' });
    expect(readMarking(purchase)).toEqual({ itemId: 'vg-1', type: 'purchase', trigger: 'visible' });
    const view = element({ 'data-shelfwise-item': 'vg-1', 'data-shelfwise-event': 'view', 'data-shelfwise-trigger': 'click' });
    expect(readMarking(view)).toMatchObject({ trigger: 'click' });
  });

  it('rejects an empty id or an unknown event with a reason', () => {
    expect(readMarking(element({ 'data-shelfwise-item': ' ' }))).toMatch(/empty/);
    expect(readMarking(element({ 'data-shelfwise-item': 'vg-1', 'data-shelfwise-event': 'search' }))).toMatch(/not one of view, add_to_cart, purchase/);
  });
});
