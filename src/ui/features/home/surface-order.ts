import type { Surface } from '../../../shared/protocol';

/**
 * Orders a page's sections by an experiment variant's `surfaceOrder`: the surfaces it names come
 * first, in its order; the others keep their own order after them. Without an order, unchanged.
 */
export function orderBySurface<T extends { surface: Surface }>(sections: readonly T[], order?: readonly Surface[]): T[] {
  if (!order?.length) return [...sections];
  const rank = (s: Surface) => {
    const i = order.indexOf(s);
    return i < 0 ? order.length : i;
  };
  // Array.prototype.sort is stable, so unnamed surfaces keep their relative order.
  return [...sections].sort((a, b) => rank(a.surface) - rank(b.surface));
}
