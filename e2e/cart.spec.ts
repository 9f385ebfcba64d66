import { expect, test } from './fixtures';

test('add to cart, then a simulated checkout records a purchase per item and empties the cart', async ({ storefront, page }) => {
  await storefront.open();
  await storefront.whenIdle();
  const picked: string[] = [];

  await test.step('add a Trending product, then one it recommends, to the cart', async () => {
    for (const carousel of [storefront.carousel('trending'), storefront.carousel('because-you-viewed')]) {
      await carousel.cardLink(0).click();
      await expect(storefront.product.addToCart).toBeVisible();
      picked.push((await storefront.product.itemId())!);
      await storefront.product.addToCart.click();
      await expect(page.getByRole('button', { name: 'In your cart' })).toBeDisabled();
      await storefront.whenIdle();
    }
    await expect(storefront.cartLink).toContainText('2');
  });
  const [first, second] = picked;

  await test.step('the cart lists them with Frequently bought together', async () => {
    await storefront.cartLink.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
    expect(await storefront.cart.itemIds()).toEqual([first, second]);
    await storefront.whenIdle();
    await expect(storefront.carousel('bought-together').region).toBeVisible();
    expect(await storefront.carousel('bought-together').itemIds()).not.toContain(first);
  });

  const countBefore = await storefront.eventCount();
  await test.step('checkout', async () => {
    await storefront.cart.checkout.click();
    await expect(storefront.cart.confirmation).toContainText('2 items');
    await expect(storefront.cart.empty).toBeVisible();
    await expect(storefront.cartLink).toContainText('0');
    await storefront.whenIdle();
  });

  await test.step('two purchases were recorded, on this device only', async () => {
    expect(await storefront.eventCount()).toBe(countBefore + 2);
    const recent = await storefront.recentEvents(2);
    expect(recent.map((e) => e.type)).toEqual(['purchase', 'purchase']);
    expect(recent.map((e) => ('itemId' in e ? e.itemId : '')).sort()).toEqual([first, second].sort());
  });
});
