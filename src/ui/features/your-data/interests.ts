/**
 * The interests shown in "Your data": the share of each catalogue category among the products the
 * shopper viewed, put in their cart or bought, purchases counting most. Pure functions, so the
 * panel's chart is a plain reading of the shopper's own log.
 */
import { EVENT_WEIGHTS, type ShopperEvent } from '../../../shared/protocol';

/** The catalogue's catch-all category: it says nothing about taste, so it gets no bar. */
export const CATCH_ALL_CATEGORY = 'Other';

export interface Interest {
  category: string;
  /** 0..1: this category's part of all weighted product activity. */
  share: number;
}

export interface InterestSummary {
  /** Largest first, at most `top`. */
  interests: Interest[];
  /** 0..1: the part of the activity on products without a known category (catch-all included). */
  uncategorised: number;
}

export function computeInterests(
  events: readonly ShopperEvent[],
  categoryOf: (itemId: string) => string | undefined,
  top = 6,
): InterestSummary {
  const byCategory = new Map<string, number>();
  let total = 0;
  let uncategorised = 0;
  for (const e of events) {
    if (e.type === 'search') continue;
    const w = EVENT_WEIGHTS[e.type];
    total += w;
    const category = categoryOf(e.itemId);
    if (!category || category === CATCH_ALL_CATEGORY) uncategorised += w;
    else byCategory.set(category, (byCategory.get(category) ?? 0) + w);
  }
  if (total === 0) return { interests: [], uncategorised: 0 };
  const interests = [...byCategory]
    .map(([category, w]) => ({ category, share: w / total }))
    .sort((a, b) => b.share - a.share || a.category.localeCompare(b.category))
    .slice(0, top);
  return { interests, uncategorised: uncategorised / total };
}

/** "45%": whole percent, never "0%" for a category that is present. */
export function percent(share: number): string {
  return `${share > 0 ? Math.max(1, Math.round(share * 100)) : 0}%`;
}

/** The bar's accessible name, part of the QA contract: "Nintendo DS, 45% of your activity". */
export function interestLabel(interest: Interest): string {
  return `${interest.category}, ${percent(interest.share)} of your activity`;
}
