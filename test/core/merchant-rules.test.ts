import { describe, expect, it } from 'vitest';
import { applyRules, clampCount, matchesRule, placePins } from '../../src/core/merchant-rules';
import { topK } from '../../src/core/top-k';
import { validateMerchantConfig, type MerchantConfig } from '../../src/shared/merchant-config';
import type { CatalogItem } from '../../src/shared/protocol';

const items: CatalogItem[] = [
  { id: 'i0', title: 'Mario Kart DS', category: 'Nintendo DS' },
  { id: 'i1', title: 'Need for Speed - Nintendo DS', category: 'Nintendo DS' },
  { id: 'i2', title: 'Call of Duty - PlayStation 4', category: 'PlayStation 4' },
  { id: 'i3', title: 'Battlefield - PlayStation 4', category: 'PlayStation 4', available: false },
  { id: 'i4', title: 'Strategy Guide for Mario', category: 'Other' },
  { id: 'i5', title: 'Super Mario Galaxy - Wii', category: 'Wii', available: true },
];
// Descending by position: i0 is best.
const scores = Float32Array.from([5, 4, 3, 2, 1, 0]);

const config = (c: Omit<MerchantConfig, 'version'> = {}) => {
  const r = validateMerchantConfig({ version: 1, ...c });
  expect(r.errors).toEqual([]);
  return r.config;
};

const ranked = (surface: Parameters<typeof applyRules>[0], c = config(), purchased = new Set<number>()) => {
  const r = applyRules(surface, scores, items, c, purchased);
  return placePins(r.pinned, topK(r.scores, 10, r.exclude), 10);
};

describe('matchesRule', () => {
  it('ANDs the fields; category and title are case-insensitive', () => {
    expect(matchesRule({ itemId: 'i0' }, items[0])).toBe(true);
    expect(matchesRule({ itemId: 'i0' }, items[1])).toBe(false);
    expect(matchesRule({ category: 'nintendo ds' }, items[1])).toBe(true);
    expect(matchesRule({ titleContains: 'MARIO' }, items[4])).toBe(true);
    expect(matchesRule({ category: 'Nintendo DS', titleContains: 'mario' }, items[0])).toBe(true);
    expect(matchesRule({ category: 'Nintendo DS', titleContains: 'mario' }, items[4])).toBe(false);
    expect(matchesRule({ category: 'Other' }, { id: 'x', title: 'no category' })).toBe(false);
  });
});

describe('applyRules', () => {
  it('with no rules: unavailable items are excluded and scores unchanged', () => {
    const r = applyRules('for-you', scores, items, config(), new Set());
    expect(items.map((_, i) => r.exclude(i))).toEqual([false, false, false, true, false, false]);
    expect(r.scores[3]).toBe(-Infinity);
    expect(r.scores[0]).toBe(5);
    expect(r.adjust(2, 7)).toBe(7);
    expect(r.pinned).toEqual([]);
    expect(ranked('for-you')).toEqual([0, 1, 2, 4, 5]);
  });

  it('excludes purchased items by default, but not on recently-viewed', () => {
    const bought = new Set([0]);
    expect(ranked('for-you', config(), bought)).toEqual([1, 2, 4, 5]);
    expect(ranked('trending', config(), bought)).toEqual([1, 2, 4, 5]);
    expect(ranked('recently-viewed', config(), bought)).toEqual([0, 1, 2, 4, 5]);
  });

  it('excludePurchased per surface', () => {
    const c = config({ excludePurchased: { 'for-you': false, 'recently-viewed': true } });
    expect(ranked('for-you', c, new Set([0]))).toEqual([0, 1, 2, 4, 5]);
    expect(ranked('recently-viewed', c, new Set([0]))).toEqual([1, 2, 4, 5]);
    expect(ranked('trending', c, new Set([0]))).toEqual([1, 2, 4, 5]);
    expect(ranked('trending', config({ excludePurchased: false }), new Set([0]))[0]).toBe(0);
  });

  it('boost raises and bury lowers in fused-score units (default amount 1)', () => {
    const c = config({
      rules: [
        { match: { titleContains: 'galaxy' }, action: 'boost', amount: 4.5 },
        { match: { itemId: 'i0' }, action: 'bury' },
        { match: { category: 'Nintendo DS' }, action: 'bury', amount: 3 },
      ],
    });
    const r = applyRules('for-you', scores, items, c, new Set());
    expect(Array.from(r.scores)).toEqual([1, 1, 3, -Infinity, 1, 4.5]);
    expect(r.adjust(5, 0)).toBe(4.5);
    expect(r.adjust(0, 10)).toBe(6);
    expect(ranked('for-you', c)).toEqual([5, 2, 0, 1, 4]);
  });

  it('rules apply only to their surfaces', () => {
    const c = config({ rules: [{ match: { itemId: 'i5' }, action: 'boost', amount: 10, surfaces: ['trending'] }] });
    expect(ranked('trending', c)[0]).toBe(5);
    expect(ranked('for-you', c)[0]).toBe(0);
  });

  it('pin puts matching items first in config order, each rule best-scored first', () => {
    const c = config({
      rules: [
        { match: { titleContains: 'mario' }, action: 'pin' }, // i0, i4, i5
        { match: { itemId: 'i2' }, action: 'pin' },
        { match: { itemId: 'i0' }, action: 'pin' }, // already pinned: once only
      ],
    });
    const r = applyRules('for-you', scores, items, c, new Set());
    expect(r.pinned).toEqual([0, 4, 5, 2]);
    expect(ranked('for-you', c)).toEqual([0, 4, 5, 2, 1]);
  });

  it('exclusion beats pin: an unavailable or purchased pinned item is never shown', () => {
    const c = config({ rules: [{ match: { category: 'PlayStation 4' }, action: 'pin' }] });
    const r = applyRules('for-you', scores, items, c, new Set([2]));
    expect(r.pinned).toEqual([]);
    expect(ranked('for-you', c, new Set([2]))).not.toContain(3);
  });

  it('pins are ordered by the adjusted score and capped at maxItems', () => {
    const c = config({
      maxItems: 2,
      rules: [
        { match: { titleContains: 'mario' }, action: 'pin' },
        { match: { itemId: 'i5' }, action: 'boost', amount: 100 },
      ],
    });
    expect(applyRules('for-you', scores, items, c, new Set()).pinned).toEqual([5, 0]);
  });

  it('NaN scores stay out of topK and sort last among pins', () => {
    const s = Float32Array.from([NaN, 1, 0, 0, 2, 0]);
    const c = config({ rules: [{ match: { titleContains: 'mario' }, action: 'pin' }] });
    const r = applyRules('for-you', s, items, c, new Set());
    expect(r.pinned).toEqual([4, 5, 0]);
    expect(topK(r.scores, 10, r.exclude)).not.toContain(0);
  });
});

describe('placePins', () => {
  it('pinned first, ranked after without repeats, at most k', () => {
    expect(placePins([3, 1], [1, 2, 3, 4], 3)).toEqual([3, 1, 2]);
    expect(placePins([3, 1, 2], [4], 2)).toEqual([3, 1]);
    expect(placePins([], [4, 5], 5)).toEqual([4, 5]);
    expect(placePins([1], [2], 0)).toEqual([]);
  });
});

describe('clampCount', () => {
  it('hides lists shorter than minItems and cuts at maxItems', () => {
    const c = { minItems: 3, maxItems: 4 };
    expect(clampCount([1, 2], c)).toEqual([]);
    expect(clampCount([1, 2, 3], c)).toEqual([1, 2, 3]);
    expect(clampCount([1, 2, 3, 4, 5, 6], c)).toEqual([1, 2, 3, 4]);
    expect(clampCount([], { minItems: 0, maxItems: 4 })).toEqual([]);
    expect(clampCount([1], config())).toEqual([1]);
    expect(clampCount([], config())).toEqual([]);
  });
});
