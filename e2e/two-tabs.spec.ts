import { expect, test } from './fixtures';
import { Storefront } from './pages/storefront';

test('two tabs recording at once lose nothing and converge on the same recommendations', async ({ storefront, context }) => {
  const second = new Storefront(await context.newPage());
  const ids = await test.step('open the shop in two tabs', async () => {
    await storefront.open();
    await storefront.whenIdle();
    await second.open();
    await second.whenIdle();
    return storefront.recommend('trending', 8);
  });

  await test.step('each tab records its own views at the same time', async () => {
    await Promise.all([
      ...ids.slice(0, 4).map((id) => storefront.track('view', id)),
      ...ids.slice(4, 8).map((id) => second.track('view', id)),
    ]);
  });

  await test.step('both tabs end with all 8 events and the same For you', async () => {
    // The first event also makes each tab fetch the embeddings and choose its backend (timing
    // wasm, WebGL and WebGPU on software here), both at once: on a busy 2-core runner that alone
    // can take over 15 s.
    await expect.poll(() => storefront.eventCount(), { timeout: 40_000 }).toBe(8);
    await expect.poll(() => second.eventCount(), { timeout: 40_000 }).toBe(8);
    await storefront.whenIdle();
    await second.whenIdle();
    expect(await second.recommend('for-you', 10)).toEqual(await storefront.recommend('for-you', 10));
  });
});
