/**
 * The widget's `<shelfwise-your-data>` on the plain-HTML example page: the shopper sees what is
 * stored and the interests learned, exports it, removes an interest, pauses and erases, on a
 * merchant's page without React. The privacy guard of `fixtures.ts` applies: nothing is uploaded.
 */
import { readFile } from 'node:fs/promises';
import type { ExportedData } from '../src/shared/protocol';
import { expect, test } from './fixtures';
import { YourDataPanel } from './pages/storefront';
import { EXAMPLE_PRODUCTS, rewriteExamplePage, WidgetPage } from './pages/widget';

test('the widget panel shows, exports, removes an interest, pauses and erases', async ({ page }) => {
  const widget = new WidgetPage(page);
  const panel = new YourDataPanel(page, page.locator('shelfwise-your-data'));
  // The spotlight section records a view when scrolled past; the panel sits below it. Unmarked
  // here so the counts are exactly this scenario's events.
  await rewriteExamplePage(page, { replace: [[' data-shelfwise-item="vg-459" data-shelfwise-event="view"', '']] });
  await widget.open();
  await widget.whenIdle();

  await test.step('a new shopper: nothing stored', async () => {
    await expect(panel.count('total')).toHaveText('0');
    await expect(panel.interestBars).toHaveCount(0);
  });

  await test.step('views and a cart addition appear as counts, recent events and an interest', async () => {
    for (const id of EXAMPLE_PRODUCTS.slice(0, 3)) expect(await widget.track('view', id)).toBe(true);
    expect(await widget.track('add_to_cart', EXAMPLE_PRODUCTS[1])).toBe(true);
    await widget.whenIdle();
    await expect(panel.count('view')).toHaveText('3');
    await expect(panel.count('add_to_cart')).toHaveText('1');
    await expect(panel.count('total')).toHaveText('4');
    await expect(panel.recentEvents).toHaveCount(4);
    await expect(panel.recentEvents.first()).toHaveAttribute('data-event-type', 'add_to_cart');
    await expect(panel.interestBars.first()).toHaveAccessibleName(/, \d+% of your activity$/);
  });

  await test.step('export downloads exactly the stored events', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), panel.exportButton.click()]);
    expect(download.suggestedFilename()).toBe('shelfwise-data.json');
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as ExportedData;
    expect(exported.events.map((e) => e.type)).toEqual(['view', 'view', 'view', 'add_to_cart']);
    // The link lived in the panel's shadow root: the host page's DOM never changed.
    expect(await page.locator('body > a[download]').count()).toBe(0);
  });

  await test.step('a card opened from a carousel, then added to the cart, counts for that carousel', async () => {
    const trending = widget.carousel('trending');
    const id = (await trending.itemIds())[0];
    // A middle click opens the product in a new tab and leaves this page where it is.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), trending.cardLink(0).click({ button: 'middle' })]);
    await tab.close();
    expect(await widget.track('add_to_cart', id)).toBe(true);
    await widget.whenIdle();
    const row = panel.root.locator('[data-outcome-surface="trending"]');
    expect(Number(await row.locator('[data-outcome="impressions"]').innerText())).toBeGreaterThan(0);
    await expect(row.locator('[data-outcome="clicks"]')).toHaveText('1');
    await expect(row.locator('[data-outcome="addToCart"]')).toHaveText('1');
  });

  await test.step('removing the interest: no bars left, the events stay', async () => {
    const remove = panel.root.getByRole('button', { name: /^Remove interest / });
    const n = await remove.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      await remove.first().click();
      await widget.whenIdle();
    }
    await expect(panel.interestBars).toHaveCount(0);
    await expect(panel.count('total')).toHaveText('5');
  });

  await test.step('pause: nothing is recorded', async () => {
    await panel.pauseButton.click();
    await widget.whenIdle();
    await expect(panel.state).toHaveAttribute('data-paused', 'true');
    expect(await widget.track('view', EXAMPLE_PRODUCTS[4])).toBe(false);
    await panel.resumeButton.click();
    await widget.whenIdle();
    await expect(panel.state).toHaveAttribute('data-paused', 'false');
  });

  await test.step('erase, confirmed: everything is gone, lists are non-personal', async () => {
    await panel.eraseButton.click();
    await panel.confirmErase.click();
    await widget.whenIdle();
    await expect(panel.count('total')).toHaveText('0');
    await expect(panel.recentEvents).toHaveCount(0);
    expect(await widget.eventCount()).toBe(0);
    expect((await widget.recommend('for-you')).personal).toBe(false);
    for (const cell of await panel.root.locator('[data-outcome="clicks"]').allInnerTexts()) expect(cell).toBe('0');
    expect(await page.evaluate(() => (globalThis as unknown as { caches: { keys(): Promise<string[]> } }).caches.keys())).toEqual([]);
  });
});
