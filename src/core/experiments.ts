/**
 * Experiments on device: stable variant assignment and a Thompson-sampling bandit.
 * Pure: the device seed and the random generator come from the caller.
 */
import { mulberry32, sampleBeta, type Rng } from './random';

export interface VariantSpec {
  name: string;
  /** Relative share of devices; 1 when omitted. */
  weight?: number;
}

/** FNV-1a over UTF-16 code units: a cheap, stable string hash to salt the seed per experiment. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The variant this device runs. `deviceSeed` is a random 32-bit integer kept on the device and
 * never sent; the same seed, list and weights always give the same variant. `experiment` salts
 * the seed so that two experiments on one device are assigned independently.
 */
export function assignVariant(variants: readonly VariantSpec[], deviceSeed: number, experiment = ''): string {
  if (variants.length === 0) throw new RangeError('assignVariant: no variants');
  if (!Number.isInteger(deviceSeed)) throw new RangeError(`assignVariant: device seed must be an integer, got ${deviceSeed}`);
  const names = new Set<string>();
  let total = 0;
  for (const v of variants) {
    const w = v.weight ?? 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`assignVariant: "${v.name}" has weight ${w}`);
    if (names.has(v.name)) throw new RangeError(`assignVariant: duplicate variant "${v.name}"`);
    names.add(v.name);
    total += w;
  }
  if (total <= 0) throw new RangeError('assignVariant: weights sum to 0');
  // One draw of mulberry32 mixes the seed well, so consecutive seeds spread evenly.
  const u = mulberry32((deviceSeed ^ hashString(experiment)) >>> 0)() * total;
  let acc = 0;
  for (const v of variants) {
    acc += v.weight ?? 1;
    if (u < acc) return v.name;
  }
  return variants[variants.length - 1].name; // only reached through float rounding at the top
}

export interface Arm {
  name: string;
  successes: number;
  failures: number;
}

/**
 * Thompson sampling over Beta(1 + successes, 1 + failures) posteriors: arms ordered by one
 * posterior draw each, best first. Serves both choosing a variant and ordering carousels.
 */
export function thompsonRank(arms: readonly Arm[], rng: Rng): string[] {
  if (arms.length === 0) throw new RangeError('thompson: no arms');
  const draws = arms.map((arm) => {
    if (!(arm.successes >= 0 && arm.failures >= 0)) throw new RangeError(`thompson: "${arm.name}" has negative counts`);
    return { name: arm.name, theta: sampleBeta(rng, 1 + arm.successes, 1 + arm.failures) };
  });
  return draws.sort((x, y) => y.theta - x.theta).map((d) => d.name);
}

/** The arm to play now: the one whose posterior draw is highest. */
export function thompsonChoose(arms: readonly Arm[], rng: Rng): string {
  return thompsonRank(arms, rng)[0];
}
