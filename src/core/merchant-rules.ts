/**
 * The merchant's rules applied to one list's scores: pure, one call per list. Exclusion wins over
 * everything (an unavailable item is never shown, even if pinned); pins come next, then boosts and
 * burys shift the fused score.
 */

import type { ResolvedMerchantConfig, RuleMatch } from '../shared/merchant-config';
import type { CatalogItem, Surface } from '../shared/protocol';

export interface AppliedRules {
  /** True for items the list must not show: unavailable, or purchased where the surface excludes that. */
  exclude(i: number): boolean;
  /** Item i's score with the boosts and burys of this surface added. */
  adjust(i: number, score: number): number;
  /** The input scores adjusted, with excluded items at -Infinity (so `topK` skips them). */
  scores: Float32Array;
  /**
   * Items to put first, in this order: pin rules in config order, each rule's items best
   * (adjusted) score first; excluded items left out; at most `maxItems`.
   */
  pinned: number[];
}

/** Whether a catalogue item matches every field of a rule's match. */
export function matchesRule(match: RuleMatch, item: CatalogItem): boolean {
  if (match.itemId !== undefined && item.id !== match.itemId) return false;
  if (match.category !== undefined && (item.category ?? '').toLowerCase() !== match.category.toLowerCase()) return false;
  if (match.titleContains !== undefined && !item.title.toLowerCase().includes(match.titleContains.toLowerCase())) return false;
  return true;
}

/**
 * The rules of `surface` on a list scored per catalogue item. `scores` is the fused score (z-score
 * sums); boosts and burys add or subtract `amount` on that scale.
 */
export function applyRules(
  surface: Surface,
  scores: Float32Array,
  items: readonly CatalogItem[],
  config: ResolvedMerchantConfig,
  purchased: ReadonlySet<number>,
): AppliedRules {
  const n = items.length;
  const excludePurchased = config.excludePurchased[surface] ?? true;
  const excluded = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (items[i].available === false) excluded[i] = 1;
  if (excludePurchased) for (const i of purchased) if (i >= 0 && i < n) excluded[i] = 1;

  const rules = config.rules.filter((r) => r.surfaces.includes(surface));
  const delta = new Float32Array(n);
  const pinRules: number[][] = [];
  for (const rule of rules) {
    const hits = ruleHits(rule.match, items);
    if (rule.action === 'pin') pinRules.push(hits);
    else for (const i of hits) delta[i] += rule.action === 'boost' ? rule.amount : -rule.amount;
  }

  const adjusted = new Float32Array(n);
  for (let i = 0; i < n; i++) adjusted[i] = excluded[i] ? -Infinity : scores[i] + delta[i];

  const pinned: number[] = [];
  const seen = new Set<number>();
  const rank = (x: number) => (Number.isNaN(x) ? -Infinity : x);
  for (const hits of pinRules) {
    const kept = hits.filter((i) => !excluded[i] && !seen.has(i));
    kept.sort((a, b) => rank(adjusted[b]) - rank(adjusted[a]) || a - b);
    for (const i of kept) {
      if (pinned.length >= config.maxItems) break;
      pinned.push(i);
      seen.add(i);
    }
  }

  return {
    exclude: (i) => excluded[i] === 1,
    adjust: (i, score) => score + delta[i],
    scores: adjusted,
    pinned,
  };
}

function ruleHits(match: RuleMatch, items: readonly CatalogItem[]): number[] {
  const hits: number[] = [];
  for (let i = 0; i < items.length; i++) if (matchesRule(match, items[i])) hits.push(i);
  return hits;
}

/** Every item a pin rule of `surface` names (available or not): they must be ranked whatever their scores. */
export function pinRuleItems(surface: Surface, items: readonly CatalogItem[], config: ResolvedMerchantConfig): number[] {
  return config.rules.filter((r) => r.action === 'pin' && r.surfaces.includes(surface)).flatMap((r) => ruleHits(r.match, items));
}

/** The pinned items first, then the ranked ones not already pinned, `k` at most. */
export function placePins(pinned: readonly number[], ranked: readonly number[], k: number): number[] {
  const out = pinned.slice(0, Math.max(k, 0));
  const seen = new Set(out);
  for (const i of ranked) {
    if (out.length >= k) break;
    if (!seen.has(i)) {
      out.push(i);
      seen.add(i);
    }
  }
  return out;
}

/**
 * A carousel's final length: empty when it has fewer than `minItems` (the UI hides it), cut to
 * `maxItems` otherwise.
 */
export function clampCount<T>(list: readonly T[], config: Pick<ResolvedMerchantConfig, 'minItems' | 'maxItems'>): T[] {
  return list.length < config.minItems ? [] : list.slice(0, config.maxItems);
}
