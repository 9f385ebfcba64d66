import { loadCatalog, shareOf, shareOfKnown } from './catalog';
import { expect, test } from './fixtures';

const CATEGORY = 'Nintendo DS';
const VIEWS = 5;

test(`viewing several ${CATEGORY} products moves For you toward ${CATEGORY}`, async ({ storefront, page, request }) => {
  const catalog = await loadCatalog(request);
  expect(catalog.categories.find((c) => c.name === CATEGORY)?.count ?? 0).toBeGreaterThan(50);

  let before = { all: 0, known: 0 };
  await test.step('baseline: the share of the category in Trending', async () => {
    await storefront.open();
    await storefront.whenIdle();
    const trending = await storefront.recommend('trending', 10);
    before = { all: shareOf(catalog, trending, CATEGORY), known: shareOfKnown(catalog, trending, CATEGORY) };
  });

  const viewed: string[] = [];
  await test.step(`browse ${CATEGORY} and open ${VIEWS} products`, async () => {
    await page.getByRole('navigation', { name: 'Browse by category' }).getByRole('link', { name: new RegExp(`^${CATEGORY}\\b`) }).click();
    await expect(page.getByRole('heading', { level: 1, name: CATEGORY })).toBeVisible();
    const results = page.getByRole('list', { name: 'Search results' }).locator('[data-item-id]');
    for (let i = 0; i < VIEWS; i++) {
      const card = results.nth(i);
      viewed.push((await card.getAttribute('data-item-id'))!);
      await card.getByRole('link').click();
      await expect(storefront.product.category).toHaveText(CATEGORY);
      await storefront.whenIdle();
      await page.goBack();
      await expect(results.first()).toBeVisible();
    }
    expect(await storefront.eventCount()).toBe(VIEWS);
  });

  await test.step('For you now leans clearly toward the category', async () => {
    await page.getByRole('link', { name: /Shelfwise/ }).click();
    await storefront.whenIdle();
    const forYou = storefront.carousel('for-you');
    await expect(forYou.region).toBeVisible();
    await expect(forYou.region).toHaveAttribute('data-personal', 'true');
    const ids = await storefront.recommend('for-you', 10);
    expect((await forYou.itemIds()).slice(0, 10)).toEqual(ids);
    const after = { all: shareOf(catalog, ids, CATEGORY), known: shareOfKnown(catalog, ids, CATEGORY) };
    test.info().annotations.push({
      type: 'category-share',
      description: `trending ${before.all.toFixed(2)} (known ${before.known.toFixed(2)}) → for-you ${after.all.toFixed(2)} (known ${after.known.toFixed(2)})`,
    });
    // The catalogue files many games of unknown platform under "Other"; among items whose
    // platform is known, the category must dominate, and its raw share must rise clearly.
    expect(after.known).toBeGreaterThanOrEqual(0.5);
    expect(after.known - before.known).toBeGreaterThanOrEqual(0.4);
    expect(after.all - before.all).toBeGreaterThanOrEqual(0.2);
    for (const id of viewed) expect(ids, 'For you does not repeat what was just viewed').not.toContain(id);
    await expect(forYou.reasons().first()).not.toBeEmpty();
  });
});
