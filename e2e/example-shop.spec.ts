/**
 * The example shop built from a Merchant Center feed and an events export (public/examples/shop/,
 * `npm run build:model -- --products feed.tsv --events events.csv`): image-and-price cards that
 * link to the shop's own product pages, one card per product (variants share a group), and never
 * another variant of the product the shopper is looking at. The privacy guard of `fixtures.ts`
 * applies: images come from the shop's origin, and nothing carries data.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { WidgetPage } from './pages/widget';
import type { CatalogItem } from '../src/shared/protocol';

const SHOP = '/examples/shop/';
const catalog = JSON.parse(readFileSync(new URL('../public/examples/shop/catalog.json', import.meta.url), 'utf8')) as { items: CatalogItem[] };
const byId = new Map(catalog.items.map((it) => [it.id, it]));
const groupOf = (id: string) => byId.get(id)?.group;
const usd = (amount: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);

/** A product with variants, and one without a sale, to shop for. */
const variant = catalog.items.find((it) => it.group && it.available !== false)!;
const siblings = catalog.items.filter((it) => it.group === variant.group && it.id !== variant.id).map((it) => it.id);

test('the example shop: image-and-price cards, one per product, no other variant of what the shopper views', async ({ page }) => {
  const widget = new WidgetPage(page);

  await test.step('home: carousels of cards with a loaded image, the title as its alt, a price in the page language', async () => {
    await widget.open(SHOP);
    await widget.whenCarouselsShown(['for-you', 'trending']);
    const trending = widget.carousel('trending');
    const ids = await trending.itemIds();
    expect(ids.length).toBeGreaterThanOrEqual(6);
    for (const [i, id] of ids.entries()) {
      const item = byId.get(id)!;
      const card = trending.cards.nth(i);
      const img = card.locator('img');
      await expect(img).toHaveAttribute('alt', item.title);
      await expect(img).toHaveAttribute('loading', 'lazy');
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0)).toBe(true);
      const price = card.locator('[data-price]');
      if (item.salePrice) {
        await expect(price).toHaveAttribute('data-price', 'sale');
        await expect(price.locator('s')).toContainText(usd(item.price!.amount));
        await expect(price).toContainText(usd(item.salePrice.amount));
      } else {
        await expect(price).toHaveText(usd(item.price!.amount));
      }
      // The card links to the shop's own product page (`link` of the feed).
      await expect(card.getByRole('link')).toHaveAttribute('href', new URL(item.url!, page.url()).href);
    }
    // One card per product: no two cards of a list are variants of one product.
    const groups = ids.map(groupOf).filter((g) => g !== undefined);
    expect(new Set(groups).size).toBe(groups.length);
  });

  await test.step('a sale is on screen somewhere in the shop’s lists', async () => {
    const list = await widget.recommend('trending', { limit: 24 });
    expect(list.items.some((it) => it.salePrice !== undefined)).toBe(true);
  });

  await test.step(`the product page of a variant (${variant.title}): Because you viewed shows none of its other variants`, async () => {
    await page.goto(`${SHOP}product.html?id=${encodeURIComponent(variant.id)}`);
    await widget.whenCarouselsShown(['because-you-viewed']);
    await expect.poll(() => widget.eventCount()).toBe(1); // the page's view was recorded
    const byv = await widget.carousel('because-you-viewed').itemIds();
    expect(byv.length).toBeGreaterThan(0);
    expect(byv.filter((id) => siblings.includes(id))).toEqual([]);
    expect(byv).not.toContain(variant.id);
  });

  await test.step('back home: For you is personal, one card per product, and none of the viewed product’s variants', async () => {
    await page.goto(SHOP);
    await widget.whenCarouselsShown(['for-you']);
    const forYou = widget.carousel('for-you');
    await expect(forYou.region).toHaveAttribute('data-personal', 'true');
    const ids = await forYou.itemIds();
    expect(ids.filter((id) => id === variant.id || siblings.includes(id))).toEqual([]);
    const groups = ids.map(groupOf).filter((g) => g !== undefined);
    expect(new Set(groups).size).toBe(groups.length);
  });
});

test.describe('with the image host failing', () => {
  test.use({ expectedConsoleErrors: [/Failed to load resource: the server responded with a status of 404/] });

  test('a broken product image falls back to the initials tile, in a box of the same size', async ({ page }) => {
    const widget = new WidgetPage(page);
    await widget.open(SHOP);
    await widget.whenCarouselsShown(['trending']);
    const box = () => widget.carousel('trending').cards.first().locator('.media').boundingBox();
    const before = await box();
    await page.route('**/examples/shop/images/**', (route) => route.fulfill({ status: 404, body: '' }));
    await page.reload();
    await widget.whenCarouselsShown(['trending']);
    const card = widget.carousel('trending').cards.first();
    await expect(card.locator('.tile')).toBeVisible();
    await expect(card.locator('img')).toHaveCount(0);
    const after = await box();
    expect([after?.width, after?.height]).toEqual([before?.width, before?.height]);
  });
});
