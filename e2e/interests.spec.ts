/**
 * Understanding the shopper, in the storefront: two kinds of browsing make two interests in
 * "Your data", For you covers both, removing one changes For you, and every card's reason names
 * the shopper's real history. A first-time visitor on a product page gets "Because you viewed" at once.
 */
import { loadCatalog, type TestCatalog } from './catalog';
import { expect, test } from './fixtures';

/** Four Pokémon games for the Nintendo DS and four Call of Duty games for the Xbox 360. */
function twoKinds(catalog: TestCatalog) {
  const pokemon = catalog.items.filter((i) => /pok[eé]mon/i.test(i.title) && i.category === 'Nintendo DS').slice(0, 4);
  const cod = catalog.items.filter((i) => /call of duty/i.test(i.title) && i.category === 'Xbox 360').slice(0, 4);
  expect(pokemon).toHaveLength(4);
  expect(cod).toHaveLength(4);
  return { pokemon, cod };
}

test('two kinds of browsing: two interests, For you covers both, removing one changes For you', async ({ storefront, page, request }) => {
  const catalog = await loadCatalog(request);
  const { pokemon, cod } = twoKinds(catalog);
  // The two kinds as a shopper would see them: the franchise, or its platform.
  const pokemonKind = (i: { title: string; category?: string }) => /pok[eé]mon/i.test(i.title) || /^Nintendo (DS|3DS)$/.test(i.category ?? '');
  const codKind = (i: { title: string; category?: string }) => /call of duty/i.test(i.title) || /^Xbox( 360)?$/.test(i.category ?? '');
  const viewed = [...pokemon, ...cod];

  await test.step('view four Pokémon DS games and four Call of Duty Xbox 360 games', async () => {
    await storefront.open();
    await storefront.whenIdle();
    for (let j = 0; j < 4; j++) {
      await storefront.track('view', pokemon[j].id);
      await storefront.track('view', cod[j].id);
    }
    await storefront.whenIdle();
  });

  let forYouBefore: string[] = [];
  let list0Pokemon = 0;
  await test.step('For you covers both kinds, and every reason names viewed products', async () => {
    const list = await storefront.recommendations('for-you', 12);
    forYouBefore = list.items.map((i) => i.id);
    list0Pokemon = list.items.filter(pokemonKind).length;
    expect(list.items.filter(pokemonKind).length).toBeGreaterThan(0);
    expect(list.items.filter(codKind).length).toBeGreaterThan(0);
    const ids = new Set(viewed.map((i) => i.id));
    for (const card of list.items) {
      if (card.reason.sourceItemId) expect(ids.has(card.reason.sourceItemId)).toBe(true);
    }
    // On screen too: each card's reason that names a product names one of the viewed titles.
    const reasons = await storefront.carousel('for-you').reasons().allInnerTexts();
    expect(reasons.length).toBeGreaterThan(0);
    for (const text of reasons.filter((t) => !/^(Popular right now|Featured by the shop)$/.test(t))) {
      expect(viewed.some((i) => text.includes(i.title)), text).toBe(true);
    }
  });

  await test.step('the home page offers More {interest}', async () => {
    const more = storefront.carousel('interest');
    await expect(more.region).toHaveAccessibleName(/^More /);
    expect(await more.cards.count()).toBeGreaterThan(0);
  });

  const panel = storefront.yourData;
  await test.step('"Your data" shows two interests, one per kind', async () => {
    await storefront.open('view=data');
    await storefront.whenIdle();
    await expect(panel.interestBars).toHaveCount(2);
    const names = await panel.root.locator('.interest__name').allInnerTexts();
    expect(names.some((n) => /pok[eé]mon|nintendo ds/i.test(n))).toBe(true);
    expect(names.some((n) => /call of duty|xbox 360/i.test(n))).toBe(true);
  });

  await test.step('removing the Call of Duty interest takes it out of For you', async () => {
    const names = await panel.root.locator('.interest__name').allInnerTexts();
    const codName = names.find((n) => /call of duty|xbox 360/i.test(n))!;
    await panel.root.getByRole('button', { name: `Remove interest ${codName}` }).click();
    await expect(panel.root.getByRole('status').filter({ hasText: `Removed “${codName}”` })).toBeVisible();
    await storefront.whenIdle();
    await expect(panel.interestBars).toHaveCount(1);
    await expect(panel.count('view')).toHaveText('8'); // the events themselves stay until erased
    const after = await storefront.recommendations('for-you', 12);
    expect(after.items.map((i) => i.id)).not.toEqual(forYouBefore);
    expect(after.items.filter(codKind).length).toBeLessThan(3);
    expect(after.items.filter(pokemonKind).length).toBeGreaterThan(list0Pokemon);
    for (const card of after.items) {
      if (card.reason.sourceItemId) expect(pokemon.map((i) => i.id)).toContain(card.reason.sourceItemId);
    }
  });
});

test('a first-time visitor on a product page gets a relevant Because you viewed at once', async ({ storefront, request }) => {
  const { cod } = twoKinds(await loadCatalog(request));
  await storefront.openProduct(cod[0].id);
  await storefront.whenIdle();
  const carousel = storefront.carousel('because-you-viewed');
  await expect(carousel.region).toBeVisible();
  const list = await storefront.recommendations('because-you-viewed', 10);
  expect(list.anchor?.id).toBe(cod[0].id);
  // Relevant: most of the list is Call of Duty or another Xbox 360 shooter of the same shoppers.
  const related = list.items.filter((i) => /call of duty/i.test(i.title) || i.category === 'Xbox 360');
  expect(related.length).toBeGreaterThanOrEqual(6);
  for (const card of list.items) if (card.reason.sourceItemId) expect(card.reason.sourceItemId).toBe(cod[0].id);
});
