import { describe, expect, it } from 'vitest';
import { categoryOf } from '../../src/core/category';
import { summarizeHistory, type HistoryEvent } from '../../src/core/history';
import { interestProfile, itemsOfInterests, titleWordStats, type InterestCatalog, type InterestInput } from '../../src/core/interests';
import { createRng } from '../../src/core/random';

/** [title, taste axis]: axis 0 = DS racing, 1 = PS4 shooters, others = unrelated fillers. */
const CATALOGUE: [string, number][] = [
  ['Mario Kart Racing - Nintendo DS', 0], // 0
  ['Crash Team Racing - Nintendo DS', 0], // 1
  ['Speed Racing Turbo - Nintendo DS', 0], // 2
  ['Ridge Racing DS', 0], // 3
  ['Call of Duty: Black Ops III - PlayStation 4', 1], // 4
  ['Call of Duty: Infinite Warfare - PlayStation 4', 1], // 5
  ['Call of Duty: WWII - PlayStation 4', 1], // 6
  ['Battlefield 1 - PlayStation 4', 1], // 7
  ['Brain Age - Nintendo DS', 2], // 8
  ['Nintendogs - Nintendo DS', 3], // 9
  ['Uncharted 4 - PlayStation 4', 4], // 10
  ['Bloodborne - PlayStation 4', 5], // 11
  ['Wii Sports - Nintendo Wii', 6], // 12
  ['Halo 3 - Xbox 360', 7], // 13
  ['Gran Turismo Racing 5 - PlayStation 3', 6], // 14
  ['The Sims 3 - PC', 7], // 15
  ['Super Mario Galaxy - Wii', 6], // 16
  ['Call of Duty 4: Modern Warfare - Xbox 360', 7], // 17
  ['<b>Zelda</b> &amp; Friends: Phantom Hourglass - Nintendo DS', 5], // 18
];
const D = 8;

/** Embeddings: each item near its axis, with a little seeded noise. */
function embeddings(seed = 1): Float32Array[] {
  const rng = createRng(seed);
  return CATALOGUE.map(([, axis]) => Float32Array.from({ length: D }, (_, j) => (j === axis ? 1 : 0) + 0.15 * rng.gaussian()));
}

const titles = CATALOGUE.map(([t]) => t);
const catalog: InterestCatalog = { titles, categories: titles.map(categoryOf), words: titleWordStats(titles) };
const E = embeddings();

function input(views: number[], known: (i: number) => boolean = () => true): InterestInput {
  const h = summarizeHistory(views.map((item): HistoryEvent => ({ type: 'view', item })));
  return { items: h.items, weights: h.weights, embedding: (i) => (known(i) ? E[i] : undefined) };
}

describe('interestProfile', () => {
  it('history across two well-separated groups gives two named interests with their items', () => {
    const out = interestProfile(input([0, 4, 1, 5, 2, 6, 7]), catalog);
    expect(out).toHaveLength(2);
    const racing = out.find((x) => x.platform === 'Nintendo DS')!;
    const shooters = out.find((x) => x.platform === 'PlayStation 4')!;
    expect(racing.name).toBe('Racing (Nintendo DS)');
    expect(racing.topic).toBe('Racing');
    expect(shooters.name).toBe('Call of Duty (PlayStation 4)');
    expect(new Set(racing.items)).toEqual(new Set([0, 1, 2]));
    expect(new Set(shooters.items)).toEqual(new Set([4, 5, 6, 7]));
    expect(racing.key).toBe('racing-nintendo-ds');
    expect(shooters.key).toBe('call-of-duty-playstation-4');
    // Shares of the history weight, heaviest first.
    expect(out[0].weight + out[1].weight).toBeCloseTo(1);
    expect(out[0].weight).toBeGreaterThanOrEqual(out[1].weight);
    expect(out[0]).toBe(shooters); // four items against three
  });

  it('items are strongest first (purchases and recency weigh more)', () => {
    const events: HistoryEvent[] = [
      { type: 'view', item: 0 }, { type: 'view', item: 1 }, { type: 'purchase', item: 2 }, { type: 'view', item: 0 },
    ];
    const h = summarizeHistory(events);
    const [one] = interestProfile({ items: h.items, weights: h.weights, embedding: (i) => E[i] }, catalog);
    expect(one.items).toEqual([2, 0, 1]);
  });

  it('one group gives one interest', () => {
    const out = interestProfile(input([4, 5, 6, 7, 4]), catalog);
    expect(out.map((x) => x.name)).toEqual(['Call of Duty (PlayStation 4)']);
    expect(out[0].weight).toBeCloseTo(1);
  });

  it('a single item gives one interest named from its own title', () => {
    const out = interestProfile(input([0]), catalog);
    expect(out).toHaveLength(1);
    expect(out[0].items).toEqual([0]);
    expect(out[0].platform).toBe('Nintendo DS');
    expect(out[0].name).toMatch(/^Mario Kart( Racing)? \(Nintendo DS\)$/);
  });

  it('empty history gives no interests', () => {
    expect(interestProfile({ items: [], weights: [], embedding: () => undefined }, catalog)).toEqual([]);
    expect(interestProfile({ items: [1], weights: [0], embedding: (i) => E[i] }, catalog)).toEqual([]);
  });

  it('is deterministic, and does not depend on the order the items come in', () => {
    const a = interestProfile(input([0, 4, 1, 5, 2, 6, 7, 9, 13]), catalog);
    const b = interestProfile(input([0, 4, 1, 5, 2, 6, 7, 9, 13]), catalog);
    expect(b).toEqual(a);
    const x = input([0, 4, 1, 5, 2, 6, 7]);
    const perm = [6, 2, 0, 4, 1, 5, 3];
    const shuffled = { items: perm.map((j) => x.items[j]), weights: perm.map((j) => x.weights[j]), embedding: x.embedding };
    expect(interestProfile(shuffled, catalog)).toEqual(interestProfile(x, catalog));
  });

  it('keys stay the same as events arrive', () => {
    const views = [0, 4, 1, 5, 2, 6, 7];
    const keys = (v: number[]) => interestProfile(input(v), catalog).map((x) => x.key).sort();
    const before = keys(views);
    expect(keys([...views, 3])).toEqual(before);
    expect(keys([...views, 3, 5, 0])).toEqual(before);
  });

  it('caps the number of interests and folds small ones into their nearest', () => {
    const views = [12, 0, 1, 2, 4, 5, 6, 7, 0, 1, 2, 4, 5, 6, 7];
    // 12 (Wii Sports, viewed long ago) is under 8% of the weight: it joins another interest.
    const out = interestProfile(input(views), catalog);
    expect(out).toHaveLength(2);
    expect(out.flatMap((x) => x.items).sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 12]);
    // With no floor, it is an interest of its own; with maxInterests 1, everything is one.
    expect(interestProfile(input(views), catalog, { minShare: 0 })).toHaveLength(3);
    expect(interestProfile(input(views), catalog, { maxInterests: 1 })).toHaveLength(1);
  });

  it('items the model does not know join the interest of their platform, or group by platform', () => {
    const byModel = interestProfile(input([0, 1, 2, 3, 4, 5, 6, 13, 13, 13], (i) => i !== 3 && i !== 13), catalog, { minShare: 0 });
    expect(byModel.find((x) => x.key === 'racing-nintendo-ds')!.items).toContain(3);
    expect(byModel.find((x) => x.items.includes(13))!.name).toBe('Halo (Xbox 360)');
    // With no embeddings at all, grouping falls back to the platform.
    const textOnly = interestProfile(input([0, 1, 2, 4, 5, 6], () => false), catalog);
    expect(textOnly.map((x) => x.name).sort()).toEqual(['Call of Duty (PlayStation 4)', 'Racing (Nintendo DS)']);
  });

  it('names are short, capitalised and free of HTML', () => {
    const out = interestProfile(input([18]), catalog);
    expect(out[0].name).not.toMatch(/[<>]|&amp;|&\w+;/);
    expect(out[0].topic!.split(' ').length).toBeLessThanOrEqual(3);
    expect(out[0].topic![0]).toBe(out[0].topic![0].toUpperCase());
    for (const views of [[0, 1, 2], [4, 5, 6, 7], [9, 10, 11], [15], [14, 16]]) {
      for (const x of interestProfile(input(views), catalog)) {
        expect(x.topic === undefined || x.topic.split(' ').length <= 3).toBe(true);
        expect(x.name).toMatch(/^[A-Z0-9]/);
        expect(x.key).toMatch(/^[a-z0-9-]+$/);
      }
    }
  });

  it('a mixed group with no shared words or platform is named by its main platform', () => {
    // Same embedding, nothing in common in the titles: one group, "Nintendo DS and more".
    const same = () => Float32Array.from({ length: D }, (_, j) => (j === 0 ? 1 : 0));
    const out = interestProfile({ items: [8, 12, 13, 15], weights: [2, 1, 1, 1], embedding: same }, catalog);
    expect(out.map((x) => x.name)).toEqual(['Nintendo DS and more']);
    expect(out[0].platform).toBeUndefined();
  });

  it('two clusters that would get the same name are one interest', () => {
    // Racing items on orthogonal embeddings: k-means keeps them apart, the name joins them.
    const out = interestProfile(
      { items: [0, 1], weights: [1, 1], embedding: (i) => Float32Array.from({ length: D }, (_, j) => (j === i ? 1 : 0)) },
      { ...catalog, titles: ['Speed Racing - Nintendo DS', 'Speed Racing - Nintendo DS', ...titles.slice(2)] },
    );
    expect(out).toHaveLength(1);
    expect(out[0].items.sort()).toEqual([0, 1]);
  });
});

describe('itemsOfInterests', () => {
  it('collects the items of the interests with the given keys', () => {
    const out = interestProfile(input([0, 4, 1, 5, 2, 6, 7]), catalog);
    expect(itemsOfInterests(out, ['racing-nintendo-ds'])).toEqual(new Set([0, 1, 2]));
    expect(itemsOfInterests(out, ['nope'])).toEqual(new Set());
  });
});
