/**
 * The merchant's rules for the carousels, a small JSON file served beside the catalogue
 * (`/merchant.json` in the demo). A bad file must never break the shop: the validator keeps what
 * it can read, drops each bad part with a message naming where it is and what is wrong, and falls
 * back to the defaults for the rest.
 */

import { SIGNAL_NAMES, type FusionWeights } from './model-manifest';
import { SURFACES, type Surface } from './protocol';
import { isAllowedEpsilon, VARIANT_NAME } from './report';

export type RuleAction = 'pin' | 'boost' | 'bury';
export const RULE_ACTIONS: readonly RuleAction[] = ['pin', 'boost', 'bury'];

/** Which items a rule is about; every field given must match (AND). */
export interface RuleMatch {
  /** Exact catalogue id. */
  itemId?: string;
  /** The catalogue item's `category`, case-insensitive. */
  category?: string;
  /** A substring of the title, case-insensitive. */
  titleContains?: string;
}

export interface MerchantRule {
  match: RuleMatch;
  action: RuleAction;
  /** Strength of a boost or bury in units of the fused score (about one signal's standard deviation); default 1. */
  amount?: number;
  /** Where the rule applies; all surfaces when absent. */
  surfaces?: Surface[];
}

/** The file as the merchant writes it. */
export interface MerchantConfig {
  version: 1;
  /** `true`/`false` sets every surface; an object sets the surfaces it names. Default: every surface but 'recently-viewed'. */
  excludePurchased?: boolean | Partial<Record<Surface, boolean>>;
  rules?: MerchantRule[];
  /** A carousel with fewer items is hidden (default 1). */
  minItems?: number;
  /** At most this many items per carousel (default 20). */
  maxItems?: number;
  /** An A/B experiment the devices run (issue 8); none when absent. */
  experiments?: ExperimentConfig;
  /** Private aggregate reports: OFF unless present. */
  reports?: ReportsConfig;
}

export interface ExperimentVariant {
  /** Reported as is: 1-32 characters of a-z, 0-9 and "-". */
  name: string;
  /** Relative share of devices; 1 when omitted. */
  weight?: number;
  /** Fusion weights that replace the model's, signal by signal. */
  fusion?: Partial<FusionWeights>;
  /** MMR λ of every list, 0..1 (1 keeps the fused order); the engine's default when omitted. */
  diversity?: number;
  /** The order of the home page's carousels (surfaces not named keep theirs, after these). */
  surfaceOrder?: Surface[];
}

export interface ExperimentConfig {
  /** Salts the assignment, so two experiments split devices independently. */
  name: string;
  variants: ExperimentVariant[];
  /** Choose the variant by Thompson sampling over this device's own outcomes, per session. */
  bandit?: boolean;
}

export interface ReportsConfig {
  /** Where the collector takes reports (POST, text/plain). */
  url: string;
  /** ε per bit of randomized response; default DEFAULT_EPSILON_PER_BIT (core/ldp). */
  epsilon?: number;
}

export interface ResolvedVariant {
  name: string;
  weight: number;
  fusion?: Partial<FusionWeights>;
  diversity?: number;
  surfaceOrder?: Surface[];
}

export interface ResolvedExperiment {
  name: string;
  variants: ResolvedVariant[];
  bandit: boolean;
}

/** A rule with its defaults filled in. */
export interface ResolvedRule {
  match: RuleMatch;
  action: RuleAction;
  amount: number;
  surfaces: Surface[];
}

/** The config with every default filled in; plain data, so it can cross the worker boundary. */
export interface ResolvedMerchantConfig {
  version: 1;
  excludePurchased: Record<Surface, boolean>;
  rules: ResolvedRule[];
  minItems: number;
  maxItems: number;
  experiments?: ResolvedExperiment;
  /** `epsilon` stays undefined when the merchant left it to the engine's default. */
  reports?: { url: string; epsilon?: number };
}

/** Hard cap on `maxItems`: more would not be a carousel. */
export const MAX_ITEMS_LIMIT = 100;

export function defaultMerchantConfig(): ResolvedMerchantConfig {
  const excludePurchased = {} as Record<Surface, boolean>;
  // Showing what was bought is the point of "recently viewed", and noise everywhere else.
  for (const s of SURFACES) excludePurchased[s] = s !== 'recently-viewed';
  return { version: 1, excludePurchased, rules: [], minItems: 1, maxItems: 20 };
}

type Errors = string[];

const shown = (v: unknown): string =>
  v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : `${typeof v} ${JSON.stringify(v)}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isSurface = (v: unknown): v is Surface => typeof v === 'string' && (SURFACES as readonly string[]).includes(v);

/**
 * One reader per top-level field: it writes what it accepts into `config` and reports the rest.
 * A new field (issue 8: `experiments`, `reports`) is one more entry here.
 */
const FIELDS: Record<string, (value: unknown, config: ResolvedMerchantConfig, errors: Errors) => void> = {
  version: () => {}, // checked first, in validateMerchantConfig
  excludePurchased: readExcludePurchased,
  rules: (value, config, errors) => {
    if (!Array.isArray(value)) {
      errors.push(`rules: expected an array, got ${shown(value)}; no rules applied`);
      return;
    }
    value.forEach((raw, i) => {
      const rule = readRule(raw, `rules[${i}]`, errors);
      if (rule) config.rules.push(rule);
    });
  },
  minItems: (value, config, errors) => {
    const n = readCount(value, 'minItems', 0, MAX_ITEMS_LIMIT, errors);
    if (n !== undefined) config.minItems = n;
  },
  maxItems: (value, config, errors) => {
    const n = readCount(value, 'maxItems', 1, MAX_ITEMS_LIMIT, errors);
    if (n !== undefined) config.maxItems = n;
  },
  experiments: (value, config, errors) => {
    const experiment = readExperiment(value, errors);
    if (experiment) config.experiments = experiment;
  },
  reports: (value, config, errors) => {
    const reports = readReports(value, errors);
    if (reports) config.reports = reports;
  },
};

/**
 * Reads a parsed merchant file. Never throws: each error names the path and the problem, and says
 * what was done instead; totally unusable input gives the defaults.
 */
export function validateMerchantConfig(x: unknown): { config: ResolvedMerchantConfig; errors: string[] } {
  const config = defaultMerchantConfig();
  const errors: Errors = [];
  const done = () => ({ config, errors: errors.map((e) => `merchant config: ${e}`) });
  if (!isObject(x)) {
    errors.push(`expected a JSON object, got ${shown(x)}; using the defaults`);
    return done();
  }
  if (x.version === undefined) {
    errors.push('version: missing; reading it as version 1');
  } else if (x.version !== 1) {
    // A future format may mean something else by the same fields: do not guess.
    errors.push(`version: this build reads version 1, got ${shown(x.version)}; using the defaults`);
    return done();
  }
  for (const [key, value] of Object.entries(x)) {
    const read = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    if (read) read(value, config, errors);
    else errors.push(`${key}: unknown field, ignored`);
  }
  if (config.minItems > config.maxItems) {
    errors.push(`minItems: ${config.minItems} is more than maxItems ${config.maxItems}; using minItems 1`);
    config.minItems = 1;
  }
  return done();
}

function readExcludePurchased(value: unknown, config: ResolvedMerchantConfig, errors: Errors): void {
  if (typeof value === 'boolean') {
    for (const s of SURFACES) config.excludePurchased[s] = value;
    return;
  }
  if (!isObject(value)) {
    errors.push(`excludePurchased: expected true, false or an object of surfaces, got ${shown(value)}; using the defaults`);
    return;
  }
  for (const [surface, v] of Object.entries(value)) {
    if (!isSurface(surface)) errors.push(`excludePurchased.${surface}: unknown surface (known: ${SURFACES.join(', ')}), ignored`);
    else if (typeof v !== 'boolean') errors.push(`excludePurchased.${surface}: expected true or false, got ${shown(v)}; using the default`);
    else config.excludePurchased[surface] = v;
  }
}

function readCount(value: unknown, path: string, min: number, max: number, errors: Errors): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  errors.push(`${path}: expected a whole number from ${min} to ${max}, got ${shown(value)}; using the default`);
  return undefined;
}

const MATCH_KEYS = ['itemId', 'category', 'titleContains'] as const;

/**
 * A rule, or undefined (with an error) when any part of it is bad: half a rule could match far
 * more than meant (a dropped match field widens it), so a bad rule is dropped whole.
 */
function readRule(raw: unknown, path: string, errors: Errors): ResolvedRule | undefined {
  const drop = (what: string) => {
    errors.push(`${path}${what}; rule ignored`);
    return undefined;
  };
  if (!isObject(raw)) return drop(`: expected an object, got ${shown(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!['match', 'action', 'amount', 'surfaces'].includes(key)) return drop(`.${key}: unknown field`);
  }
  const { match, action, amount, surfaces } = raw;
  if (!isObject(match)) return drop(`.match: expected an object with itemId, category or titleContains, got ${shown(match)}`);
  const resolvedMatch: RuleMatch = {};
  for (const [key, v] of Object.entries(match)) {
    if (!(MATCH_KEYS as readonly string[]).includes(key)) return drop(`.match.${key}: unknown field (known: ${MATCH_KEYS.join(', ')})`);
    if (typeof v !== 'string' || v.trim() === '') return drop(`.match.${key}: expected a non-empty string, got ${shown(v)}`);
    resolvedMatch[key as (typeof MATCH_KEYS)[number]] = v;
  }
  if (Object.keys(resolvedMatch).length === 0) return drop('.match: empty; it needs itemId, category or titleContains');
  if (!(RULE_ACTIONS as readonly unknown[]).includes(action)) {
    return drop(`.action: expected ${RULE_ACTIONS.map((a) => `"${a}"`).join(', ')}, got ${shown(action)}`);
  }
  if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) {
    return drop(`.amount: expected a number ≥ 0, got ${shown(amount)}`);
  }
  let resolvedSurfaces = [...SURFACES];
  if (surfaces !== undefined) {
    if (!Array.isArray(surfaces) || surfaces.length === 0) return drop(`.surfaces: expected a non-empty array of surfaces, got ${shown(surfaces)}`);
    const bad = surfaces.find((s) => !isSurface(s));
    if (bad !== undefined) return drop(`.surfaces: unknown surface ${shown(bad)} (known: ${SURFACES.join(', ')})`);
    resolvedSurfaces = [...new Set(surfaces as Surface[])];
  }
  return { match: resolvedMatch, action: action as RuleAction, amount: (amount as number | undefined) ?? 1, surfaces: resolvedSurfaces };
}

/** More variants than this would leave each too few devices to say anything. */
export const MAX_VARIANTS = 16;
const VARIANT_KEYS = ['name', 'weight', 'fusion', 'diversity', 'surfaceOrder'];

/** The experiment, or undefined (with an error) when no usable variant is left. A bad variant is dropped whole. */
function readExperiment(value: unknown, errors: Errors): ResolvedExperiment | undefined {
  const off = (what: string) => {
    errors.push(`experiments${what}; no experiment run`);
    return undefined;
  };
  if (!isObject(value)) return off(`: expected an object with name and variants, got ${shown(value)}`);
  for (const key of Object.keys(value)) {
    if (!['name', 'variants', 'bandit'].includes(key)) errors.push(`experiments.${key}: unknown field, ignored`);
  }
  const { name, variants, bandit } = value;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 64) return off(`.name: expected a string of 1 to 64 characters, got ${shown(name)}`);
  if (!Array.isArray(variants) || variants.length === 0) return off(`.variants: expected a non-empty array, got ${shown(variants)}`);
  if (variants.length > MAX_VARIANTS) return off(`.variants: at most ${MAX_VARIANTS}, got ${variants.length}`);
  let resolvedBandit = false;
  if (bandit !== undefined) {
    if (typeof bandit === 'boolean') resolvedBandit = bandit;
    else errors.push(`experiments.bandit: expected true or false, got ${shown(bandit)}; using false`);
  }
  const out: ResolvedVariant[] = [];
  variants.forEach((raw, i) => {
    const v = readVariant(raw, `experiments.variants[${i}]`, errors);
    if (!v) return;
    if (out.some((o) => o.name === v.name)) errors.push(`experiments.variants[${i}].name: "${v.name}" is used twice; variant ignored`);
    else out.push(v);
  });
  if (out.length === 0) return off('.variants: none is usable');
  if (!resolvedBandit && out.every((v) => v.weight === 0)) return off('.variants: every weight is 0');
  return { name, variants: out, bandit: resolvedBandit };
}

function readVariant(raw: unknown, path: string, errors: Errors): ResolvedVariant | undefined {
  const drop = (what: string) => {
    errors.push(`${path}${what}; variant ignored`);
    return undefined;
  };
  if (!isObject(raw)) return drop(`: expected an object, got ${shown(raw)}`);
  for (const key of Object.keys(raw)) if (!VARIANT_KEYS.includes(key)) return drop(`.${key}: unknown field (known: ${VARIANT_KEYS.join(', ')})`);
  const { name, weight, fusion, diversity, surfaceOrder } = raw;
  if (typeof name !== 'string' || !VARIANT_NAME.test(name)) return drop(`.name: expected 1-32 characters of a-z, 0-9 and "-", got ${shown(name)}`);
  const v: ResolvedVariant = { name, weight: 1 };
  if (weight !== undefined) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) return drop(`.weight: expected a number ≥ 0, got ${shown(weight)}`);
    v.weight = weight;
  }
  if (fusion !== undefined) {
    if (!isObject(fusion)) return drop(`.fusion: expected an object of signal weights, got ${shown(fusion)}`);
    const f: Partial<FusionWeights> = {};
    for (const [signal, w] of Object.entries(fusion)) {
      if (!(SIGNAL_NAMES as readonly string[]).includes(signal)) return drop(`.fusion.${signal}: unknown signal (known: ${SIGNAL_NAMES.join(', ')})`);
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) return drop(`.fusion.${signal}: expected a number ≥ 0, got ${shown(w)}`);
      f[signal as keyof FusionWeights] = w;
    }
    v.fusion = f;
  }
  if (diversity !== undefined) {
    if (typeof diversity !== 'number' || !(diversity >= 0 && diversity <= 1)) return drop(`.diversity: expected a number from 0 to 1, got ${shown(diversity)}`);
    v.diversity = diversity;
  }
  if (surfaceOrder !== undefined) {
    if (!Array.isArray(surfaceOrder) || surfaceOrder.length === 0) return drop(`.surfaceOrder: expected a non-empty array of surfaces, got ${shown(surfaceOrder)}`);
    const bad = surfaceOrder.find((s) => !isSurface(s));
    if (bad !== undefined) return drop(`.surfaceOrder: unknown surface ${shown(bad)} (known: ${SURFACES.join(', ')})`);
    v.surfaceOrder = [...new Set(surfaceOrder as Surface[])];
  }
  return v;
}

/** Reports are sent only to an http(s) URL; a bad ε falls back to the default (never to a weaker one). */
function readReports(value: unknown, errors: Errors): { url: string; epsilon?: number } | undefined {
  if (!isObject(value)) {
    errors.push(`reports: expected an object with url, got ${shown(value)}; reports off`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!['url', 'epsilon'].includes(key)) errors.push(`reports.${key}: unknown field, ignored`);
  }
  const { url, epsilon } = value;
  let protocol = '';
  try {
    // Relative URLs are resolved by the engine against the shop's origin.
    protocol = typeof url === 'string' && url !== '' ? new URL(url, 'https://shop.invalid/').protocol : '';
  } catch {
    protocol = '';
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    errors.push(`reports.url: expected an http(s) URL, got ${shown(url)}; reports off`);
    return undefined;
  }
  const out: { url: string; epsilon?: number } = { url: url as string };
  if (epsilon !== undefined) {
    if (typeof epsilon === 'number' && isAllowedEpsilon(epsilon)) out.epsilon = epsilon;
    else errors.push(`reports.epsilon: expected a multiple of 0.05 from 0.1 to 2 (per bit), got ${shown(epsilon)}; using the default`);
  }
  return out;
}
