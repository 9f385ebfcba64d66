import { expect, test } from './fixtures';

test('clicking a card opens its product page, which records a view and shows anchored carousels', async ({ storefront, page }) => {
  await storefront.open();
  await storefront.whenIdle();
  const trending = storefront.carousel('trending');
  const link = trending.cardLink(0);
  const title = await trending.cardTitle(0);
  const itemId = await trending.cards.first().getAttribute('data-item-id');
  expect(itemId).toBeTruthy();

  await test.step('click the first Trending card', async () => {
    await link.click();
    await expect(page).toHaveURL(new RegExp(`[?&]item=${itemId}(&|$)`));
    await expect(storefront.product.heading).toHaveText(title);
    await expect(storefront.product.addToCart).toBeVisible();
    await expect(storefront.product.buyNow).toBeVisible();
    await storefront.whenIdle();
  });

  await test.step('the view was recorded', async () => {
    expect(await storefront.eventCount()).toBe(1);
    const [last] = await storefront.recentEvents(1);
    expect(last).toMatchObject({ type: 'view', itemId });
  });

  await test.step('Because you viewed and Frequently bought together are about this item', async () => {
    const because = storefront.carousel('because-you-viewed');
    await expect(because.region).toBeVisible();
    await expect(because.region).toHaveAttribute('aria-label', `Because you viewed ${title}`);
    expect(await because.cards.count()).toBeGreaterThan(0);
    expect(await because.itemIds()).not.toContain(itemId);
    await expect(storefront.carousel('bought-together').region).toBeVisible();
    expect(await storefront.recommend('because-you-viewed', 5)).toEqual((await because.itemIds()).slice(0, 5));
  });

  await test.step('back to home: For you and Recently viewed appear', async () => {
    await page.goBack();
    await storefront.whenIdle();
    await expect(storefront.carousel('for-you').region).toBeVisible();
    await expect(storefront.carousel('recently-viewed').region).toBeVisible();
    expect(await storefront.carousel('recently-viewed').itemIds()).toEqual([itemId]);
    expect(await storefront.eventCount()).toBe(1);
  });

  await test.step('a search records a search event and shows results', async () => {
    await storefront.search('mario');
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(2);
    const [last] = await storefront.recentEvents(1);
    expect(last).toMatchObject({ type: 'search', query: 'mario' });
    const results = page.getByRole('list', { name: 'Search results' }).locator('[data-item-id]');
    expect(await results.count()).toBeGreaterThan(0);
    await expect(results.first()).toContainText(/mario/i);
  });
});
