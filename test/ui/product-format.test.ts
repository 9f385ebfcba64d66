import { describe, expect, it } from 'vitest';
import { formatPrice, priceDisplay, safeLink } from '../../src/client/product-format';

/** Intl separates amount and symbol with a no-break space in many locales. */
const nbsp = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

describe('formatPrice', () => {
  it('formats in the page language', () => {
    expect(formatPrice({ amount: 15, currency: 'USD' }, 'en-US')).toBe('$15.00');
    expect(nbsp(formatPrice({ amount: 15, currency: 'EUR' }, 'de-DE'))).toBe('15,00 €');
    expect(nbsp(formatPrice({ amount: 1234.5, currency: 'EUR' }, 'de-DE'))).toBe('1.234,50 €');
    expect(formatPrice({ amount: 1500, currency: 'JPY' }, 'en-US')).toBe('¥1,500');
  });

  it('falls back to "amount currency" for a currency Intl refuses, without throwing', () => {
    expect(formatPrice({ amount: 15, currency: 'XX' }, 'en-US')).toBe('15 XX');
    expect(formatPrice({ amount: 15.5, currency: 'EURO' }, 'en-US')).toBe('15.50 EURO');
  });

  it('survives a malformed lang attribute (uses the runtime default locale)', () => {
    expect(formatPrice({ amount: 15, currency: 'USD' }, 'en_US')).toContain('15');
  });

  it('gives the same text on repeated calls (cached formatters)', () => {
    const a = formatPrice({ amount: 9.99, currency: 'GBP' }, 'en-GB');
    expect(formatPrice({ amount: 9.99, currency: 'GBP' }, 'en-GB')).toBe(a);
    expect(a).toBe('£9.99');
  });
});

describe('priceDisplay: regular or sale', () => {
  const usd = (amount: number) => ({ amount, currency: 'USD' });

  it('nothing without a price', () => {
    expect(priceDisplay({}, 'en-US')).toBeUndefined();
  });

  it('the regular price alone', () => {
    expect(priceDisplay({ price: usd(20) }, 'en-US')).toEqual({ now: '$20.00' });
  });

  it('a lower sale price beside the regular one', () => {
    expect(priceDisplay({ price: usd(20), salePrice: usd(15) }, 'en-US')).toEqual({ now: '$15.00', was: '$20.00' });
  });

  it('a "sale" that is not cheaper, or in another currency, is the plain price to pay', () => {
    expect(priceDisplay({ price: usd(20), salePrice: usd(20) }, 'en-US')).toEqual({ now: '$20.00' });
    expect(priceDisplay({ price: usd(20), salePrice: usd(25) }, 'en-US')).toEqual({ now: '$25.00' });
    expect(priceDisplay({ price: usd(20), salePrice: { amount: 10, currency: 'EUR' } }, 'en-US')).toEqual({ now: '€10.00' });
    expect(priceDisplay({ salePrice: usd(12) }, 'en-US')).toEqual({ now: '$12.00' });
  });
});

describe('safeLink', () => {
  it('keeps http(s) URLs and same-origin paths', () => {
    for (const url of ['https://shop.example/a.jpg', 'http://shop.example/p?id=1', '/img/a.jpg', 'img/a.jpg', '?item=1']) {
      expect(safeLink(url), url).toBe(url);
    }
  });

  it('rejects javascript:, data:, other schemes and protocol-relative URLs', () => {
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:image/png;base64,AA', 'vbscript:x', 'ftp://shop.example/a', '//evil.example/a', 'https://a b', '', undefined, null]) {
      expect(safeLink(url), String(url)).toBeUndefined();
    }
  });
});
