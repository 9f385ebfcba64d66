/**
 * Local differential privacy by randomized response (Warner 1965), for the daily outcome bits a
 * device reports, and the collector's side: unbiased de-biasing with honest confidence intervals.
 * Pure: no I/O, randomness passed in.
 */
import { isAllowedEpsilon, OUTCOME_BITS, type OutcomeBit, type Report } from '../shared/report';

/** Default ε spent on each bit. */
export const DEFAULT_EPSILON_PER_BIT = 1;
/** A device sends at most this many reports a day (the device side enforces it). */
export const MAX_REPORTS_PER_DAY = 1;
/** ε of one report: basic composition over its independent bits. */
export const reportEpsilon = (epsilonPerBit: number): number => epsilonPerBit * OUTCOME_BITS.length;
export const DEFAULT_EPSILON_PER_REPORT = reportEpsilon(DEFAULT_EPSILON_PER_BIT);
export const DEFAULT_EPSILON_PER_DAY = DEFAULT_EPSILON_PER_REPORT * MAX_REPORTS_PER_DAY;
/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/** Probability that randomized response reports the true bit: e^ε / (1 + e^ε). */
export function keepProbability(epsilon: number): number {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`ε must be positive and finite, got ${epsilon}`);
  return 1 / (1 + Math.exp(-epsilon));
}

/** Reports the bit with probability e^ε/(1+e^ε), its opposite otherwise: odds bounded by e^ε. */
export function randomizedResponse(bit: boolean, epsilon: number, rand: () => number): boolean {
  return rand() < keepProbability(epsilon) ? bit : !bit;
}

/** Device side: the day's report, each true bit noised independently with `epsilon`. */
export function buildReport(
  variant: string,
  trueBits: Record<OutcomeBit, boolean>,
  epsilon: number,
  rand: () => number,
): Report {
  // The collector would reject it anyway; failing here tells the integrator why.
  if (!isAllowedEpsilon(epsilon)) throw new RangeError(`ε per bit ${epsilon} is not an allowed report ε`);
  const bits = {} as Record<OutcomeBit, boolean>;
  for (const name of OUTCOME_BITS) bits[name] = randomizedResponse(trueBits[name], epsilon, rand);
  return { v: 1, variant, epsilon, bits };
}

/** A de-biased proportion. `estimate` is unbiased (so it may stray outside [0, 1] on few reports). */
export interface ProportionEstimate {
  n: number;
  estimate: number;
  variance: number;
  stdError: number;
  /** estimate ± 1.96 standard errors, clipped to [0, 1] (the truth is there, so coverage holds). */
  ci95: [number, number];
}

function withInterval(n: number, estimate: number, variance: number): ProportionEstimate {
  const stdError = Math.sqrt(variance);
  const lo = Math.max(0, estimate - Z95 * stdError), hi = Math.min(1, estimate + Z95 * stdError);
  return { n, estimate, variance, stdError, ci95: [lo, hi] };
}

/**
 * Unbiased estimate of the true proportion from `count1` noisy ones out of `n` reports.
 * With keep probability p, the observed rate is λ = (2p−1)π + (1−p), so π̂ = (λ̂ − (1−p))/(2p−1)
 * and Var(π̂) = λ(1−λ) / (n (2p−1)²): the noise is in the variance, so the interval is honest.
 * λ̂ is clamped to [1−p, p] for the variance, the only values λ can take, so that a handful of
 * reports never yields a zero-width interval.
 */
export function debias(count1: number, n: number, epsilon: number): ProportionEstimate {
  const p = keepProbability(epsilon);
  if (n <= 0) return { n: 0, estimate: NaN, variance: Infinity, stdError: Infinity, ci95: [0, 1] };
  const lambda = count1 / n;
  const spread = 2 * p - 1;
  const lambdaForVar = Math.min(p, Math.max(1 - p, lambda));
  return withInterval(n, (lambda - (1 - p)) / spread, (lambdaForVar * (1 - lambdaForVar)) / (n * spread * spread));
}

/** The standard error theory predicts for n reports of true proportion π at ε (for planning and tests). */
export function predictedStdError(trueProportion: number, n: number, epsilon: number): number {
  const p = keepProbability(epsilon);
  const lambda = (2 * p - 1) * trueProportion + (1 - p);
  return Math.sqrt((lambda * (1 - lambda)) / n) / (2 * p - 1);
}

/**
 * Pools estimates of one proportion made at different ε (devices may differ in version or
 * config). Weights by report count, which keeps the pool unbiased; variances add with the weights².
 */
export function pool(parts: ProportionEstimate[]): ProportionEstimate {
  const used = parts.filter((e) => e.n > 0);
  const n = used.reduce((s, e) => s + e.n, 0);
  if (n === 0) return debias(0, 0, 1);
  const estimate = used.reduce((s, e) => s + e.n * e.estimate, 0) / n;
  const variance = used.reduce((s, e) => s + e.n * e.n * e.variance, 0) / (n * n);
  return withInterval(n, estimate, variance);
}

export type Verdict = 'A better' | 'B better' | 'no verdict yet';

export interface Comparison {
  /** A's proportion minus B's. */
  difference: number;
  stdError: number;
  /** Interval for the difference; family-wise 95% when `comparisons` > 1 (Bonferroni). */
  ci95: [number, number];
  verdict: Verdict;
}

/**
 * Difference of two independent de-biased proportions with its interval; a verdict only when the
 * interval excludes 0. Pass `comparisons` when several variants are compared with one control, so
 * that the chance of any false verdict stays at 5%.
 */
export function compareVariants(a: ProportionEstimate, b: ProportionEstimate, comparisons = 1): Comparison {
  const difference = a.estimate - b.estimate;
  const stdError = Math.sqrt(a.variance + b.variance);
  const z = comparisons > 1 ? normalQuantile(1 - 0.025 / comparisons) : Z95;
  const lo = difference - z * stdError, hi = difference + z * stdError;
  const verdict: Verdict = !(stdError < Infinity) ? 'no verdict yet' : lo > 0 ? 'A better' : hi < 0 ? 'B better' : 'no verdict yet';
  return { difference, stdError, ci95: [lo, hi], verdict };
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(q: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile needs 0 < q < 1, got ${q}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (r: number) =>
    (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  if (q < 0.02425) return tail(Math.sqrt(-2 * Math.log(q)));
  if (q > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - q)));
  const s = q - 0.5, r = s * s;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * s) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
