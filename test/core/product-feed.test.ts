import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectFeedFormat, FeedError, htmlToText, parseProductFeed, productText,
  type FeedProduct, type ParseFeedOptions,
} from '../../src/core/product-feed';
import { parseXml, textContent, XmlError } from '../../src/core/xml';

const FEEDS = join(import.meta.dirname, '../fixtures/feeds');
const fixture = (name: string) => readFileSync(join(FEEDS, name), 'utf8');
const byId = (products: FeedProduct[], id: string) => products.find((p) => p.id === id);
const withoutLine = ({ line: _line, ...rest }: FeedProduct) => rest;

/** The FeedError a parse throws (fails the test when it does not throw one). */
function feedError(text: string, fileName: string, options?: ParseFeedOptions): FeedError {
  try {
    parseProductFeed(text, fileName, options);
  } catch (e) {
    if (e instanceof FeedError) return e;
    throw e;
  }
  throw new Error('expected a FeedError');
}

const TSV_HEAD = 'id\ttitle\tprice\timage_link\n';

describe('Google Merchant Center TSV', () => {
  const feed = parseProductFeed(fixture('gmc-feed.tsv'), 'gmc-feed.tsv');

  it('reads every row into a product with its line', () => {
    expect(feed.format).toBe('gmc-tsv');
    expect(feed.products.map((p) => [p.id, p.line])).toEqual([
      ['KN-CHEF-20', 2], ['TT-RED', 3], ['TT-BLUE', 4], ['ESP-PRO', 5], ['MILL-SP', 6], ['SKILLET-12', 7], ['GIFT-25', 8], ['APRON-CAFE', 9],
    ]);
    expect(feed.stats).toEqual({ rows: 8, products: 8, groups: 1, unavailable: 1, withImage: 7, withPrice: 8 });
  });

  it('maps the attributes, reduces the HTML description to text and keeps a lower sale price', () => {
    expect(byId(feed.products, 'KN-CHEF-20')).toEqual({
      id: 'KN-CHEF-20',
      title: "Chef's Knife 20 cm",
      description: 'Forged German steel. Full tang Hand wash only',
      url: 'https://larder.example/products/chef-knife-20cm',
      image: 'https://cdn.larder.example/img/chef-knife.jpg?v=1712345678&width=800',
      price: { amount: 89, currency: 'USD' },
      salePrice: { amount: 69, currency: 'USD' },
      brand: 'Messerwerk',
      productType: 'Home > Kitchen > Knives',
      category: 'Knives',
      line: 2,
    });
  });

  it('puts variants sharing item_group_id in one group, "in stock" with a space, "USD 12.50"', () => {
    const red = byId(feed.products, 'TT-RED')!;
    const blue = byId(feed.products, 'TT-BLUE')!;
    expect(red.group).toBe('TT-01');
    expect(blue.group).toBe('TT-01');
    expect(red.available).toBeUndefined();
    expect(blue.available).toBe(false);
    expect(red.price).toEqual({ amount: 12.5, currency: 'USD' });
    // product_type wins over google_product_category.
    expect(red.category).toBe('Textiles');
  });

  it('reads "1,299.00 USD", preorder as available, and drops a sale price above the price', () => {
    const esp = byId(feed.products, 'ESP-PRO')!;
    expect(esp.price).toEqual({ amount: 1299, currency: 'USD' });
    expect('available' in esp).toBe(false);
    expect(esp.description).toBe('15 bar pump & PID control. Steam wand for latte art.');
    const mills = byId(feed.products, 'MILL-SP')!;
    expect(mills.price).toEqual({ amount: 34, currency: 'USD' });
    expect(mills.salePrice).toBeUndefined();
    expect(mills.available).toBeUndefined(); // backorder
  });

  it('keeps quotes inside unquoted fields, unquotes quoted ones, and falls back to a named google_product_category', () => {
    const skillet = byId(feed.products, 'SKILLET-12')!;
    expect(skillet.title).toBe('12" Cast Iron Skillet');
    expect(skillet.description).toBe('Pre-seasoned. The "forever pan".');
    expect(skillet.productType).toBeUndefined();
    expect(skillet.category).toBe('Skillets');
    // A numeric google_product_category id names nothing.
    expect(byId(feed.products, 'ESP-PRO')!.category).toBe('Coffee');
    expect(byId(feed.products, 'APRON-CAFE')!.category).toBe('Textiles'); // a single level
  });

  it('ignores unknown attributes and leaves out empty ones', () => {
    const allowed = new Set(['id', 'title', 'description', 'url', 'image', 'price', 'salePrice', 'available', 'brand', 'productType', 'category', 'group', 'line']);
    for (const p of feed.products) for (const key of Object.keys(p)) expect(allowed).toContain(key);
    expect(byId(feed.products, 'GIFT-25')).toEqual({
      id: 'GIFT-25', title: 'Gift Card', url: 'https://larder.example/products/gift-card', price: { amount: 25, currency: 'USD' }, line: 8,
    });
  });

  it('accepts g:-prefixed headers in any case, quoted headers, a BOM and CRLF', () => {
    const text = '\uFEFF"G:ID"\tg:Title\tG:PRICE\tg:availability\r\nA-1\tMug\t9.5 eur\tOut Of Stock\r\n';
    expect(parseProductFeed(text, 'feed.tsv').products).toEqual([
      { id: 'A-1', title: 'Mug', price: { amount: 9.5, currency: 'EUR' }, available: false, line: 2 },
    ]);
  });

  it('reads a quoted field holding a tab and a line break, and counts lines after it', () => {
    const text = 'id\ttitle\tdescription\nA\tMug\t"one\ttwo\nthree"\nB\tCup\t\n';
    const { products } = parseProductFeed(text, 'feed.tsv');
    expect(products[0].description).toBe('one two three');
    expect(products[1].line).toBe(4);
  });

  it('reads European and thousands-separated amounts', () => {
    const text = TSV_HEAD + 'a\tA\t15,00 EUR\t\nb\tB\t1.299,00 EUR\t\nc\tC\t1,299 USD\t\nd\tD\tGBP 0.99\t\n';
    expect(parseProductFeed(text, 'feed.tsv').products.map((p) => p.price!.amount)).toEqual([15, 1299, 1299, 0.99]);
  });
});

describe('Google Merchant Center RSS XML', () => {
  const feed = parseProductFeed(fixture('gmc-feed.xml'), 'gmc-feed.xml');

  it('reads each <item>, naming the line it starts on', () => {
    expect(feed.format).toBe('gmc-xml');
    expect(feed.products).toHaveLength(8);
    expect(byId(feed.products, 'KN-CHEF-20')!.line).toBe(9);
    expect(feed.stats).toEqual({ rows: 8, products: 8, groups: 1, unavailable: 1, withImage: 7, withPrice: 8 });
  });

  it('unwraps CDATA, decodes &amp; and numeric entities, and ignores the <g:price> inside <g:shipping>', () => {
    const knife = byId(feed.products, 'KN-CHEF-20')!;
    expect(knife.description).toBe('Forged German steel. Full tang Hand wash only');
    expect(knife.image).toBe('https://cdn.larder.example/img/chef-knife.jpg?v=1712345678&width=800');
    expect(knife.price).toEqual({ amount: 89, currency: 'USD' });
    expect(byId(feed.products, 'MILL-SP')!.title).toBe('Salt & Pepper Mill Set');
    expect(byId(feed.products, 'APRON-CAFE')!.title).toBe('Café Apron'); // &#233;
    expect(byId(feed.products, 'TT-RED')!.title).toBe('Organic Cotton Tea Towel – Red'); // &#x2013; in <g:title>
    expect(byId(feed.products, 'TT-RED')!.url).toBe('https://larder.example/products/tea-towel?variant=red'); // <g:link>
    expect(byId(feed.products, 'SKILLET-12')!.category).toBe('Skillets');
  });

  it('describes the same products as the TSV fixture (apart from lines)', () => {
    const tsv = parseProductFeed(fixture('gmc-feed.tsv'), 'gmc-feed.tsv');
    expect(feed.products.map(withoutLine)).toEqual(tsv.products.map(withoutLine));
    expect(feed.stats).toEqual(tsv.stats);
  });

  it('prefers <g:title> over a plain <title>, and accepts another prefix bound to the Google namespace', () => {
    const xml = `<rss version="2.0" xmlns:google="http://base.google.com/ns/1.0"><channel>
      <item><google:id>1</google:id><title>Plain</title><google:title>Google</google:title><google:price>2 EUR</google:price></item>
    </channel></rss>`;
    expect(parseProductFeed(xml, 'feed.xml').products).toEqual([
      { id: '1', title: 'Google', price: { amount: 2, currency: 'EUR' }, line: 2 },
    ]);
  });

  it('skips a DOCTYPE without expanding its entities', () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY boom "BOOM"> ]>\n<rss><channel><item><g:id>1</g:id><title>A &boom; B</title></item></channel></rss>';
    expect(parseProductFeed(xml, 'feed.xml').products[0].title).toBe('A &boom; B');
  });
});

describe('Shopify product CSV export', () => {
  const feed = parseProductFeed(fixture('shopify-products.csv'), 'products_export_1.csv', { currency: 'EUR' });

  it('folds the rows of each Handle into one product', () => {
    expect(feed.format).toBe('shopify-csv');
    expect(feed.products.map((p) => [p.id, p.line])).toEqual([
      ['chef-knife-20cm', 2], ['linen-apron', 7], ['salt-pepper-mill-set', 12], ['cast-iron-skillet-12', 13], ['gift-card', 14], ['espresso-machine-pro', 17],
    ]);
    expect(feed.stats).toEqual({ rows: 12, products: 6, groups: 0, unavailable: 2, withImage: 5, withPrice: 6 });
  });

  it('3 variant rows + 2 image rows → the lowest price (compare-at → sale), the first image, every SKU as an alias', () => {
    expect(byId(feed.products, 'linen-apron')).toEqual({
      id: 'linen-apron',
      title: 'Linen Apron',
      // <meta>, <style> and <script> are gone; the table's cells remain as words.
      description: 'Stonewashed linen with a deep front pocket. S 80 cm',
      brand: 'Larder & Co',
      productType: 'Aprons',
      category: 'Aprons',
      price: { amount: 45, currency: 'EUR' },
      salePrice: { amount: 39, currency: 'EUR' },
      image: 'https://cdn.shopify.com/s/files/1/0612/3456/7890/files/apron-front.jpg?v=1712345601',
      aliases: ['LA-S', 'LA-M', 'LA-L'],
      line: 7,
    });
  });

  it('reads the multi-line HTML body and a compare-at price above the price', () => {
    expect(byId(feed.products, 'chef-knife-20cm')).toEqual({
      id: 'chef-knife-20cm',
      title: "Chef's Knife 20 cm",
      description: 'Forged German steel. Full tang Hand wash only',
      brand: 'Messerwerk',
      productType: 'Knives',
      category: 'Knives',
      price: { amount: 109, currency: 'EUR' },
      salePrice: { amount: 89, currency: 'EUR' },
      image: 'https://cdn.shopify.com/s/files/1/0612/3456/7890/files/chef-knife.jpg?v=1712345678',
      aliases: ['MW-CHEF-20'],
      line: 2,
    });
  });

  it('marks draft and archived products unavailable and ignores a compare-at below the price', () => {
    const mills = byId(feed.products, 'salt-pepper-mill-set')!;
    expect(mills.available).toBe(false);
    expect(mills.description).toBe('Ceramic grinders & beech wood. Adjustable from fine to coarse.');
    expect(mills.category).toBe('Seasoning Grinders'); // no Type: from the Product Category path
    const skillet = byId(feed.products, 'cast-iron-skillet-12')!;
    expect(skillet.available).toBe(false);
    expect(skillet.title).toBe('12" Cast Iron Skillet');
    expect(skillet.price).toEqual({ amount: 55, currency: 'EUR' });
    expect(skillet.salePrice).toBeUndefined();
    expect(skillet.image).toBeUndefined();
    expect(byId(feed.products, 'espresso-machine-pro')!.available).toBeUndefined();
  });

  it('gives variants without SKUs no aliases and never sets a group', () => {
    const gift = byId(feed.products, 'gift-card')!;
    expect(gift.aliases).toBeUndefined();
    expect(gift.price).toEqual({ amount: 25, currency: 'EUR' });
    for (const p of feed.products) expect(p.group).toBeUndefined();
  });

  it('treats an export without a Status column as all active', () => {
    const csv = 'Handle,Title,Vendor,Variant SKU,Variant Price,Image Src,Image Position\n' +
      'mug,Mug,Acme,M-1,8.00,https://cdn.example/b.jpg,2\nmug,,,M-2,7.50,https://cdn.example/a.jpg,1\n';
    expect(parseProductFeed(csv, 'export.csv', { currency: 'GBP' }).products).toEqual([{
      id: 'mug', title: 'Mug', brand: 'Acme', price: { amount: 7.5, currency: 'GBP' }, image: 'https://cdn.example/a.jpg', aliases: ['M-1', 'M-2'], line: 2,
    }]);
  });
});

describe('Shelfwise catalog.json', () => {
  it('reads the catalogue through validateCatalog', () => {
    const feed = parseProductFeed(fixture('catalog.json'), 'catalog.json');
    expect(feed.format).toBe('shelfwise-json');
    expect(feed.products).toHaveLength(5);
    expect(byId(feed.products, 'TT-BLUE')).toEqual({
      id: 'TT-BLUE', title: 'Organic Cotton Tea Towel – Blue', category: 'Kitchen', group: 'TT-01', available: false, price: { amount: 12.5, currency: 'USD' }, line: 0,
    });
    expect(feed.stats).toEqual({ rows: 5, products: 5, groups: 1, unavailable: 1, withImage: 2, withPrice: 3 });
  });
});

describe('detectFeedFormat', () => {
  it('tells each fixture by its content', () => {
    expect(detectFeedFormat(fixture('gmc-feed.tsv'), 'a.txt')).toBe('gmc-tsv');
    expect(detectFeedFormat(fixture('gmc-feed.xml'), 'a.txt')).toBe('gmc-xml');
    expect(detectFeedFormat(fixture('shopify-products.csv'), 'a.txt')).toBe('shopify-csv');
    expect(detectFeedFormat(fixture('catalog.json'), 'a.txt')).toBe('shelfwise-json');
  });

  it('tells an RSS feed without a declaration and a BOM-prefixed TSV', () => {
    expect(detectFeedFormat('\n  <rss version="2.0"><channel/></rss>', 'f')).toBe('gmc-xml');
    expect(detectFeedFormat('\uFEFFg:id\tg:title\n', 'f')).toBe('gmc-tsv');
  });

  it('names the accepted formats for anything else', () => {
    const e = feedError('sku,name,cost\n1,Mug,3\n', 'products.csv');
    expect(e.message).toMatch(/^products\.csv: cannot tell the format/);
    for (const f of ['Google Merchant Center', 'Shopify', 'catalog.json', '--products-format gmc-tsv|gmc-xml|shopify-csv|shelfwise-json']) {
      expect(e.message).toContain(f);
    }
  });

  it('lets an explicit format override detection', () => {
    const e = feedError('id\ttitle\nA\tMug\n', 'feed.tsv', { format: 'shopify-csv', currency: 'EUR' });
    expect(e.message).toContain('no "Handle" column');
  });
});

describe('htmlToText and productText', () => {
  it('drops script/style with their contents and reduces tags to spaces', () => {
    expect(htmlToText('<style>p{color:red}</style><p>Sharp<br>knife</p><script type="x">alert(1)</script><!-- note --><b>Steel</b>&nbsp;&amp;&#160;wood &lt;tag&gt;'))
      .toBe('Sharp knife Steel & wood <tag>');
    expect(htmlToText('size < 5 cm')).toBe('size < 5 cm');
  });

  it('repeats the title, adds brand and type, and cuts a long description', () => {
    const long = 'word '.repeat(400).trim();
    const text = productText({ id: 'a', title: 'Chef Knife', brand: 'Messerwerk', productType: 'Home > Knives', description: long, line: 1 });
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual(['Chef Knife', 'Chef Knife', 'Messerwerk', 'Home > Knives']);
    expect(lines[4].length).toBeLessThanOrEqual(1000);
    expect(lines[4].length).toBeGreaterThan(900);
    expect(lines[4].endsWith('word')).toBe(true);
    expect(productText({ id: 'b', title: 'Mug', line: 1 })).toBe('Mug\nMug');
  });
});

describe('errors', () => {
  it('are FeedErrors with file, line and field', () => {
    const e = feedError(TSV_HEAD + 'A\tMug\t15.00\t\n', 'feed.tsv');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('FeedError');
    expect([e.fileName, e.line, e.field]).toEqual(['feed.tsv', 2, 'price']);
  });

  it('price without a currency', () => {
    const text = TSV_HEAD + 'A\tMug\t9.00 USD\t\nB\tCup\t4 USD\t\nC\tBowl\t5 USD\t\nD\tJar\t6 USD\t\nE\tLid\t7 USD\t\nF\tPot\t15.00\t\n';
    expect(feedError(text, 'feed.tsv').message).toBe('feed.tsv:7: "price" has no currency ("15.00"); write it as "15.00 USD"');
    expect(feedError(TSV_HEAD + 'A\tMug\t$15.00\t\n', 'feed.tsv').message).toMatch(/^feed\.tsv:2: "price" "\$15\.00" is not a price/);
  });

  it('duplicate id, naming both lines (TSV and XML)', () => {
    const e = feedError(TSV_HEAD + 'A\tMug\t\t\nB\tCup\t\t\nA\tMug again\t\t\n', 'feed.tsv');
    expect(e.message).toBe('feed.tsv:4: duplicate "id" "A" (first on line 2)');
    const xml = '<rss xmlns:g="http://base.google.com/ns/1.0"><channel>\n<item><g:id>X</g:id><title>A</title></item>\n<item><g:id>X</g:id><title>B</title></item>\n</channel></rss>';
    expect(feedError(xml, 'feed.xml').message).toBe('feed.xml:3: duplicate "id" "X" (first on line 2)');
  });

  it('image_link or link that is neither an http(s) URL nor a path from the site root', () => {
    expect(feedError(TSV_HEAD + 'A\tMug\t\tjavascript:alert(1)\n', 'feed.tsv').message)
      .toBe('feed.tsv:2: "image_link" must be an http(s) URL or a path from the site root (/…), got "javascript:alert(1)"');
    expect(feedError(TSV_HEAD + 'A\tMug\t\t\nB\tCup\t\tftp://files.example/cup.jpg\n', 'feed.tsv').message).toMatch(/^feed\.tsv:3: "image_link"/);
    expect(feedError('id\ttitle\tlink\nA\tMug\tproducts/mug\n', 'feed.tsv').message).toMatch(/^feed\.tsv:2: "link" must be an http\(s\) URL or a path/);
    const csv = 'Handle,Title,Variant Price,Image Src\nmug,Mug,3.00,\nmug,,,data:image/png;base64,AAAA\n';
    expect(feedError(csv, 'export.csv', { currency: 'EUR' }).message).toMatch(/^export\.csv:3: "Image Src" must be an http\(s\) URL or a path/);
  });

  it('Shopify file without a Handle column, and without a currency', () => {
    const e = feedError('Title,Body (HTML),Variant Price\nMug,,3.00\n', 'export.csv', { currency: 'EUR' });
    expect(e.message).toMatch(/^export\.csv:1: no "Handle" column/);
    expect(e.field).toBe('Handle');
    const noCurrency = feedError(fixture('shopify-products.csv'), 'export.csv');
    expect(noCurrency.message).toMatch(/^export\.csv:1: .*no currency column.*--currency EUR/);
    expect(feedError('id\ttitle\nA\tMug\n', 'feed.tsv', { currency: 'euro' }).message).toMatch(/not an ISO 4217 code/);
  });

  it('missing id or title column', () => {
    expect(feedError('id\tname\tprice\nA\tMug\t3 USD\n', 'feed.tsv').message).toMatch(/^feed\.tsv:1: no "title" column/);
    expect(feedError('sku\ttitle\nA\tMug\n', 'feed.tsv').message).toMatch(/^feed\.tsv:1: no "id" column/);
    expect(feedError('Handle,Name,Variant Price\nmug,Mug,3\n', 'export.csv', { currency: 'EUR' }).message).toMatch(/^export\.csv:1: no "Title" column/);
  });

  it('empty title, bad availability, bad amount, sale price in another currency', () => {
    expect(feedError('id\ttitle\nA\tMug\nB\t  \n', 'feed.tsv').message).toBe('feed.tsv:3: "title" is empty (product "B")');
    expect(feedError('id\ttitle\tavailability\nA\tMug\tsoon\n', 'feed.tsv').message).toMatch(/^feed\.tsv:2: "availability" "soon" is not one of/);
    expect(feedError('id\ttitle\tprice\nA\tMug\t-3 USD\n', 'feed.tsv').message).toMatch(/^feed\.tsv:2: "price"/);
    expect(feedError('id\ttitle\tprice\tsale_price\nA\tMug\t3 USD\t2 EUR\n', 'feed.tsv').message).toMatch(/^feed\.tsv:2: "sale_price" is in EUR/);
    expect(feedError('Handle,Title,Variant Price\nmug,Mug,abc\n', 'e.csv', { currency: 'EUR' }).message).toMatch(/^e\.csv:2: "Variant Price" amount "abc"/);
    expect(feedError('Handle,Title\nmug,\n', 'e.csv', { currency: 'EUR' }).message).toMatch(/^e\.csv:2: "Title" is empty/);
  });

  it('unterminated quote (TSV and Shopify CSV)', () => {
    expect(feedError('id\ttitle\nA\tMug\nB\t"Cup\nC\tBowl\n', 'feed.tsv').message).toMatch(/^feed\.tsv:3: unterminated quoted field/);
    const csv = fixture('shopify-products.csv') + 'teapot,"Cast Iron Teapot,<p>Holds 1 l.</p>,Ironside\n';
    expect(feedError(csv, 'export.csv', { currency: 'EUR' }).message).toBe('export.csv:18: unterminated quoted field starting on line 18');
    expect(feedError('Handle,Title\nmug,"Mug\n', 'export.csv', { currency: 'EUR' }).message).toBe('export.csv:2: unterminated quoted field starting on line 2');
  });

  it('too many fields in a TSV row', () => {
    expect(feedError('id\ttitle\nA\tMug\textra\n', 'feed.tsv').message).toMatch(/^feed\.tsv:2: the row has 3 fields but the header has 2/);
  });

  it('malformed XML: unclosed and mismatched tags, wrong root, no items', () => {
    const unclosed = '<?xml version="1.0"?>\n<rss xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n<item>\n<g:id>1</g:id>\n<title>Mug</title>\n</channel>\n</rss>\n';
    expect(feedError(unclosed, 'feed.xml').message).toBe('feed.xml:7: malformed XML: closing tag </channel> does not match <item> opened on line 4');
    expect(feedError('<rss><channel><item><title>Mug</title>\n', 'feed.xml').message).toBe('feed.xml:1: malformed XML: <item> opened on line 1 is never closed');
    expect(feedError('<rss><channel>\n<item><title>Mug</item></channel></rss>', 'feed.xml').message).toMatch(/^feed\.xml:2: malformed XML: closing tag <\/item> does not match <title>/);
    expect(feedError('<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>', 'feed.xml').message).toMatch(/^feed\.xml:1: the root element is <feed>; expected <rss>/);
    expect(feedError('<rss><channel></channel></rss>', 'feed.xml').message).toBe('feed.xml: the feed has no products');
  });

  it('Shopify: a handle used by two products, and a SKU naming two products', () => {
    const twice = 'Handle,Title,Variant SKU,Variant Price\nmug,Mug,M-1,3\ncup,Cup,C-1,2\nmug,Mug two,M-2,4\n';
    expect(feedError(twice, 'e.csv', { currency: 'EUR' }).message).toBe('e.csv:4: duplicate "Handle" "mug" (first on line 2)');
    const shared = 'Handle,Title,Variant SKU,Variant Price\nmug,Mug,X-1,3\ncup,Cup,X-1,2\n';
    expect(feedError(shared, 'e.csv', { currency: 'EUR' }).message).toMatch(/^e\.csv:3: "Variant SKU" "X-1" of handle "cup" is also a SKU of handle "mug" \(line 2\)/);
  });

  it('catalog.json problems keep validateCatalog\'s words', () => {
    expect(feedError('{"format":"shelfwise-catalog","version":1,"items":[{"id":"a"}]}', 'catalog.json').message)
      .toBe('catalog.json: catalogue: item "a" has no "title"');
    expect(feedError('{"format":\n}', 'catalog.json').message).toMatch(/^catalog\.json:(2:)? not valid JSON/);
  });
});

describe('parseXml', () => {
  it('reads attributes, self-closing tags, comments, CDATA and entities with lines', () => {
    const root = parseXml("<?xml version='1.0'?>\n<!-- c -->\n<a x='1' y=\"&lt;2&gt;\">\n  <b/>\n  <c>t &amp; <![CDATA[<raw>&amp;]]> &#65;&#x42; &nbsp;</c>\n</a>");
    expect(root.name).toBe('a');
    expect(root.attributes).toEqual({ x: '1', y: '<2>' });
    const [b, c] = root.children.filter((n) => typeof n !== 'string') as { name: string; line: number }[];
    expect([b.name, b.line, c.name, c.line]).toEqual(['b', 4, 'c', 5]);
    expect(textContent(c as never)).toBe('t & <raw>&amp; AB &nbsp;');
  });

  it('rejects malformed documents with the line', () => {
    const cases: [string, number][] = [
      ['<a>\n<b>\n</a>', 3], ['<a>\n<!-- x', 2], ['<a x=1/>', 1], ['<a/><b/>', 1], ['<a/>\ntext', 2], ['', 1], ['<a>\n< b</a>', 2],
    ];
    for (const [text, line] of cases) {
      expect(() => parseXml(text)).toThrow(XmlError);
      try { parseXml(text); } catch (e) { expect((e as XmlError).line).toBe(line); }
    }
  });
});
