import { EVENT_WEIGHTS, type EventType } from '../shared/protocol';

/** Older events fade: an event this many item events back counts half. */
export const RECENCY_HALF_LIFE = 25;

export interface HistoryEvent {
  type: EventType;
  /** Catalogue index of the item, or -1 for a search. */
  item: number;
  query?: string;
}

export interface ShopperHistory {
  /** Distinct catalogue items, most recent first, with their confidence weights. */
  items: Int32Array;
  weights: Float32Array;
  /** Search queries, newest first. */
  queries: string[];
  /** Items the shopper bought. */
  purchased: Set<number>;
}

/**
 * Folds an ordered event log (oldest first) into per-item weights: the event type's weight
 * times a recency decay, summed per item.
 */
export function summarizeHistory(events: readonly HistoryEvent[]): ShopperHistory {
  const weight = new Map<number, number>();
  const queries: string[] = [];
  const purchased = new Set<number>();
  const order: number[] = [];
  let age = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'search') {
      if (e.query) queries.push(e.query);
      continue;
    }
    if (e.item < 0) continue;
    if (e.type === 'purchase') purchased.add(e.item);
    const w = EVENT_WEIGHTS[e.type] * Math.pow(0.5, age++ / RECENCY_HALF_LIFE);
    if (!weight.has(e.item)) order.push(e.item);
    weight.set(e.item, (weight.get(e.item) ?? 0) + w);
  }
  return {
    items: Int32Array.from(order),
    weights: Float32Array.from(order, (i) => weight.get(i)!),
    queries,
    purchased,
  };
}
