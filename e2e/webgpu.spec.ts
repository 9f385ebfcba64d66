import type { Page } from '@playwright/test';
import type { RecommendationList } from '../src/shared/protocol';
import { loadCatalog } from './catalog';
import { expect, test } from './fixtures';
import { Storefront } from './pages/storefront';
import type { ShelfwiseWindow } from '../src/ui/qa-hook-api';

/** Score tolerance between backends (float32 kernels differ in summation order). */
const SCORE_TOLERANCE = 1e-3;

test('?backend=webgpu runs on WebGPU (SwiftShader adapter) and says so', async ({ storefront }) => {
  await storefront.open('', 'webgpu');
  await storefront.whenIdle();
  expect(await storefront.backend()).toBe('webgpu');
  await expect(storefront.statusLine).toContainText('Backend: webgpu');
  const status = await storefront.status();
  expect(status.errors).toEqual([]);
  await expect(storefront.carousel('trending').cards.first()).toBeVisible();
});

test('WebGPU and WASM give the same For you list for the same history', async ({ newShopper, request }) => {
  const catalog = await loadCatalog(request);
  // A small, mixed history: two categories, a cart addition, a purchase and a search.
  const ds = catalog.items.filter((i) => i.category === 'Nintendo DS').slice(0, 3);
  const ps = catalog.items.filter((i) => i.category === 'PlayStation 3').slice(0, 2);
  const history: [type: 'view' | 'add_to_cart' | 'purchase' | 'search', idOrQuery: string][] = [
    ['view', ds[0].id],
    ['view', ds[1].id],
    ['view', ps[0].id],
    ['add_to_cart', ds[1].id],
    ['search', 'racing'],
    ['view', ds[2].id],
    ['purchase', ps[1].id],
  ];

  const run = async (backend: 'wasm' | 'webgpu'): Promise<RecommendationList> => {
    const page: Page = await newShopper();
    const shop = new Storefront(page);
    await shop.open('', backend);
    await shop.whenIdle();
    expect(await shop.backend()).toBe(backend);
    for (const [type, id] of history) await shop.track(type, id);
    await shop.whenIdle();
    expect(await shop.eventCount()).toBe(history.length);
    return shop.recommendations('for-you', 10);
  };

  const wasm = await test.step('replay the history on WASM', () => run('wasm'));
  const webgpu = await test.step('replay the same history on WebGPU', () => run('webgpu'));

  await test.step('same ids in the same order, or only near-ties swapped', async () => {
    expect(wasm.personal).toBe(true);
    expect(webgpu.personal).toBe(true);
    expect(webgpu.items).toHaveLength(wasm.items.length);
    const report = wasm.items.map((w, i) => `${i}: ${w.id} ${w.score.toFixed(5)} | ${webgpu.items[i].id} ${webgpu.items[i].score.toFixed(5)}`);
    test.info().annotations.push({ type: 'wasm | webgpu', description: report.join('\n') });
    wasm.items.forEach((w, i) => {
      const g = webgpu.items[i];
      // Position by position: the same item, or two items whose scores tie within tolerance.
      if (g.id !== w.id) expect(Math.abs(g.score - w.score), `position ${i}: ${w.id} vs ${g.id}`).toBeLessThanOrEqual(SCORE_TOLERANCE);
      // And every item both lists share scores the same on both backends.
      const same = webgpu.items.find((x) => x.id === w.id);
      if (same) expect(Math.abs(same.score - w.score), `score of ${w.id}`).toBeLessThanOrEqual(SCORE_TOLERANCE);
    });
  });
});

test('a lost WebGPU device falls back to another backend without losing the session', async ({ storefront }) => {
  await storefront.open('', 'webgpu');
  await storefront.whenIdle();
  expect(await storefront.backend()).toBe('webgpu');
  const trending = await storefront.recommend('trending', 10);
  for (const id of trending.slice(0, 3)) await storefront.track('view', id);
  await storefront.whenIdle();
  const before = await storefront.recommend('for-you', 10);

  expect(await storefront.page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.loseGpuDevice())).toBe(true);
  await expect.poll(() => storefront.backend()).not.toBe('webgpu');
  await storefront.whenIdle();
  const status = await storefront.status();
  expect(status.backendReason).toContain('WebGPU device lost');
  expect(status.errors).toEqual([]);
  await expect(storefront.statusLine).toContainText(`Backend: ${status.backend}`);

  // Same history, same lists: the session carries on, and learning still works on the new backend.
  expect(await storefront.eventCount()).toBe(3);
  expect(await storefront.recommend('for-you', 10)).toEqual(before);
  await storefront.track('view', trending[3]);
  await storefront.whenIdle();
  expect(await storefront.eventCount()).toBe(4);
  await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
});
