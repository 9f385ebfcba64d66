/** The merchant's figures, computed from the stored counts: de-biased rates and comparisons. */
import { compareVariants, debias, pool, type Comparison, type ProportionEstimate } from '../src/core/ldp';
import { OUTCOME_BITS, type OutcomeBit } from '../src/shared/report';
import type { CountRow } from './store';

export interface VariantSummary {
  variant: string;
  reports: number;
  /** The ε per bit the reports were noised with (usually one value). */
  epsilons: number[];
  rates: Record<OutcomeBit, ProportionEstimate>;
}

export interface VariantComparison extends Comparison {
  bit: OutcomeBit;
  /** The compared variant ("A") and the control ("B"). */
  variant: string;
  control: string;
  /** The better variant's name, only when the interval excludes 0. */
  better: string | null;
}

export interface Summary {
  days: { first: string; last: string } | null;
  control: string | null;
  variants: VariantSummary[];
  comparisons: VariantComparison[];
}

/** The control is the variant named "control" when there is one, else the first by name. */
function pickControl(names: string[]): string | null {
  return names.includes('control') ? 'control' : (names[0] ?? null);
}

export function summarize(rows: CountRow[]): Summary {
  const names = [...new Set(rows.map((r) => r.variant))].sort();
  const variants = names.map((variant): VariantSummary => {
    const mine = rows.filter((r) => r.variant === variant);
    const epsilons = [...new Set(mine.map((r) => r.epsilon))].sort((a, b) => a - b);
    const rates = {} as Record<OutcomeBit, ProportionEstimate>;
    for (const bit of OUTCOME_BITS) {
      // De-bias each ε group summed over days, then pool the groups.
      rates[bit] = pool(epsilons.map((eps) => {
        const group = mine.filter((r) => r.bit === bit && r.epsilon === eps);
        return debias(group.reduce((s, r) => s + r.ones, 0), group.reduce((s, r) => s + r.n, 0), eps);
      }));
    }
    return { variant, reports: rates[OUTCOME_BITS[0]].n, epsilons, rates };
  });
  const control = pickControl(names);
  const others = variants.filter((v) => v.variant !== control);
  const base = variants.find((v) => v.variant === control);
  const comparisons = base
    ? others.flatMap((v) => OUTCOME_BITS.map((bit): VariantComparison => {
        const c = compareVariants(v.rates[bit], base.rates[bit], others.length);
        const better = c.verdict === 'A better' ? v.variant : c.verdict === 'B better' ? base.variant : null;
        return { ...c, bit, variant: v.variant, control: base.variant, better };
      }))
    : [];
  const days = rows.length ? { first: rows[0].day, last: rows[rows.length - 1].day } : null;
  return { days, control, variants, comparisons };
}
