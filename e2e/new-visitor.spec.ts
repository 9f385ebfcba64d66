import { expect, test } from './fixtures';

test('a first-time visitor sees Trending with explained cards, and no personal lists', async ({ storefront, page, contextLog }) => {
  await test.step('open the storefront with an empty history', async () => {
    await storefront.open();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(0);
  });

  await test.step('Trending shows product cards with links and reasons', async () => {
    const trending = storefront.carousel('trending');
    await expect(trending.region).toBeVisible();
    await expect(trending.region).toHaveAttribute('aria-label', 'Trending');
    expect(await trending.cards.count()).toBeGreaterThanOrEqual(5);
    await expect(trending.cardLink(0)).toHaveAttribute('href', /[?&]item=/);
    await expect(trending.reasons().first()).not.toBeEmpty();
    const shown = await trending.itemIds();
    expect(shown.slice(0, 10)).toEqual(await storefront.recommend('trending', 10));
  });

  await test.step('no For you or Recently viewed without history', async () => {
    await expect(storefront.carousel('for-you').region).toHaveCount(0);
    await expect(storefront.carousel('recently-viewed').region).toHaveCount(0);
  });

  await test.step('the status line says what runs', async () => {
    const status = await storefront.status();
    expect(status.phase).toBe('ready');
    expect(status.modelLoaded).toBe(true);
    expect(status.errors).toEqual([]);
    await expect(storefront.statusLine.getByRole('status')).toContainText('Ready');
    // No history, nothing to learn: TensorFlow.js and the embeddings wait for the first event.
    expect(await storefront.backend()).toBe('none');
    await expect(storefront.statusLine).toContainText('Backend: not chosen yet');
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  await test.step('time to first carousel is recorded', async () => {
    const t = await storefront.timings();
    expect(t.firstCarousel).toBeGreaterThan(0);
    test.info().annotations.push({ type: 'first-carousel-ms', description: String(Math.round(t.firstCarousel!)) });
  });

  await test.step('the privacy guard sees the worker fetching catalogue and model', async () => {
    const paths = contextLog.requests.map((r) => new URL(r.url).pathname);
    expect(paths).toContain('/catalog.json');
    expect(paths).toContain('/model/manifest.json');
  });
});
