/**
 * What a product card shows of a catalogue item besides its title: the price in the page's
 * language (a sale price beside the struck-through regular one), and which image and link URLs
 * are safe to use. Framework-free and DOM-free (the locale is passed in, or read from the page
 * when there is one), shared by the React storefront and the merchant widget, tested in Node.
 */
import { isWebLink } from '../shared/catalog';
import type { CatalogItem, Price } from '../shared/protocol';

/**
 * The page's language: `<html lang>`, else the browser's, else undefined (the runtime's
 * default). A shop page in German gets German prices whatever the shopper's browser says.
 */
export function pageLocale(): string | undefined {
  const g = globalThis as { document?: { documentElement?: { lang?: string } }; navigator?: { language?: string } };
  return g.document?.documentElement?.lang?.trim() || g.navigator?.language || undefined;
}

/**
 * `Intl.NumberFormat` is costly to build (tens of µs) and a carousel formats a price per card:
 * one formatter per locale and currency, `null` when the pair cannot be formatted.
 */
const formatters = new Map<string, Intl.NumberFormat | null>();

function currencyFormatter(locale: string | undefined, currency: string): Intl.NumberFormat | null {
  const key = `${locale ?? ''}\u0000${currency}`;
  let f = formatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // A malformed `lang` (e.g. "en_US") throws as a malformed currency does: the runtime's
      // default locale with the same currency is better than no symbol at all.
      f = locale === undefined ? null : currencyFormatter(undefined, currency);
    }
    formatters.set(key, f);
  }
  return f;
}

/** The amount without a currency style, for a currency `Intl` refuses (2 decimals when it has cents). */
function plainAmount(amount: number, locale: string | undefined): string {
  const digits = Number.isInteger(amount) ? 0 : 2;
  try {
    return amount.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  } catch {
    return amount.toFixed(digits);
  }
}

/**
 * `$15.00` (USD, en-US), `15,00 €` (EUR, de-DE). A currency `Intl` cannot format falls back to
 * the amount and the code as text (`15 XX`), never an exception.
 */
export function formatPrice(price: Price, locale: string | undefined = pageLocale()): string {
  const f = currencyFormatter(locale, price.currency);
  return f ? f.format(price.amount) : `${plainAmount(price.amount, locale)} ${price.currency}`;
}

/** What a card shows for price: the price to pay, and the regular price struck through beside a sale price. */
export interface PriceDisplay {
  /** The price the shopper pays now (the sale price during a sale). */
  now: string;
  /** The regular price, shown struck through, only when `now` is a lower sale price. */
  was?: string;
}

/**
 * The price line of a card, or undefined when the item has no price. A sale shows beside the
 * struck-through regular price only when it is lower and in the same currency: a "sale" that is
 * not cheaper is shown as the plain price to pay, never as a discount.
 */
export function priceDisplay(item: Pick<CatalogItem, 'price' | 'salePrice'>, locale: string | undefined = pageLocale()): PriceDisplay | undefined {
  const { price, salePrice } = item;
  if (salePrice && price && salePrice.currency === price.currency && salePrice.amount < price.amount) {
    return { now: formatPrice(salePrice, locale), was: formatPrice(price, locale) };
  }
  const pay = salePrice ?? price;
  return pay ? { now: formatPrice(pay, locale) } : undefined;
}

/**
 * The URL when a card may load or link to it: absolute http(s), or a path on the page's origin
 * (see `isWebLink`); undefined for `javascript:`, `data:`, protocol-relative `//host` and anything
 * else.
 */
export function safeLink(url: string | undefined | null): string | undefined {
  return typeof url === 'string' && isWebLink(url.trim()) ? url.trim() : undefined;
}
