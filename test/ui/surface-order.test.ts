import { describe, expect, it } from 'vitest';
import { orderBySurface } from '../../src/ui/features/home/surface-order';

describe('orderBySurface', () => {
  const home = [{ surface: 'for-you' }, { surface: 'interest' }, { surface: 'trending' }, { surface: 'recently-viewed' }] as const;
  const names = (xs: readonly { surface: string }[]) => xs.map((x) => x.surface);

  it('puts the named surfaces first, in the given order, the rest after in their own order', () => {
    expect(names(orderBySurface(home, ['trending', 'recently-viewed']))).toEqual(['trending', 'recently-viewed', 'for-you', 'interest']);
    expect(names(orderBySurface(home, ['bought-together', 'interest']))).toEqual(['interest', 'for-you', 'trending', 'recently-viewed']);
  });

  it('without an order, leaves the page as it is (a copy)', () => {
    expect(names(orderBySurface(home))).toEqual(names(home));
    expect(orderBySurface(home, [])).not.toBe(home);
  });
});
