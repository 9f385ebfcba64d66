import { describe, expect, it } from 'vitest';
import { compareVariants, debias, pool } from '../../src/core/ldp';
import { summarize } from '../../collector/summary';
import type { CountRow } from '../../collector/store';

const rows = (variant: string, epsilon: number, n: number, clicked: number, converted: number, day = '2026-01-01'): CountRow[] => [
  { day, variant, epsilon, bit: 'clicked', n, ones: clicked },
  { day, variant, epsilon, bit: 'converted', n, ones: converted },
];

describe('summarize', () => {
  it('sums days, pools ε groups and compares every variant with "control" (Bonferroni)', () => {
    const s = summarize([
      ...rows('a', 1, 1000, 450, 300),
      ...rows('control', 1, 1000, 300, 300),
      ...rows('control', 1, 500, 150, 150, '2026-01-02'),
      ...rows('control', 0.5, 500, 200, 197),
      ...rows('b', 1, 1000, 310, 300),
    ]);
    expect(s.control).toBe('control');
    const control = s.variants.find((v) => v.variant === 'control')!;
    expect(control.reports).toBe(2000);
    expect(control.epsilons).toEqual([0.5, 1]);
    expect(control.rates.clicked.estimate).toBeCloseTo(pool([debias(450, 1500, 1), debias(200, 500, 0.5)]).estimate, 12);
    expect(s.comparisons.map((c) => `${c.bit}:${c.variant}:${c.better}`)).toEqual([
      'clicked:a:a', 'converted:a:null', 'clicked:b:null', 'converted:b:null',
    ]);
    expect(s.comparisons[0].ci95).toEqual(compareVariants(s.variants[0].rates.clicked, control.rates.clicked, 2).ci95);
  });

  it('is empty without reports', () => {
    expect(summarize([])).toEqual({ days: null, control: null, variants: [], comparisons: [] });
  });
});
