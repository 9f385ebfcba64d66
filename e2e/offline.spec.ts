import { expect, test } from './fixtures';

// The page fetches the manifest ahead of the worker (worker-bridge.ts); offline, the browser logs
// that failed request in the page's console, as it would for any other file of the page.
test.use({ expectedConsoleErrors: [/^console: Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/] });

test('after a first visit, the shop still recommends when the catalogue and model cannot be downloaded', async ({ storefront, page, context }) => {
  const model = await test.step('a first visit keeps catalogue and model in Cache Storage', async () => {
    await storefront.open();
    await storefront.whenIdle();
    // The embeddings come with the first event: a history is what they are for.
    const [first] = await storefront.recommend('trending', 1);
    await storefront.track('view', first);
    await storefront.whenIdle();
    const manifest = await page.evaluate(async () => {
      const res = await fetch('/model/manifest.json');
      return (await res.json()) as { files: Record<string, { path: string }> };
    });
    const paths = ['/catalog.json', '/model/manifest.json', ...Object.values(manifest.files).map((f) => `/model/${f.path}`)];
    // The engine writes the copies in the background: wait for all of them.
    await expect
      .poll(() => page.evaluate(async (urls) => {
        const cache = await caches.open('shelfwise-assets-v1');
        const hits = await Promise.all(urls.map((u) => cache.match(new URL(u, location.href).href)));
        return hits.filter(Boolean).length;
      }, paths))
      .toBe(paths.length);
    return paths;
  });

  await test.step('the next visit finds the network down for catalogue and model', async () => {
    await context.route(/\/(catalog\.json|model\/.*)$/, (route) => route.abort('internetdisconnected'));
    await storefront.open();
    await storefront.whenIdle();
  });

  await test.step('lists come from the kept copies, personal ones included', async () => {
    const status = await storefront.status();
    expect(status.errors).toEqual([]);
    expect(status.modelLoaded).toBe(true);
    expect(await storefront.carousel('trending').cards.count()).toBeGreaterThan(0);
    expect((await storefront.recommendations('for-you')).personal).toBe(true);
    expect(model.length).toBeGreaterThan(5);
  });
});
