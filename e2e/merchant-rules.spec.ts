import type { CatalogFile } from '../src/shared/catalog';
import type { MerchantConfig } from '../src/shared/merchant-config';
import { expect, test } from './fixtures';

test('an item the catalogue marks unavailable never appears, on any surface', async ({ storefront, context, page }) => {
  let hidden: string[] = [];
  await test.step('a first visit: the most popular items, and the neighbours of one of them', async () => {
    await storefront.open();
    await storefront.whenIdle();
    const trending = await storefront.recommend('trending', 20);
    await storefront.openProduct(trending[5]);
    await storefront.whenIdle();
    const similar = await storefront.recommend('because-you-viewed', 3);
    hidden = [...trending.slice(0, 3), ...similar];
  });

  await test.step('the shop marks them unavailable in its catalogue', async () => {
    await context.route('**/catalog.json', async (route) => {
      const response = await route.fetch();
      const catalog = (await response.json()) as CatalogFile;
      for (const item of catalog.items) if (hidden.includes(item.id)) item.available = false;
      await route.fulfill({ response, json: catalog });
    });
    await page.reload();
    await storefront.whenIdle();
  });

  await test.step('no list shows them, however the shopper browses', async () => {
    const seen = new Set<string>();
    const collect = async () => {
      for (const s of ['trending', 'for-you', 'because-you-viewed', 'bought-together', 'recently-viewed'] as const) {
        const region = storefront.carousel(s).region;
        if ((await region.count()) > 0) for (const id of await storefront.carousel(s).itemIds()) seen.add(id);
      }
    };
    await collect();
    // The product page of the anchor whose neighbours were hidden; then a few views for For you.
    const trending = await storefront.recommend('trending', 10);
    for (const id of trending.slice(0, 4)) await storefront.track('view', id);
    await storefront.whenIdle();
    await collect();
    for (const id of (await storefront.recommend('for-you', 40))) seen.add(id);
    for (const id of (await storefront.recommend('because-you-viewed', 40))) seen.add(id);
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].filter((id) => hidden.includes(id))).toEqual([]);
  });
});

test.describe('merchant rules', () => {
  test.use({ expectedConsoleErrors: [/merchant config: rules\[1\]/] });

  test('pin and bury apply, a pinned card says so, and a bad rule is reported while the rest applies', async ({ storefront, context }) => {
    const catalog = (await (await context.request.get('/catalog.json')).json()) as CatalogFile;
    const pinned = catalog.items[catalog.items.length - 1]; // an obscure item, never trending by itself
    const config = {
      version: 1,
      rules: [
        { match: { itemId: pinned.id }, action: 'pin', surfaces: ['trending'] },
        { match: { category: 'Nintendo DS' }, action: 'explode' },
        { match: { category: 'Nintendo DS' }, action: 'bury', amount: 100 },
      ],
    };
    await context.route('**/merchant.json', (route) => route.fulfill({ json: config as unknown as MerchantConfig }));
    await storefront.open();
    await storefront.whenIdle();

    const trending = await storefront.recommendations('trending', 10);
    expect(trending.items[0].id).toBe(pinned.id);
    expect(trending.items[0].reason).toEqual({ kind: 'featured', text: 'Featured by the shop' });
    await expect(storefront.carousel('trending').cards.first()).toHaveAttribute('data-item-id', pinned.id);
    await expect(storefront.carousel('trending').reasons().first()).toHaveText('Featured by the shop');
    expect(trending.items.filter((i) => i.category === 'Nintendo DS')).toEqual([]);

    const status = await storefront.status();
    expect(status.errors).toHaveLength(1);
    expect(status.errors[0]).toMatch(/merchant config: rules\[1\].*action/);
  });
});
