/**
 * Shops' product feeds → Shelfwise catalogue items. Reads the formats shops already export:
 * Google Merchant Center text (TSV) and RSS 2.0 XML feeds, the Shopify product CSV export, and
 * Shelfwise's own `catalog.json`. Pure and runtime-neutral (Node and browser): the caller reads
 * the file and passes its text and name; every error names the file, line and field, and a bad
 * row fails the whole parse (a half-read catalogue would silently drop products).
 *
 * Sources: Google Merchant Center product data specification (support.google.com/merchants,
 * answer 7052112) and its TSV/XML feed formats; Shopify's "Using CSV files to import and export
 * products" help page for the export's columns and its one-row-per-variant/image layout.
 */
import { CURRENCY, isWebLink, validateCatalog } from '../shared/catalog';
import type { CatalogItem, Price } from '../shared/protocol';
import { CsvError, parseCsv, type CsvRow } from './csv';
import { cleanTitle } from './dataset';
import { childElements, parseXml, textContent, XmlError, type XmlElement } from './xml';

/** The feed formats read; also the values of the build script's `--products-format` flag. */
export type ProductFeedFormat = 'gmc-tsv' | 'gmc-xml' | 'shopify-csv' | 'shelfwise-json';

/** Every format, in the order error messages list them. */
export const PRODUCT_FEED_FORMATS: readonly ProductFeedFormat[] = ['gmc-tsv', 'gmc-xml', 'shopify-csv', 'shelfwise-json'];

/** A catalogue item as read from a feed, with what content similarity and error reports need. */
export interface FeedProduct extends CatalogItem {
  /** Plain text (HTML reduced by `htmlToText`); for content similarity, not for the catalogue file. */
  description?: string;
  /** The shop's own category path as written (`Home > Kitchen > Knives`, or a Shopify Type). */
  productType?: string;
  /** Other ids events may use for this product (Shopify: its variants' SKUs). */
  aliases?: string[];
  /** 1-based line where the product starts in the file (its first row); 0 for `shelfwise-json`. */
  line: number;
}

/** A parsed feed and the counts the build report prints. */
export interface ParsedFeed {
  format: ProductFeedFormat;
  products: FeedProduct[];
  stats: {
    /** Data records read: TSV/CSV rows after the header, XML `<item>`s, JSON items. */
    rows: number;
    products: number;
    /** Distinct `group` values (variant families); products without a group are not counted. */
    groups: number;
    /** Products with `available: false`. */
    unavailable: number;
    withImage: number;
    withPrice: number;
  };
}

/** Options of `parseProductFeed`. */
export interface ParseFeedOptions {
  /** Skip detection (the `--products-format` flag). */
  format?: ProductFeedFormat;
  /**
   * The shop's ISO 4217 currency: required for Shopify CSV, which has no currency column. Not a
   * default for GMC feeds, whose every price must name its currency (only used in the hint).
   */
  currency?: string;
}

/** Thrown for a feed that cannot be used. The message starts `FILE:LINE: ` (or `FILE: `) and names the field. */
export class FeedError extends Error {
  override name = 'FeedError';
  constructor(
    readonly fileName: string,
    readonly line: number | undefined,
    detail: string,
    readonly field?: string,
  ) {
    super(`${fileName}:${line === undefined ? '' : `${line}:`} ${detail}`);
  }
}

const ACCEPTED =
  'accepted formats: a Google Merchant Center text feed (tab-separated, header with "id" and "title"), ' +
  'a Google Merchant Center RSS 2.0 XML feed, a Shopify product CSV export (header with "Handle" and "Title"), ' +
  'or a Shelfwise catalog.json; or name it with --products-format ' + PRODUCT_FEED_FORMATS.join('|');

/**
 * Tells a feed's format from its content (the file name only appears in the error). XML and
 * JSON by their first character; a tab-separated header naming `id`, `title` or another GMC
 * attribute → GMC TSV; a comma-separated header naming `Handle` or Shopify's variant columns →
 * Shopify CSV. Headers that look like a format but lack a required column are still detected as
 * that format, so that parsing reports the missing column instead of "unknown format".
 */
export function detectFeedFormat(text: string, fileName: string): ProductFeedFormat {
  const body = stripBom(text).trimStart();
  if (body.startsWith('<')) return 'gmc-xml';
  if (body.startsWith('{')) return 'shelfwise-json';
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.includes('\t')) {
    const names = firstLine.split('\t').map(gmcAttributeName);
    if (names.some((h) => GMC_ATTRIBUTES.has(h))) return 'gmc-tsv';
  } else if (firstLine.includes(',')) {
    const names = firstLine.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
    if (names.some((h) => SHOPIFY_MARKERS.has(h))) return 'shopify-csv';
  }
  throw new FeedError(fileName, undefined, `cannot tell the format of this file; ${ACCEPTED}`);
}

/**
 * Parses a whole product feed. Throws `FeedError` for anything unusable (see the module comment);
 * never returns part of a feed.
 */
export function parseProductFeed(text: string, fileName: string, options: ParseFeedOptions = {}): ParsedFeed {
  const format = options.format ?? detectFeedFormat(text, fileName);
  if (!PRODUCT_FEED_FORMATS.includes(format)) {
    throw new FeedError(fileName, undefined, `unknown format ${JSON.stringify(format)}; ${ACCEPTED}`);
  }
  if (options.currency !== undefined && !CURRENCY.test(options.currency)) {
    throw new FeedError(fileName, undefined, `currency ${JSON.stringify(options.currency)} is not an ISO 4217 code such as "EUR"`);
  }
  let products: FeedProduct[];
  let rows: number;
  switch (format) {
    case 'gmc-tsv': ({ products, rows } = parseGmcTsv(text, fileName, options)); break;
    case 'gmc-xml': ({ products, rows } = parseGmcXml(text, fileName, options)); break;
    case 'shopify-csv': ({ products, rows } = parseShopifyCsv(text, fileName, options)); break;
    case 'shelfwise-json': ({ products, rows } = parseShelfwiseJson(text, fileName)); break;
  }
  if (products.length === 0) throw new FeedError(fileName, undefined, 'the feed has no products');
  const groups = new Set<string>();
  let unavailable = 0;
  let withImage = 0;
  let withPrice = 0;
  for (const p of products) {
    if (p.group !== undefined) groups.add(p.group);
    if (p.available === false) unavailable++;
    if (p.image !== undefined) withImage++;
    if (p.price !== undefined) withPrice++;
  }
  return { format, products, stats: { rows, products: products.length, groups: groups.size, unavailable, withImage, withPrice } };
}

const DESCRIPTION_CHARS = 1000;

/**
 * The text content similarity reads for a product: the title twice (so it weighs most), brand,
 * product type, and the description cut to about 1,000 characters at a word boundary, so that a
 * long HTML body does not drown the title's terms.
 */
export function productText(p: FeedProduct): string {
  const parts = [p.title, p.title];
  if (p.brand) parts.push(p.brand);
  if (p.productType) parts.push(p.productType);
  if (p.description) {
    let d = p.description;
    if (d.length > DESCRIPTION_CHARS) {
      const cut = d.lastIndexOf(' ', DESCRIPTION_CHARS);
      d = d.slice(0, cut > DESCRIPTION_CHARS / 2 ? cut : DESCRIPTION_CHARS);
    }
    parts.push(d);
  }
  return parts.join('\n');
}

const BLOCK_TAGS = /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|thead|tbody|section|article|header|footer|blockquote|pre)\b[^>]*>/gi;

/**
 * Plain text of an HTML fragment (a Shopify `Body (HTML)`, an HTML description): script and
 * style dropped with their contents, comments dropped, tags → spaces (block tags and `<br>` →
 * line breaks), entities decoded and whitespace collapsed to single spaces by `cleanTitle`.
 */
export function htmlToText(html: string): string {
  return cleanTitle(
    html
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(BLOCK_TAGS, '\n')
      // Only things that look like tags: "size < 5" in a description stays text.
      .replace(/<\/?[a-z][^>]*>/gi, ' '),
  );
}

// ---------------------------------------------------------------------------------------------
// Google Merchant Center: one product per row/item; TSV and XML share `gmcProduct`.

/** The GMC attributes read; everything else (gtin, shipping, custom labels…) is ignored. */
const GMC_ATTRIBUTES = new Set([
  'id', 'title', 'description', 'link', 'image_link', 'price', 'sale_price', 'availability', 'brand',
  'product_type', 'google_product_category', 'item_group_id',
]);

/** `g:Image Link` → `image_link`: GMC headers may carry the namespace prefix, any case, spaces. */
function gmcAttributeName(raw: string): string {
  return raw.trim().replace(/^"|"$/g, '').toLowerCase().replace(/^g:/, '').replace(/[\s-]+/g, '_');
}

/** Where a product came from, for messages. */
interface Origin {
  fileName: string;
  line: number;
}

function fail(at: Origin, field: string | undefined, detail: string): never {
  throw new FeedError(at.fileName, at.line, detail, field);
}

function gmcProduct(raw: Map<string, string>, at: Origin, options: ParseFeedOptions): FeedProduct {
  const get = (k: string) => raw.get(k)?.trim() ?? '';
  const id = get('id');
  if (!id) fail(at, 'id', '"id" is empty');
  // cleanTitle also decodes HTML entities left after XML decoding: feed plugins often escape
  // twice (`&amp;amp;`) or write `&nbsp;`, and a shopper should see "&", not "&amp;".
  const title = cleanTitle(get('title'));
  if (!title) fail(at, 'title', `"title" is empty (product "${id}")`);
  const p: FeedProduct = { id, title, line: at.line };

  const description = htmlToText(get('description'));
  if (description) p.description = description;
  const brand = cleanTitle(get('brand'));
  if (brand) p.brand = brand;
  const productType = cleanTitle(get('product_type'));
  if (productType) p.productType = productType;
  const category = categoryOf(productType) ?? categoryOf(cleanTitle(get('google_product_category')));
  if (category) p.category = category;
  const group = get('item_group_id');
  if (group) p.group = group;

  const availability = get('availability');
  if (availability) {
    const a = availability.toLowerCase().replace(/[\s-]+/g, '_');
    // Absent `available` means available: the catalogue stays small.
    if (a === 'out_of_stock') p.available = false;
    else if (!AVAILABLE.has(a)) {
      fail(at, 'availability', `"availability" ${JSON.stringify(availability)} is not one of in_stock, out_of_stock, preorder, backorder`);
    }
  }

  const url = feedLink(get('link'), 'link', at);
  if (url) p.url = url;
  const image = feedLink(get('image_link'), 'image_link', at);
  if (image) p.image = image;

  const price = gmcPrice(get('price'), 'price', at, options);
  const sale = gmcPrice(get('sale_price'), 'sale_price', at, options);
  setPrices(p, price, sale, at, 'sale_price');
  return p;
}

// "available for order" was the spec's old name for preorder-like stock; still seen in old feeds.
const AVAILABLE = new Set(['in_stock', 'preorder', 'backorder', 'available_for_order']);

/** Regular price and (only when lower) sale price; a sale with no regular price is the price. */
function setPrices(p: FeedProduct, price: Price | undefined, sale: Price | undefined, at: Origin, saleField: string): void {
  if (price && sale && sale.currency !== price.currency) {
    fail(at, saleField, `"${saleField}" is in ${sale.currency} but the price is in ${price.currency}`);
  }
  if (price) {
    p.price = price;
    if (sale && sale.amount < price.amount) p.salePrice = sale;
  } else if (sale) {
    p.price = sale;
  }
}

/**
 * The browsing category of a category path: its most specific level (`Home > Kitchen > Knives`
 * → `Knives`): a shop's upper levels are often the whole shop, while the leaf is what a shopper
 * is interested in ("More Knives"). Numeric Google taxonomy ids (`2920`) carry no name and give none.
 */
function categoryOf(path: string): string | undefined {
  if (!path || /^\d+$/.test(path)) return undefined;
  const levels = path.split('>').map((s) => s.trim()).filter((s) => s.length > 0);
  if (levels.length === 0) return undefined;
  return levels[levels.length - 1];
}

/**
 * A feed's link: an absolute http(s) URL, or a path from the root of the shop's own origin
 * (`/images/a.jpg`; the widget runs on that origin). A relative path (`a.jpg`) has no base in a
 * feed, and any other scheme (`javascript:`, `ftp:`) is never loaded or linked.
 */
function feedLink(value: string, field: string, at: Origin): string | undefined {
  if (!value) return undefined;
  if (!isWebLink(value) || !(/^https?:\/\//i.test(value) || value.startsWith('/'))) {
    fail(at, field, `"${field}" must be an http(s) URL or a path from the site root (/…), got ${JSON.stringify(value.slice(0, 100))}`);
  }
  return value;
}

/** `15.00 USD`, `USD 15.00`, `1,299.00 USD`, `15,00 EUR`; empty → undefined. */
function gmcPrice(value: string, field: string, at: Origin, options: ParseFeedOptions): Price | undefined {
  if (!value) return undefined;
  const m = /^(?:([A-Za-z]{3})\s*)?([\d.,]+)(?:\s*([A-Za-z]{3}))?$/.exec(value);
  if (!m) fail(at, field, `"${field}" ${JSON.stringify(value)} is not a price such as "15.00 USD"`);
  const [, before, number, after] = m!;
  if (before && after) fail(at, field, `"${field}" ${JSON.stringify(value)} names two currencies`);
  const currency = (before ?? after)?.toUpperCase();
  if (!currency) {
    fail(at, field, `"${field}" has no currency (${JSON.stringify(value)}); write it as "${number} ${options.currency ?? 'USD'}"`);
  }
  if (!CURRENCY.test(currency!)) fail(at, field, `"${field}" currency ${JSON.stringify(currency)} is not an ISO 4217 code`);
  return { amount: parseAmount(number, field, at), currency: currency! };
}

/**
 * A decimal amount with optional thousands separators. With both `,` and `.`, the later one is
 * the decimal point (`1,299.00`, `1.299,00`); with commas only, groups of three digits are
 * thousands (`1,299`) and anything else is a decimal comma (`15,00`); several dots are thousands.
 */
function parseAmount(raw: string, field: string, at: Origin): number {
  let s = raw.trim();
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    s = lastDot > lastComma ? s.replace(/,/g, '') : s.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    s = /^\d{1,3}(,\d{3})+$/.test(s) ? s.replace(/,/g, '') : s.split(',').length === 2 ? s.replace(',', '.') : s;
  } else if (s.split('.').length > 2 && /^\d{1,3}(\.\d{3})+$/.test(s)) {
    s = s.replace(/\./g, '');
  }
  const amount = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(amount) || amount < 0) fail(at, field, `"${field}" amount ${JSON.stringify(raw)} is not a number ≥ 0`);
  return amount;
}

/** Rejects a second product with an id already seen, naming both lines. */
function checkUnique(products: FeedProduct[], fileName: string, field: string): void {
  const first = new Map<string, number>();
  for (const p of products) {
    const prev = first.get(p.id);
    if (prev !== undefined) {
      throw new FeedError(fileName, p.line, `duplicate "${field}" ${JSON.stringify(p.id)} (first on line ${prev})`, field);
    }
    first.set(p.id, p.line);
  }
}

function parseGmcTsv(text: string, fileName: string, options: ParseFeedOptions): { products: FeedProduct[]; rows: number } {
  let records: CsvRow[];
  try {
    records = parseCsv(text, '\t');
  } catch (e) {
    if (e instanceof CsvError) throw new FeedError(fileName, e.line, e.message);
    throw e;
  }
  if (records.length === 0) throw new FeedError(fileName, undefined, 'the file is empty');
  const header = records[0].fields.map(gmcAttributeName);
  for (const required of ['id', 'title']) {
    if (!header.includes(required)) {
      throw new FeedError(fileName, records[0].line, `no "${required}" column; a Google Merchant Center feed's header names at least "id" and "title" (found: ${header.join(', ')})`, required);
    }
  }
  const products: FeedProduct[] = [];
  for (const row of records.slice(1)) {
    const at = { fileName, line: row.line };
    if (row.fields.length > header.length && row.fields.slice(header.length).some((f) => f.trim() !== '')) {
      fail(at, undefined, `the row has ${row.fields.length} fields but the header has ${header.length} (a tab inside a value?)`);
    }
    const raw = new Map<string, string>();
    header.forEach((name, k) => {
      // Repeated columns (e.g. two product_type columns): the first non-empty value wins.
      if (GMC_ATTRIBUTES.has(name) && !raw.get(name)?.trim()) raw.set(name, row.fields[k] ?? '');
    });
    products.push(gmcProduct(raw, at, options));
  }
  checkUnique(products, fileName, 'id');
  return { products, rows: records.length - 1 };
}

const GOOGLE_NS = 'http://base.google.com/ns/1.0';

function parseGmcXml(text: string, fileName: string, options: ParseFeedOptions): { products: FeedProduct[]; rows: number } {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlError) throw new FeedError(fileName, e.line, `malformed XML: ${e.message}`);
    throw e;
  }
  if (localName(root.name) !== 'rss') {
    throw new FeedError(fileName, root.line, `the root element is <${root.name}>; expected <rss> (a Google Merchant Center RSS 2.0 feed; Atom feeds are not read)`);
  }
  const channel = childElements(root).find((c) => c.name === 'channel');
  if (!channel) throw new FeedError(fileName, root.line, '<rss> has no <channel>');
  // Prefixes bound to Google's namespace: `g` by convention, but any prefix may be declared.
  const googlePrefixes = new Set(['g']);
  for (const el of [root, channel]) {
    for (const [attr, value] of Object.entries(el.attributes)) {
      if (attr.startsWith('xmlns:') && value === GOOGLE_NS) googlePrefixes.add(attr.slice(6));
    }
  }
  const items = childElements(channel).filter((c) => c.name === 'item');
  const products = items.map((item) => {
    const plain = new Map<string, string>();
    const google = new Map<string, string>();
    for (const el of childElements(item)) {
      const colon = el.name.indexOf(':');
      const target = colon < 0 ? plain : googlePrefixes.has(el.name.slice(0, colon)) ? google : undefined;
      const name = gmcAttributeName(el.name.slice(colon + 1));
      // Only direct children: the <g:price> nested in <g:shipping> is a shipping cost, not the price.
      if (target && GMC_ATTRIBUTES.has(name) && !target.has(name)) target.set(name, textContent(el));
    }
    // The g: form is the Merchant Center attribute itself; the plain RSS element is its fallback.
    for (const [k, v] of google) if (v.trim() || !plain.has(k)) plain.set(k, v);
    return gmcProduct(plain, { fileName, line: item.line }, options);
  });
  checkUnique(products, fileName, 'id');
  return { products, rows: items.length };
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

// ---------------------------------------------------------------------------------------------
// Shopify product CSV export: rows of one Handle → one product.

/** Lower-cased header names that only Shopify's export has; any one of them means Shopify. */
const SHOPIFY_MARKERS = new Set(['handle', 'body (html)', 'variant price', 'variant sku', 'variant compare at price', 'image src']);

interface ShopifyDraft {
  product: FeedProduct;
  /** The lowest-priced variant so far: its selling price and its regular (compare-at) price. */
  best?: { selling: number; regular: number };
  image?: { position: number; src: string };
  skus: Set<string>;
}

function parseShopifyCsv(text: string, fileName: string, options: ParseFeedOptions): { products: FeedProduct[]; rows: number } {
  let records: CsvRow[];
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new FeedError(fileName, e.line, e.message);
    throw e;
  }
  if (records.length === 0) throw new FeedError(fileName, undefined, 'the file is empty');
  const headerLine = records[0].line;
  const columns = new Map<string, number>();
  records[0].fields.forEach((h, k) => {
    const name = h.trim().toLowerCase();
    if (!columns.has(name)) columns.set(name, k);
  });
  for (const required of ['Handle', 'Title']) {
    if (!columns.has(required.toLowerCase())) {
      throw new FeedError(fileName, headerLine, `no "${required}" column; a Shopify product export's header starts "Handle,Title,Body (HTML),Vendor,…"`, required);
    }
  }
  // The export has no currency column (prices are in the store's currency): the caller names it.
  const currency = options.currency;
  if (currency === undefined) {
    throw new FeedError(fileName, headerLine, 'a Shopify product CSV has no currency column; pass the shop\'s currency, e.g. --currency EUR', 'Variant Price');
  }
  const col = (row: CsvRow, name: string): string => {
    const k = columns.get(name.toLowerCase());
    return k === undefined ? '' : (row.fields[k] ?? '').trim();
  };

  const drafts = new Map<string, ShopifyDraft>();
  const order: ShopifyDraft[] = [];
  let previous: ShopifyDraft | undefined;
  for (const row of records.slice(1)) {
    const at = { fileName, line: row.line };
    const handle = col(row, 'Handle');
    if (!handle) fail(at, 'Handle', '"Handle" is empty');
    const title = cleanTitle(col(row, 'Title'));
    let draft = drafts.get(handle);
    if (!draft) {
      // A handle's first row is its product row: it carries Title, Body, Vendor, Type, Status.
      if (!title) fail(at, 'Title', `"Title" is empty on the first row of handle ${JSON.stringify(handle)}`);
      const product: FeedProduct = { id: handle, title, line: row.line };
      const description = htmlToText(col(row, 'Body (HTML)'));
      if (description) product.description = description;
      const brand = cleanTitle(col(row, 'Vendor'));
      if (brand) product.brand = brand;
      const type = cleanTitle(col(row, 'Type'));
      if (type) product.productType = type;
      // Type is the shop's own word for the product; the Shopify taxonomy path is the fallback.
      const category = categoryOf(type) ?? categoryOf(cleanTitle(col(row, 'Product Category')));
      if (category) product.category = category;
      // draft/archived products cannot be bought; a blank Status (or no Status column, in
      // exports from before 2021) means active.
      const status = col(row, 'Status').toLowerCase();
      if (status && status !== 'active') product.available = false;
      draft = { product, skus: new Set() };
      drafts.set(handle, draft);
      order.push(draft);
    } else if (title && draft !== previous) {
      // A titled row for a handle seen in an earlier block: two products with one handle.
      fail(at, 'Handle', `duplicate "Handle" ${JSON.stringify(handle)} (first on line ${draft.product.line})`);
    }
    previous = draft;

    const sku = col(row, 'Variant SKU');
    if (sku) draft.skus.add(sku);
    const priceText = col(row, 'Variant Price');
    if (priceText) {
      const selling = parseAmount(priceText, 'Variant Price', at);
      const compareText = col(row, 'Variant Compare At Price');
      const compare = compareText ? parseAmount(compareText, 'Variant Compare At Price', at) : undefined;
      const regular = compare !== undefined && compare > selling ? compare : selling;
      if (!draft.best || selling < draft.best.selling) draft.best = { selling, regular };
    }
    const src = col(row, 'Image Src') || col(row, 'Variant Image');
    if (src) {
      const field = col(row, 'Image Src') ? 'Image Src' : 'Variant Image';
      feedLink(src, field, at);
      const posText = col(row, 'Image Position');
      // Unpositioned images (variant images) rank after positioned ones, in file order.
      const position = /^\d+$/.test(posText) ? Number(posText) : Number.MAX_SAFE_INTEGER;
      if (!draft.image || position < draft.image.position) draft.image = { position, src };
    }
  }

  const products = order.map((d) => {
    const p = d.product;
    if (d.best) {
      setPrices(
        p,
        { amount: d.best.regular, currency },
        d.best.regular > d.best.selling ? { amount: d.best.selling, currency } : undefined,
        { fileName, line: p.line },
        'Variant Price',
      );
    }
    if (d.image) p.image = d.image.src;
    const aliases = [...d.skus].filter((s) => s !== p.id);
    if (aliases.length > 0) p.aliases = aliases;
    return p;
  });
  checkAliases(products, fileName);
  return { products, rows: records.length - 1 };
}

/**
 * Events may name a product by any alias, so an alias must point at one product only: a SKU
 * shared by two handles (Shopify allows it, with a warning) would credit the wrong product.
 */
function checkAliases(products: FeedProduct[], fileName: string): void {
  const owner = new Map<string, FeedProduct>();
  for (const p of products) owner.set(p.id, p);
  for (const p of products) {
    for (const alias of p.aliases ?? []) {
      const other = owner.get(alias);
      if (other && other !== p) {
        throw new FeedError(
          fileName, p.line,
          `"Variant SKU" ${JSON.stringify(alias)} of handle ${JSON.stringify(p.id)} is also ${other.id === alias ? 'a handle' : `a SKU of handle ${JSON.stringify(other.id)}`} (line ${other.line}); SKUs must name one product`,
          'Variant SKU',
        );
      }
      owner.set(alias, p);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shelfwise catalog.json

function parseShelfwiseJson(text: string, fileName: string): { products: FeedProduct[]; rows: number } {
  let data: unknown;
  const body = stripBom(text);
  try {
    data = JSON.parse(body);
  } catch (e) {
    const pos = /position (\d+)/.exec(String((e as Error).message));
    const line = pos ? body.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new FeedError(fileName, line, `not valid JSON: ${(e as Error).message}`);
  }
  try {
    const catalog = validateCatalog(data);
    return { products: catalog.items.map((item) => ({ ...item, line: 0 })), rows: catalog.items.length };
  } catch (e) {
    throw new FeedError(fileName, undefined, (e as Error).message);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
