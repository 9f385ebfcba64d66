import { describe, expect, it } from 'vitest';
import { computeInterests, percent } from '../../src/ui/features/your-data/interests';
import type { ShopperEvent } from '../../src/shared/protocol';

describe('interests shown in "Your data"', () => {
  const category: Record<string, string> = { a: 'Nintendo DS', b: 'Nintendo DS', c: 'Wii', d: 'Other' };
  const ev = (type: ShopperEvent['type'], itemId: string): ShopperEvent =>
    (type === 'search' ? { type, query: itemId, ts: 0 } : { type, itemId, ts: 0 }) as ShopperEvent;

  it('weighs purchases over views, ignores searches, and keeps the catch-all out of the bars', () => {
    const summary = computeInterests(
      [ev('view', 'a'), ev('view', 'b'), ev('purchase', 'c'), ev('view', 'd'), ev('search', 'zelda')],
      (id) => category[id],
    );
    // weights: DS 1 + 1, Wii 5, Other 1 → total 8
    expect(summary.interests).toEqual([
      { category: 'Wii', share: 5 / 8 },
      { category: 'Nintendo DS', share: 2 / 8 },
    ]);
    expect(summary.uncategorised).toBeCloseTo(1 / 8, 6);
  });

  it('is empty without product events, and never rounds a present share to 0%', () => {
    expect(computeInterests([ev('search', 'x')], () => undefined)).toEqual({ interests: [], uncategorised: 0 });
    expect(percent(0.001)).toBe('1%');
    expect(percent(0.456)).toBe('46%');
  });
});
