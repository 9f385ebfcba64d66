import type { ShelfwiseWindow } from '../src/ui/qa-hook-api';
import { expect, test } from './fixtures';

test('a worker killed mid-training is restarted from the stored history; no event is lost', async ({ storefront, page }) => {
  await storefront.open();
  await storefront.whenIdle();
  const ids = (await storefront.recommend('trending', 20)).slice(0, 6);

  await test.step('three views are stored and learned', async () => {
    for (const id of ids.slice(0, 3)) await storefront.track('view', id);
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(3);
  });

  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await test.step('three more views, and the worker is killed before it has answered them', async () => {
    await page.evaluate(async (more) => {
      const hook = (globalThis as unknown as ShelfwiseWindow).__shelfwise;
      const tracked = more.map((id) => hook.track('view', id));
      hook.crashWorker();
      // Each call is answered by the restarted worker.
      await Promise.all(tracked);
    }, ids.slice(3));
    await storefront.whenIdle();
  });

  await test.step('the new worker holds all six events and the lists a fresh page would show', async () => {
    expect(workers.length).toBe(1); // the replacement worker
    expect(await storefront.eventCount()).toBe(6);
    const recent = (await storefront.recentEvents(10)).map((e) => ('itemId' in e ? e.itemId : ''));
    expect(new Set(recent)).toEqual(new Set(ids));
    await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    const afterRestart = await storefront.recommend('for-you', 10);
    await page.reload();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(6);
    expect(await storefront.recommend('for-you', 10)).toEqual(afterRestart);
  });
});
