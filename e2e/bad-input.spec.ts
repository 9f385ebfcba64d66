import { expect, test } from './fixtures';

test.describe('a corrupt model file', () => {
  test.use({ expectedConsoleErrors: [/failed its checksum/] });

  test('is refused by checksum: the storefront still renders non-personal carousels and says why, and no event is lost', async ({ storefront, page, context }) => {
    await test.step('a first visit with the good model records history', async () => {
      await storefront.open();
      await storefront.whenIdle();
      const [first] = await storefront.recommend('trending', 1);
      await storefront.track('view', first);
      await storefront.whenIdle();
      expect(await storefront.eventCount()).toBe(1);
    });

    await test.step('the next visit gets a model file with flipped bytes', async () => {
      // Kept copies are checked against the manifest's digest and serve first: drop them, so
      // the damaged file comes over the network as it would to a first-time shopper.
      await page.evaluate(() => caches.delete('shelfwise-assets-v1'));
      await context.route(/\/model\/gram\.[0-9a-f]{12}\.bin$/, async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        body[0] ^= 0xff;
        await route.fulfill({ response, body });
      });
      await storefront.open();
      await storefront.whenIdle();
    });

    await test.step('the error is clear, lists still render, the history is intact', async () => {
      const status = await storefront.status();
      expect(status.modelLoaded).toBe(false);
      expect(status.errors.join(' ')).toMatch(/gram.*failed its checksum/);
      await expect(page.getByRole('alert')).toContainText('checksum');
      expect(await storefront.carousel('trending').cards.count()).toBeGreaterThan(0);
      expect(await storefront.eventCount()).toBe(1);
      expect(await storefront.carousel('recently-viewed').cards.count()).toBe(1);
    });
  });
});

test('an event for an unknown item is rejected with a clear error and stores nothing', async ({ storefront }) => {
  await storefront.open();
  await storefront.whenIdle();
  const error = await storefront.track('view', 'no-such-item').then(
    () => 'accepted',
    (err: Error) => err.message,
  );
  expect(error).toMatch(/Unknown item "no-such-item"/);
  expect(await storefront.eventCount()).toBe(0);
});
