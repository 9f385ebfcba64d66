import { describe, expect, it } from 'vitest';
import { CatalogError, isWebLink, validateCatalog } from '../../src/shared/catalog';

const catalog = (extra: Record<string, unknown>) => ({ format: 'shelfwise-catalog', version: 1, items: [{ id: 'a', title: 'A', ...extra }] });

describe('catalogue: images, prices, links, brand and group', () => {
  it('keeps well-formed fields', () => {
    const item = validateCatalog(catalog({
      image: 'https://cdn.shop.example/a.jpg', url: '/products/a', brand: 'Acme', group: 'g1',
      price: { amount: 15, currency: 'USD' }, salePrice: { amount: 12.5, currency: 'USD' },
    })).items[0];
    expect(item).toEqual({
      id: 'a', title: 'A', image: 'https://cdn.shop.example/a.jpg', url: '/products/a', brand: 'Acme', group: 'g1',
      price: { amount: 15, currency: 'USD' }, salePrice: { amount: 12.5, currency: 'USD' },
    });
  });

  it('refuses a link a card must not follow, and a price without an ISO 4217 currency', () => {
    expect(() => validateCatalog(catalog({ image: 'javascript:alert(1)' }))).toThrow(/item "a" has a "image" that is not an http\(s\) URL/);
    expect(() => validateCatalog(catalog({ url: 'data:text/html,x' }))).toThrow(CatalogError);
    expect(() => validateCatalog(catalog({ price: { amount: 15 } }))).toThrow(/ISO 4217 "currency"/);
    expect(() => validateCatalog(catalog({ price: { amount: 15, currency: 'usd' } }))).toThrow(/ISO 4217/);
    expect(() => validateCatalog(catalog({ price: { amount: -1, currency: 'USD' } }))).toThrow(/amount/);
    expect(() => validateCatalog(catalog({ brand: 3 }))).toThrow(/non-string "brand"/);
  });

  it('isWebLink: http(s) and paths only', () => {
    for (const ok of ['https://a.example/x.jpg', 'http://a.example', '/img/a.jpg', 'img/a.jpg']) expect(isWebLink(ok)).toBe(true);
    for (const bad of ['javascript:alert(1)', 'ftp://a.example/x', '//evil.example/x', 'https://', 'a b.jpg', '']) expect(isWebLink(bad)).toBe(false);
  });
});
