import { topK } from './top-k';

/**
 * New items (no collaborative data yet) cannot compete on signals they do not have, and a shop
 * needs them seen. So a personal list keeps a slot for them: every `every`-th position goes to
 * the best-scoring new item whose text matches the shopper's (content similarity at least
 * `minContent`); the rest keeps the fused order. Without such an item the slot is not kept.
 */
export interface NewItemSlots {
  isNew: (item: number) => boolean;
  /** Raw content similarity of each item to the shopper's history. */
  content: ArrayLike<number>;
  every: number;
  minContent: number;
}

/**
 * `arrange` may reorder the main (not new) items before the slots are filled in, e.g. for
 * diversity, so that re-ranking never takes a new item's slot away.
 */
export function rankWithNewItemSlots(
  scores: ArrayLike<number>,
  k: number,
  exclude: (i: number) => boolean,
  slots?: NewItemSlots,
  arrange: (main: number[]) => number[] = (main) => main,
): number[] {
  if (!slots) return arrange(topK(scores, k, exclude));
  const main = arrange(topK(scores, k, (i) => exclude(i) || slots.isNew(i)));
  const fresh = topK(scores, Math.ceil(k / slots.every), (i) => exclude(i) || !slots.isNew(i) || !(slots.content[i] >= slots.minContent));
  const out: number[] = [];
  let m = 0, f = 0;
  while (out.length < k && (m < main.length || f < fresh.length)) {
    const slot = (out.length + 1) % slots.every === 0;
    if ((slot && f < fresh.length) || m >= main.length) out.push(fresh[f++]);
    else out.push(main[m++]);
  }
  return out;
}
