import { expect, test } from './fixtures';
import { inspectStorage } from './storage';

test('history survives a reload: event count, Recently viewed and For you persist', async ({ storefront, page }) => {
  const viewed: string[] = [];
  await test.step('open three Trending products from the home page', async () => {
    await storefront.open();
    await storefront.whenIdle();
    const trending = storefront.carousel('trending');
    for (let i = 0; i < 3; i++) {
      const id = (await trending.cards.nth(i).getAttribute('data-item-id'))!;
      await trending.cardLink(i).click();
      await expect(storefront.product.heading).toBeVisible();
      await storefront.whenIdle();
      viewed.push(id);
      await page.goBack();
      await storefront.whenIdle();
    }
    expect(await storefront.eventCount()).toBe(3);
  });

  let forYouBefore: string[] = [];
  await test.step('home shows the history', async () => {
    expect(await storefront.carousel('recently-viewed').itemIds()).toEqual([...viewed].reverse());
    forYouBefore = await storefront.recommend('for-you', 10);
  });

  await test.step('after a reload the same history is there', async () => {
    await page.reload();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(3);
    await expect(storefront.carousel('recently-viewed').region).toBeVisible();
    expect(await storefront.carousel('recently-viewed').itemIds()).toEqual([...viewed].reverse());
    await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    expect(await storefront.recommend('for-you', 10)).toEqual(forYouBefore);
    expect((await storefront.timings()).firstPersonalCarousel).toBeGreaterThan(0);
  });
});

test('a device that holds a version-2 database (one record per event) keeps its history after the update', async ({ storefront, page, request }) => {
  const { items } = (await (await request.get('/catalog.json')).json()) as { items: { id: string }[] };
  const ids = items.slice(100, 400).map((it) => it.id); // 300 events: more than one chunk
  await test.step('an earlier Shelfwise stored 300 views, a removed interest and an aggregate', async () => {
    // A blank page of the shop's origin (that does not start Shelfwise): the fixture is written directly.
    await page.route('**/blank.html', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><link rel="icon" href="data:,">' }));
    await page.goto('/blank.html');
    await page.evaluate(async (viewed) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('shelfwise', 2);
        r.onupgradeneeded = () => {
          const events = r.result.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
          events.createIndex('by-ts', 'ts');
          r.result.createObjectStore('meta');
          r.result.createObjectStore('aggregates', { keyPath: 'key' });
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction(['events', 'meta', 'aggregates'], 'readwrite');
      viewed.forEach((itemId, i) => tx.objectStore('events').add({ type: 'view', itemId, ts: 1_700_000_000_000 + i }));
      tx.objectStore('meta').put({ paused: false, removed: { [viewed[0]]: 1_700_000_000_000 } }, 'settings');
      tx.objectStore('aggregates').put({ key: viewed[0], counts: { view: 4 }, firstTs: 1_600_000_000_000, lastTs: 1_600_000_000_001 });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }, ids);
  });

  await test.step('the storefront upgrades it in place: every event, in order, the setting and the counts', async () => {
    await storefront.open();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(300);
    const recent = await storefront.carousel('recently-viewed').itemIds();
    expect(recent.length).toBeGreaterThan(0);
    expect(recent).toEqual([...ids].reverse().slice(0, recent.length));
    await expect(storefront.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    const stored = await inspectStorage(page);
    expect((stored.events as { itemId: string }[]).map((e) => e.itemId)).toEqual(ids);
    expect(stored.aggregates).toEqual([{ key: ids[0], counts: { view: 4 }, firstTs: 1_600_000_000_000, lastTs: 1_600_000_000_001 }]);
    expect(stored.meta.find((m) => m.key === 'settings')?.value).toMatchObject({ removed: { [ids[0]]: 1_700_000_000_000 } });
  });

  await test.step('new events go on after the migrated ones, and survive a reload', async () => {
    await storefront.track('view', ids[150]);
    await storefront.whenIdle();
    await page.reload();
    await storefront.whenIdle();
    expect(await storefront.eventCount()).toBe(301);
    expect(((await inspectStorage(page)).events as { itemId: string }[]).map((e) => e.itemId)).toEqual([...ids, ids[150]]);
    expect((await storefront.carousel('recently-viewed').itemIds())[0]).toBe(ids[150]);
  });
});
