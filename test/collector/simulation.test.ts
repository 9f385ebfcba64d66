/**
 * The simulation: 10,000 synthetic devices with known true rates send randomized-response
 * reports through the real collector (HTTP, SQLite); the de-biased figures must be honest.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { predictedStdError } from '../../src/core/ldp';
import { OUTCOME_BITS } from '../../src/shared/report';
import { SCENARIO, simulate, type SimulationResult } from '../../collector/simulate-devices';

const { truths: TRUTHS, devices: DEVICES, epsilon: EPSILON, seed: SEED } = SCENARIO;

describe('10,000 devices through the real collector', () => {
  let full: SimulationResult, half: SimulationResult;
  beforeAll(async () => {
    full = await simulate(TRUTHS, DEVICES, EPSILON, SEED);
    half = await simulate(TRUTHS, DEVICES, EPSILON / 2, SEED + 1);
  }, 120_000);

  it('accepts every report', () => {
    expect(full.statuses).toEqual({ 204: DEVICES });
    expect(half.statuses).toEqual({ 204: DEVICES });
    expect(full.summary.variants.reduce((s, v) => s + v.reports, 0)).toBe(DEVICES);
  });

  it('puts every true rate inside its stated 95% interval, at ε and at ε/2', () => {
    for (const run of [full, half]) {
      for (const truth of TRUTHS) {
        const v = run.summary.variants.find((x) => x.variant === truth.name)!;
        const [clo, chi] = v.rates.clicked.ci95, [vlo, vhi] = v.rates.converted.ci95;
        expect(clo <= truth.ctr && truth.ctr <= chi, `${truth.name} CTR ${truth.ctr} in [${clo}, ${chi}]`).toBe(true);
        expect(vlo <= truth.conversion && truth.conversion <= vhi, `${truth.name} conversion in [${vlo}, ${vhi}]`).toBe(true);
      }
    }
  });

  it('identifies the better variant on CTR at ε = 1', () => {
    const ctr = full.summary.comparisons.find((c) => c.bit === 'clicked')!;
    expect(ctr.better).toBe('fusion-b');
    expect(ctr.ci95[0]).toBeGreaterThan(0);
  });

  it('widens the intervals by the factor theory predicts when ε is halved (±15%)', () => {
    for (const truth of TRUTHS) {
      for (const bit of OUTCOME_BITS) {
        const p = bit === 'clicked' ? truth.ctr : truth.conversion;
        const a = full.summary.variants.find((x) => x.variant === truth.name)!.rates[bit];
        const b = half.summary.variants.find((x) => x.variant === truth.name)!.rates[bit];
        const predicted = predictedStdError(p, b.n, EPSILON / 2) / predictedStdError(p, a.n, EPSILON);
        expect(b.stdError / a.stdError / predicted).toBeGreaterThan(0.85);
        expect(b.stdError / a.stdError / predicted).toBeLessThan(1.15);
      }
    }
  });
});
