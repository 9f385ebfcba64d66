import { expect, test } from './fixtures';

const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>Zelda <b>bold</b>';

test('product titles containing HTML or script render as inert text on every surface', async ({ storefront, page, context }) => {
  let target = '';
  await test.step('the catalogue gives one popular item a title made of markup', async () => {
    await context.route('**/catalog.json', async (route) => {
      const response = await route.fetch();
      const catalog = (await response.json()) as { items: { id: string; title: string }[] };
      const item = catalog.items.find((it) => it.id === target)!;
      item.title = EVIL;
      await route.fulfill({ response, json: catalog });
    });
    // The most popular item shows on Trending at once, so it is the one to poison.
    target = 'vg-1458';
    await storefront.open();
    await storefront.whenIdle();
  });

  await test.step('Trending shows the markup as text, and nothing ran', async () => {
    const card = storefront.carousel('trending').region.locator(`[data-item-id="${target}"]`);
    await expect(card).toContainText(EVIL);
    expect(await card.locator('img, script, b').count()).toBe(0);
  });

  await test.step('the product page, Recently viewed and the reasons that name it stay text too', async () => {
    await storefront.openProduct(target);
    await storefront.whenIdle();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(EVIL);
    await expect(storefront.carousel('because-you-viewed').region).toHaveAttribute('aria-label', new RegExp('Because you viewed'));
    await storefront.open();
    await storefront.whenIdle();
    await expect(storefront.carousel('recently-viewed').region.locator(`[data-item-id="${target}"]`)).toContainText(EVIL);
    const reasons = await storefront.carousel('for-you').reasons().allTextContents();
    expect(reasons.some((r) => r.includes(EVIL))).toBe(true);
  });

  await test.step('the merchant widget on a plain page renders it as text as well', async () => {
    await page.goto('/examples/plain.html');
    await page.waitForFunction(() => Boolean((globalThis as unknown as { shelfwise?: unknown }).shelfwise));
    await page.evaluate(() => (globalThis as unknown as { shelfwise: { whenIdle(): Promise<void> } }).shelfwise.whenIdle());
    const card = page.locator(`shelfwise-carousel [data-item-id="${target}"]`).first();
    await expect(card).toContainText(EVIL);
    expect(await page.locator('shelfwise-carousel img, shelfwise-carousel b, shelfwise-carousel script').count()).toBe(0);
  });

  await test.step('no element from the title exists anywhere, and no script ran', async () => {
    expect(await page.locator('img[src="x"], b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});
