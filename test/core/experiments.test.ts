import { describe, expect, it } from 'vitest';
import { assignVariant, thompsonChoose, thompsonRank, type Arm } from '../../src/core/experiments';
import { createRng, mulberry32, sampleBeta, sampleGamma } from '../../src/core/random';

describe('assignVariant', () => {
  const variants = [{ name: 'control', weight: 2 }, { name: 'fusion-b' }, { name: 'diverse', weight: 1 }];

  it('is stable for a seed and roughly proportional to the weights over 10k seeds', () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 10_000; seed++) {
      const v = assignVariant(variants, seed);
      expect(assignVariant(variants, seed)).toBe(v);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // Expected 5000/2500/2500; 3 standard deviations is about ±150.
    expect(Math.abs(counts.get('control')! - 5000)).toBeLessThan(150);
    expect(Math.abs(counts.get('fusion-b')! - 2500)).toBeLessThan(150);
    expect(Math.abs(counts.get('diverse')! - 2500)).toBeLessThan(150);
  });

  it('assigns two experiments independently on one device', () => {
    const ab = [{ name: 'a' }, { name: 'b' }];
    let same = 0;
    for (let seed = 0; seed < 4000; seed++) {
      if (assignVariant(ab, seed, 'fusion') === assignVariant(ab, seed, 'order')) same++;
    }
    expect(Math.abs(same / 4000 - 0.5)).toBeLessThan(0.04);
  });

  it('never assigns a zero-weight variant and rejects bad configs', () => {
    for (let seed = 0; seed < 1000; seed++) expect(assignVariant([{ name: 'a', weight: 0 }, { name: 'b' }], seed)).toBe('b');
    expect(() => assignVariant([], 1)).toThrow(/no variants/);
    expect(() => assignVariant([{ name: 'a' }, { name: 'a' }], 1)).toThrow(/duplicate/);
    expect(() => assignVariant([{ name: 'a', weight: -1 }], 1)).toThrow(/weight/);
    expect(() => assignVariant([{ name: 'a' }], 0.5)).toThrow(/integer/);
  });
});

describe('gamma and beta samplers', () => {
  it.each([0.5, 1, 3.5, 40])('Gamma(%s) has mean and variance equal to its shape', (shape) => {
    const rng = createRng(11);
    const n = 40_000;
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleGamma(rng, shape);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(mean / shape).toBeCloseTo(1, 1);
    expect((sq / n - mean * mean) / shape).toBeCloseTo(1, 1);
  });

  it('Beta(a, b) has mean a/(a+b)', () => {
    const rng = createRng(5);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += sampleBeta(rng, 6, 94);
    expect(sum / 20_000).toBeCloseTo(0.06, 3);
  });
});

describe('Thompson sampling', () => {
  it('gives the better arm (CTR 0.10 vs 0.05) a clear majority of 2,000 pulls', () => {
    const rng = createRng(2024);
    const world = mulberry32(99);
    const truth: Record<string, number> = { a: 0.05, b: 0.1 };
    const arms: Arm[] = [{ name: 'a', successes: 0, failures: 0 }, { name: 'b', successes: 0, failures: 0 }];
    const pulls: Record<string, number> = { a: 0, b: 0 };
    for (let round = 0; round < 2000; round++) {
      const chosen = thompsonChoose(arms, rng);
      const arm = arms.find((x) => x.name === chosen)!;
      pulls[arm.name]++;
      if (world() < truth[arm.name]) arm.successes++;
      else arm.failures++;
    }
    expect(pulls.b / 2000).toBeGreaterThan(0.7);
  });

  it('ranks every arm once, best-evidenced first', () => {
    const arms: Arm[] = [
      { name: 'weak', successes: 1, failures: 999 },
      { name: 'strong', successes: 500, failures: 500 },
      { name: 'middle', successes: 100, failures: 900 },
    ];
    expect(thompsonRank(arms, createRng(1))).toEqual(['strong', 'middle', 'weak']);
    expect(() => thompsonChoose([], createRng(1))).toThrow(/no arms/);
  });
});
