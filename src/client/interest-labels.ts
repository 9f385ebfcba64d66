/**
 * How "Your data" words the interests the engine learned (see `core/interests.ts`): whole percents
 * and the bars' accessible names, part of the QA contract.
 */
import type { Interest } from '../shared/protocol';

/** "45%": whole percent, never "0%" for an interest that is present. */
export function percent(share: number): string {
  return `${share > 0 ? Math.max(1, Math.round(share * 100)) : 0}%`;
}

/** The bar's accessible name: "Mario (Nintendo DS), 45% of your activity". */
export function interestLabel(interest: Pick<Interest, 'name' | 'share'>): string {
  return `${interest.name}, ${percent(interest.share)} of your activity`;
}
