/** What the synthetic shops share (`synthetic-shop.ts`: feed and events; `large-shop.ts`: a partitioned model). */

export const AREAS = ['Home', 'Kitchen', 'Garden', 'Fashion', 'Outdoor', 'Office', 'Bath', 'Electronics'];
export const NOUNS = ['Knife', 'Pan', 'Mug', 'Lamp', 'Chair', 'Shirt', 'Jacket', 'Boot', 'Bag', 'Watch', 'Towel', 'Pillow',
  'Kettle', 'Board', 'Bowl', 'Plate', 'Glass', 'Rug', 'Vase', 'Frame', 'Candle', 'Blanket', 'Scarf', 'Hat', 'Belt',
  'Wallet', 'Bottle', 'Jar', 'Brush', 'Basket', 'Shelf', 'Desk', 'Stool', 'Mirror', 'Clock', 'Speaker', 'Cable', 'Case',
  'Sock', 'Glove'];
export const ADJECTIVES = ['Classic', 'Compact', 'Large', 'Small', 'Slim', 'Heavy', 'Light', 'Soft', 'Rustic', 'Modern', 'Vintage',
  'Premium', 'Everyday', 'Travel', 'Deluxe', 'Essential', 'Handmade', 'Organic', 'Recycled', 'Waterproof'];
export const MATERIALS = ['Oak', 'Walnut', 'Steel', 'Copper', 'Linen', 'Cotton', 'Wool', 'Leather', 'Ceramic', 'Glass', 'Bamboo',
  'Stoneware', 'Cast Iron', 'Silicone', 'Canvas', 'Marble'];
export const COLOURS = ['Black', 'White', 'Grey', 'Navy', 'Sage', 'Rust', 'Sand', 'Olive', 'Cherry', 'Ocean Blue'];

/** The first index in `cum[from..to)` whose value exceeds `x` (x < cum[to - 1]). */
export function search(cum: Float64Array, from: number, to: number, x: number): number {
  let lo = from, hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First product of each of `nDepts` departments (and n at the end): sizes ∝ 1/rank^0.6, each at least 1. */
export function departmentStarts(n: number, nDepts: number): Int32Array {
  const sizeWeight = Float64Array.from({ length: nDepts }, (_, d) => 1 / Math.pow(d + 1, 0.6));
  const totalWeight = sizeWeight.reduce((a, b) => a + b, 0);
  const deptStart = new Int32Array(nDepts + 1);
  let at = 0;
  for (let d = 0; d < nDepts; d++) {
    deptStart[d] = at;
    const remaining = nDepts - d - 1;
    at += d === nDepts - 1 ? n - at : Math.max(1, Math.min(n - at - remaining, Math.round((n * sizeWeight[d]) / totalWeight)));
  }
  deptStart[nDepts] = n;
  return deptStart;
}
