import { expect, test } from './fixtures';

// Runs only in the `no-webgpu` project: Chromium without --enable-unsafe-webgpu has no adapter.
test('forcing WebGPU where it is unavailable falls back cleanly and says why', async ({ storefront, page }) => {
  await storefront.open('', 'webgpu');
  await storefront.whenIdle();

  const backend = await storefront.backend();
  const status = await storefront.status();
  await test.step('another backend runs, with a reason that names WebGPU', async () => {
    expect(backend).not.toBe('webgpu');
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    expect(status.backendReason ?? '').toMatch(/webgpu/i);
  });

  await test.step('the status line shows the backend and the reason', async () => {
    await expect(storefront.statusLine).toContainText(`Backend: ${backend}`);
    await expect(storefront.statusLine).toContainText(status.backendReason!);
  });

  await test.step('the storefront still works, personal lists included', async () => {
    await expect(storefront.carousel('trending').cards.first()).toBeVisible();
    const [id] = await storefront.recommend('trending', 1);
    await storefront.openProduct(id, 'webgpu');
    await storefront.whenIdle();
    await page.getByRole('link', { name: /Shelfwise/ }).click();
    await storefront.whenIdle();
    await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
  });
});
