/**
 * A shopper browses the synthetic 1,000,000-product shop (issue 16; `npm run build:large-shop`
 * puts it in the build, `npm test` runs that before this): the device downloads the manifest and
 * the coarse index, then only the parts of the catalogue the shopper's items and interests point
 * to, and its lists are personal. The privacy guard of `fixtures.ts` applies: every request of
 * the pages and the worker is a plain GET of the shop's origin.
 */
import type { Request } from '@playwright/test';
import { expect, test } from './fixtures';
import { WidgetPage } from './pages/widget';

const HOME = '/examples/large-shop/index.html';
const MANIFEST = '/examples/large-shop/model/manifest.json';

test('a shopper browses a 1M-product shop: parts of the catalogue come as they are needed, and lists become personal', async ({ page, request }) => {
  const manifest = await request.get(MANIFEST);
  expect(manifest.ok(), `${MANIFEST} is missing: run \`npm run build:large-shop\` after \`npm run build\``).toBe(true);
  const { itemCount, partitions } = (await manifest.json()) as { itemCount: number; partitions: { count: number } };
  expect(itemCount).toBe(1_000_000);

  const requests: Request[] = [];
  page.context().on('request', (r) => requests.push(r));
  const parts = () => new Set(requests.map((r) => new URL(r.url()).pathname).filter((p) => /\/part-\d+\.\w+\.bin$/.test(p)));
  const widget = new WidgetPage(page);

  await test.step('a first visit: Trending from the manifest, no part and no catalogue file', async () => {
    await widget.open(HOME);
    await expect(widget.carousel('trending').cards.first()).toBeVisible();
    await widget.whenIdle();
    await expect(widget.carousel('for-you').region).toHaveAttribute('data-personal', 'false');
    expect(parts().size).toBe(0);
    expect(requests.some((r) => r.url().endsWith('.json') && r.url().includes('catalog'))).toBe(false);
  });

  let first = '';
  await test.step('the shopper opens a trending product: its part comes, and Because you viewed shows its neighbours', async () => {
    first = (await widget.carousel('trending').itemIds())[0];
    await widget.carousel('trending').cardLink(0).click();
    await expect(page).toHaveURL(new RegExp(`product\\.html\\?id=${first}$`));
    await page.waitForFunction(() => 'shelfwise' in globalThis);
    const byv = widget.carousel('because-you-viewed');
    await expect(byv.cards.first()).toBeVisible();
    await widget.whenIdle();
    expect(await widget.eventCount()).toBe(1);
    expect(parts().size).toBeGreaterThan(0);
    expect(await byv.itemIds()).not.toContain(first);
  });

  let second = '';
  await test.step('then one of those neighbours', async () => {
    second = (await widget.carousel('because-you-viewed').itemIds())[0];
    await widget.carousel('because-you-viewed').cardLink(0).click();
    await expect(page).toHaveURL(new RegExp(`product\\.html\\?id=${second}$`));
    await page.waitForFunction(() => 'shelfwise' in globalThis);
    await expect(widget.carousel('because-you-viewed').cards.first()).toBeVisible();
    await widget.whenIdle();
    expect(await widget.eventCount()).toBe(2);
  });

  await test.step('back home: For you is personal and near what was viewed; Recently viewed has both', async () => {
    await widget.open(HOME);
    const forYou = widget.carousel('for-you');
    await expect(forYou.region).toHaveAttribute('data-personal', 'true');
    await widget.whenIdle();
    await expect(widget.carousel('recently-viewed').cards).toHaveCount(2);
    expect(await widget.carousel('recently-viewed').itemIds()).toEqual([second, first]);
    const viewed = (await widget.recommend('recently-viewed')).items.map((it) => it.category);
    const list = (await widget.recommend('for-you', { limit: 10 })).items;
    expect(list).toHaveLength(10);
    // The planted shop's departments are categories: most of For you is from the viewed items' departments.
    expect(list.filter((it) => viewed.includes(it.category)).length).toBeGreaterThanOrEqual(5);
    expect(list.map((it) => it.id)).not.toContain(first);
  });

  await test.step('of the 1,000 parts, the device fetched a few, each once per page', async () => {
    const fetched = parts().size;
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThanOrEqual(48); // the working set's bound
    expect(fetched).toBeLessThan(partitions.count / 10);
  });
});
