import { expect, test } from './fixtures';

test('history survives a reload: event count, Recently viewed and For you persist', async ({ storefront, page }) => {
  const viewed: string[] = [];
  await test.step('open three Trending products from the home page', async () => {
    await storefront.open();
    await storefront.whenIdle();
    const trending = storefront.carousel('trending');
    for (let i = 0; i < 3; i++) {
      const id = (await trending.cards.nth(i).getAttribute('data-item-id'))!;
      await trending.cardLink(i).click();
      await expect(storefront.product.heading).toBeVisible();
      await storefront.whenIdle();
      viewed.push(id);
      await page.goBack();
      await storefront.whenIdle();
    }
    expect(await storefront.eventCount()).toBe(3);
  });

  let forYouBefore: string[] = [];
  await test.step('home shows the history', async () => {
    expect(await storefront.carousel('recently-viewed').itemIds()).toEqual([...viewed].reverse());
    forYouBefore = await storefront.recommend('for-you', 10);
  });

  await test.step('after a reload the same history is there', async () => {
    await page.reload();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(3);
    await expect(storefront.carousel('recently-viewed').region).toBeVisible();
    expect(await storefront.carousel('recently-viewed').itemIds()).toEqual([...viewed].reverse());
    await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    expect(await storefront.recommend('for-you', 10)).toEqual(forYouBefore);
    expect((await storefront.timings()).firstPersonalCarousel).toBeGreaterThan(0);
  });
});
