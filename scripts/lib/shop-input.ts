/**
 * A shop's own files, read for `build:model` and `eval`: the product feed (whole file; feeds are
 * megabytes) and the events export (streamed line by line: it can be gigabytes, and is never
 * held as text). Node I/O only; the parsing is `src/core/product-feed.ts` and
 * `src/core/shop-events.ts`.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseProductFeed, PRODUCT_FEED_FORMATS, productText, type FeedProduct, type ParsedFeed, type ProductFeedFormat } from '../../src/core/product-feed';
import { detectEventsFormat, EventImporter, EVENT_TYPES, type EventColumns, type EventType, type ShopEvents } from '../../src/core/shop-events';
import type { CatalogItem } from '../../src/shared/protocol';

/** The command-line options of a shop's files, shared by `build:model` and `eval` (node:util parseArgs). */
export const SHOP_OPTIONS = {
  products: { type: 'string' }, events: { type: 'string' }, 'products-format': { type: 'string' }, currency: { type: 'string' },
  'events-format': { type: 'string' }, 'events-shopper-column': { type: 'string' }, 'events-item-column': { type: 'string' },
  'events-time-column': { type: 'string' }, 'events-type-column': { type: 'string' }, 'default-type': { type: 'string' },
} as const;

/** The shop's files from parsed `SHOP_OPTIONS` (checked: a bad format name is a clear error). */
export function shopFilesFromArgs(values: Partial<Record<keyof typeof SHOP_OPTIONS, string>>): ShopFiles {
  const column = (role: 'shopper' | 'item' | 'time' | 'type') => values[`events-${role}-column`];
  const columns: Partial<EventColumns> = {};
  for (const role of ['shopper', 'item', 'time', 'type'] as const) if (column(role)) columns[role] = column(role);
  return {
    products: values.products!, events: values.events!,
    productsFormat: oneOf(values['products-format'], PRODUCT_FEED_FORMATS, 'products-format'),
    currency: values.currency,
    eventsFormat: oneOf(values['events-format'], ['csv', 'jsonl'] as const, 'events-format'),
    columns,
    defaultType: oneOf(values['default-type'], EVENT_TYPES, 'default-type'),
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

/** What the command line says about a shop's files. */
export interface ShopFiles {
  products: string;
  productsFormat?: ProductFeedFormat;
  currency?: string;
  events: string;
  eventsFormat?: 'csv' | 'jsonl';
  columns?: Partial<EventColumns>;
  defaultType?: EventType;
}

/** The shop, read: catalogue entries, their text for content similarity, and the events. */
export interface Shop {
  feed: ParsedFeed;
  /** Catalogue entries as the widget loads them (no description, no aliases). */
  items: CatalogItem[];
  /** Per item: title, brand, product type and description, for content similarity. */
  texts: string[];
  events: ShopEvents;
  /** Seconds spent reading each file. */
  seconds: { products: number; events: number };
}

/** Reads the feed, then streams the events against it. Throws FeedError / EventsError naming file and line. */
export async function readShop(files: ShopFiles): Promise<Shop> {
  let t = Date.now();
  const feed = parseProductFeed(readFileSync(files.products, 'utf8'), basename(files.products), {
    format: files.productsFormat, currency: files.currency,
  });
  const productsSeconds = (Date.now() - t) / 1000;
  t = Date.now();
  const index = productIndex(feed.products);
  const events = await streamEvents(files, (id) => index.get(id));
  return {
    feed,
    items: feed.products.map(catalogEntry),
    texts: feed.products.map(productText),
    events,
    seconds: { products: productsSeconds, events: (Date.now() - t) / 1000 },
  };
}

/** Product id → catalogue index, with every alias (Shopify variant SKUs) pointing at its product. */
export function productIndex(products: readonly FeedProduct[]): Map<string, number> {
  const index = new Map<string, number>();
  products.forEach((p, i) => index.set(p.id, i));
  products.forEach((p, i) => {
    // An id always wins over another product's alias.
    for (const alias of p.aliases ?? []) if (!index.has(alias)) index.set(alias, i);
  });
  return index;
}

function catalogEntry(p: FeedProduct): CatalogItem {
  const { description: _d, productType: _t, aliases: _a, line: _l, ...entry } = p;
  return entry;
}

async function streamEvents(files: ShopFiles, resolveItem: (id: string) => number | undefined): Promise<ShopEvents> {
  const fileName = basename(files.events);
  const lines = createInterface({ input: createReadStream(files.events, { encoding: 'utf8' }), crlfDelay: Infinity });
  let importer: EventImporter | undefined;
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!importer) {
      if (line.trim() === '') continue;
      importer = new EventImporter({
        fileName, format: files.eventsFormat ?? detectEventsFormat(line, fileName),
        columns: files.columns, resolveItem, defaultType: files.defaultType,
      });
    }
    importer.addLine(line, lineNo);
  }
  if (!importer) throw new Error(`${fileName}: empty file (expected a header row or JSON Lines)`);
  return importer.finish();
}
