/**
 * The private aggregate report: the only thing a device ever sends about its shopper's behaviour.
 * It holds the variant name, the ε each bit was noised with, and the noised bits: nothing else
 * (no item ids, no identifier, no timestamp — the collector dates reports by their arrival day).
 */

/** The per-day outcomes a device reports, one randomized-response bit each. */
export type OutcomeBit = 'clicked' | 'converted';
export const OUTCOME_BITS: readonly OutcomeBit[] = ['clicked', 'converted'];

/** Wire format, version 1. `epsilon` is the ε of EACH bit; the report spends the sum. */
export interface Report {
  v: 1;
  variant: string;
  epsilon: number;
  bits: Record<OutcomeBit, boolean>;
}

/** Largest body the collector reads; a valid report is well under 100 bytes. */
export const MAX_REPORT_BYTES = 256;
export const VARIANT_NAME = /^[a-z0-9-]{1,32}$/;
/**
 * ε per bit must lie in this range and be a multiple of EPSILON_STEP: a coarse grid keeps ε
 * from becoming a per-device fingerprint, and the cap keeps a report meaningfully deniable.
 */
export const MIN_EPSILON_PER_BIT = 0.1;
export const MAX_EPSILON_PER_BIT = 2;
export const EPSILON_STEP = 0.05;

/** Thrown for a report that is not exactly version 1; the message says what is wrong. */
export class ReportError extends Error {
  override name = 'ReportError';
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Rejects any key outside `allowed`: an extra field could smuggle data out. */
function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new ReportError(`${where}: unknown key ${JSON.stringify(key)}`);
  }
}

/** True when ε is within range and on the grid (with slack for float noise such as 0.1 * 3). */
export function isAllowedEpsilon(epsilon: number): boolean {
  if (!Number.isFinite(epsilon)) return false;
  if (epsilon < MIN_EPSILON_PER_BIT - 1e-9 || epsilon > MAX_EPSILON_PER_BIT + 1e-9) return false;
  const steps = epsilon / EPSILON_STEP;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}

/** Checks a parsed body and returns it as a Report, or throws a ReportError naming the problem. */
export function validateReport(x: unknown): Report {
  if (!isPlainObject(x)) throw new ReportError('report: expected a JSON object');
  onlyKeys(x, ['v', 'variant', 'epsilon', 'bits'], 'report');
  if (x.v !== 1) throw new ReportError(`report: "v" must be 1, got ${JSON.stringify(x.v)}`);
  if (typeof x.variant !== 'string' || !VARIANT_NAME.test(x.variant)) {
    throw new ReportError('report: "variant" must be 1-32 characters of a-z, 0-9 and "-"');
  }
  if (typeof x.epsilon !== 'number' || !isAllowedEpsilon(x.epsilon)) {
    throw new ReportError(
      `report: "epsilon" must be a multiple of ${EPSILON_STEP} from ${MIN_EPSILON_PER_BIT} to ${MAX_EPSILON_PER_BIT}`,
    );
  }
  if (!isPlainObject(x.bits)) throw new ReportError('report: "bits" must be an object');
  onlyKeys(x.bits, OUTCOME_BITS, 'report.bits');
  const bits = {} as Record<OutcomeBit, boolean>;
  for (const name of OUTCOME_BITS) {
    const b = x.bits[name];
    if (typeof b !== 'boolean') throw new ReportError(`report.bits: "${name}" must be true or false`);
    bits[name] = b;
  }
  return { v: 1, variant: x.variant, epsilon: x.epsilon, bits };
}
