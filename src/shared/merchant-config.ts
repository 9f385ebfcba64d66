/**
 * The merchant's rules for the carousels, a small JSON file served beside the catalogue
 * (`/merchant.json` in the demo). A bad file must never break the shop: the validator keeps what
 * it can read, drops each bad part with a message naming where it is and what is wrong, and falls
 * back to the defaults for the rest.
 */

import { SURFACES, type Surface } from './protocol';

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
