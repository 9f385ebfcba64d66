import { describe, expect, it } from 'vitest';
import { defaultMerchantConfig, validateMerchantConfig } from '../../src/shared/merchant-config';
import { validateCatalog, CatalogError } from '../../src/shared/catalog';
import { SURFACES } from '../../src/shared/protocol';

const ok = (x: unknown) => {
  const r = validateMerchantConfig(x);
  expect(r.errors).toEqual([]);
  return r.config;
};

/** Every error is prefixed and names a path; the config is the defaults apart from `expected`. */
const bad = (x: unknown, pattern: RegExp) => {
  const r = validateMerchantConfig(x);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toMatch(/^merchant config: /);
  expect(r.errors[0]).toMatch(pattern);
  return r.config;
};

describe('validateMerchantConfig: good input', () => {
  it('defaults: purchased items excluded everywhere but recently-viewed, 1..20 items, no rules', () => {
    const c = ok({ version: 1 });
    expect(c).toEqual(defaultMerchantConfig());
    for (const s of SURFACES) expect(c.excludePurchased[s]).toBe(s !== 'recently-viewed');
    expect(c.minItems).toBe(1);
    expect(c.maxItems).toBe(20);
    expect(c.rules).toEqual([]);
  });

  it('reads a full config and fills rule defaults', () => {
    const c = ok({
      version: 1,
      excludePurchased: { 'for-you': false },
      minItems: 3,
      maxItems: 8,
      rules: [
        { match: { itemId: 'A1' }, action: 'pin', surfaces: ['for-you', 'trending'] },
        { match: { category: 'Nintendo DS', titleContains: 'mario' }, action: 'boost', amount: 2.5 },
        { match: { titleContains: 'guide' }, action: 'bury' },
      ],
    });
    expect(c.excludePurchased['for-you']).toBe(false);
    expect(c.excludePurchased.trending).toBe(true);
    expect(c.excludePurchased['recently-viewed']).toBe(false);
    expect([c.minItems, c.maxItems]).toEqual([3, 8]);
    expect(c.rules).toEqual([
      { match: { itemId: 'A1' }, action: 'pin', amount: 1, surfaces: ['for-you', 'trending'] },
      { match: { category: 'Nintendo DS', titleContains: 'mario' }, action: 'boost', amount: 2.5, surfaces: [...SURFACES] },
      { match: { titleContains: 'guide' }, action: 'bury', amount: 1, surfaces: [...SURFACES] },
    ]);
  });

  it('excludePurchased: a boolean sets every surface', () => {
    for (const v of [true, false]) {
      const c = ok({ version: 1, excludePurchased: v });
      for (const s of SURFACES) expect(c.excludePurchased[s]).toBe(v);
    }
  });

  it('the result is plain data (structured-cloneable)', () => {
    const c = ok({ version: 1, rules: [{ match: { itemId: 'x' }, action: 'pin' }] });
    expect(structuredClone(c)).toEqual(c);
  });
});

describe('validateMerchantConfig: bad input gives clear errors and the defaults', () => {
  it.each([
    [null, /expected a JSON object, got null; using the defaults/],
    ['{"version":1}', /expected a JSON object, got string/],
    [[1, 2], /expected a JSON object, got an array/],
    [42, /expected a JSON object, got number 42/],
    [undefined, /expected a JSON object, got nothing/],
    [{ version: 2, maxItems: 5 }, /version: this build reads version 1, got number 2; using the defaults/],
    [{ version: '1' }, /version: .*got string "1"/],
  ])('%j', (x, pattern) => {
    expect(bad(x, pattern)).toEqual(defaultMerchantConfig());
  });

  it('missing version: reads it as version 1, with an error', () => {
    expect(bad({ maxItems: 5 }, /version: missing/).maxItems).toBe(5);
  });

  it('unknown top-level field is reported and ignored', () => {
    expect(bad({ version: 1, maxitems: 5 }, /maxitems: unknown field, ignored/)).toEqual(defaultMerchantConfig());
  });

  it.each([
    [{ minItems: -1 }, /minItems: expected a whole number from 0 to 100, got number -1/],
    [{ minItems: 1.5 }, /minItems: .*got number 1.5/],
    [{ maxItems: 0 }, /maxItems: expected a whole number from 1 to 100, got number 0/],
    [{ maxItems: 1000 }, /maxItems: .*got number 1000/],
    [{ maxItems: '10' }, /maxItems: .*got string "10"; using the default/],
    [{ maxItems: null }, /maxItems: .*got null/],
  ])('counts: %j', (part, pattern) => {
    expect(bad({ version: 1, ...part }, pattern)).toEqual(defaultMerchantConfig());
  });

  it('minItems above maxItems: minItems falls back to 1, maxItems kept', () => {
    const c = bad({ version: 1, minItems: 10, maxItems: 5 }, /minItems: 10 is more than maxItems 5; using minItems 1/);
    expect([c.minItems, c.maxItems]).toEqual([1, 5]);
  });

  it.each([
    [{ excludePurchased: 'yes' }, /excludePurchased: expected true, false or an object of surfaces, got string "yes"/],
    [{ excludePurchased: { 'for-yuo': false } }, /excludePurchased.for-yuo: unknown surface \(known: for-you,/],
    [{ excludePurchased: { trending: 0 } }, /excludePurchased.trending: expected true or false, got number 0/],
  ])('excludePurchased: %j', (part, pattern) => {
    expect(bad({ version: 1, ...part }, pattern)).toEqual(defaultMerchantConfig());
  });

  it('excludePurchased: a bad surface entry does not spoil the good ones', () => {
    const c = bad({ version: 1, excludePurchased: { trending: false, nope: true } }, /excludePurchased.nope/);
    expect(c.excludePurchased.trending).toBe(false);
    expect(c.excludePurchased['for-you']).toBe(true);
  });

  it('rules not an array', () => {
    expect(bad({ version: 1, rules: { action: 'pin' } }, /rules: expected an array, got object/).rules).toEqual([]);
  });

  it.each([
    ['not an object', 'pin', /rules\[0\]: expected an object, got string "pin"; rule ignored/],
    ['unknown rule field', { match: { itemId: 'a' }, action: 'pin', weight: 3 }, /rules\[0\]\.weight: unknown field; rule ignored/],
    ['no match', { action: 'pin' }, /rules\[0\]\.match: expected an object .* got nothing/],
    ['empty match', { match: {}, action: 'pin' }, /rules\[0\]\.match: empty/],
    ['unknown match field', { match: { itemId: 'a', brand: 'x' }, action: 'bury' }, /rules\[0\]\.match\.brand: unknown field/],
    ['non-string match', { match: { itemId: 7 }, action: 'pin' }, /rules\[0\]\.match\.itemId: expected a non-empty string, got number 7/],
    ['blank match', { match: { category: '  ' }, action: 'pin' }, /rules\[0\]\.match\.category: expected a non-empty string/],
    ['bad action', { match: { itemId: 'a' }, action: 'promote' }, /rules\[0\]\.action: expected "pin", "boost", "bury", got string "promote"/],
    ['negative amount', { match: { itemId: 'a' }, action: 'boost', amount: -2 }, /rules\[0\]\.amount: expected a number ≥ 0, got number -2/],
    ['string amount', { match: { itemId: 'a' }, action: 'boost', amount: '2' }, /rules\[0\]\.amount: .*got string "2"/],
    ['unknown surface', { match: { itemId: 'a' }, action: 'pin', surfaces: ['for-you', 'home'] }, /rules\[0\]\.surfaces: unknown surface string "home"/],
    ['empty surfaces', { match: { itemId: 'a' }, action: 'pin', surfaces: [] }, /rules\[0\]\.surfaces: expected a non-empty array/],
    ['surfaces not array', { match: { itemId: 'a' }, action: 'pin', surfaces: 'for-you' }, /rules\[0\]\.surfaces: .*got string "for-you"/],
  ])('a bad rule is dropped whole: %s', (_, rule, pattern) => {
    expect(bad({ version: 1, rules: [rule] }, pattern).rules).toEqual([]);
  });

  it('good rules beside a bad one still apply, and errors name the right index', () => {
    const r = validateMerchantConfig({
      version: 1,
      rules: [{ match: { itemId: 'a' }, action: 'pin' }, { match: { itemId: 'b' }, action: 'zap' }, { match: { itemId: 'c' }, action: 'bury' }],
    });
    expect(r.errors).toEqual([expect.stringMatching(/^merchant config: rules\[1\]\.action/)]);
    expect(r.config.rules.map((x) => x.match.itemId)).toEqual(['a', 'c']);
  });

  it('collects several errors in one pass', () => {
    const r = validateMerchantConfig({ version: 1, minItems: 'x', maxItems: -3, rules: [1], extra: true });
    expect(r.errors).toHaveLength(4);
    expect(r.config).toEqual(defaultMerchantConfig());
  });

  it('never throws, whatever the input', () => {
    const weird: unknown[] = [Object.create(null), { version: 1, rules: [null, [], { match: null }] }, { version: 1, __proto__: { x: 1 } }, { version: 1, toString: 5 }];
    for (const x of weird) expect(() => validateMerchantConfig(x)).not.toThrow();
  });
});

describe('catalogue: available', () => {
  const catalog = (extra: Record<string, unknown>) => ({ format: 'shelfwise-catalog', version: 1, items: [{ id: 'a', title: 'A', ...extra }] });

  it('keeps a boolean "available" and leaves it out when absent', () => {
    expect(validateCatalog(catalog({ available: false })).items[0].available).toBe(false);
    expect(validateCatalog(catalog({ available: true })).items[0].available).toBe(true);
    expect('available' in validateCatalog(catalog({})).items[0]).toBe(false);
  });

  it('rejects a non-boolean "available" naming the item', () => {
    expect(() => validateCatalog(catalog({ available: 'no' }))).toThrow(CatalogError);
    expect(() => validateCatalog(catalog({ available: 'no' }))).toThrow(/item "a" has a non-boolean "available"/);
  });
});

describe('experiments and reports (issue 8)', () => {
  const variants = [
    { name: 'control' },
    { name: 'fusion-b', weight: 2, fusion: { popularity: 0.5, cf: 2 }, diversity: 0.6, surfaceOrder: ['trending', 'for-you', 'trending'] },
  ];

  it('reads an experiment, filling weight 1 and bandit false; reports are off unless present', () => {
    const c = ok({ version: 1, experiments: { name: 'summer', variants } });
    expect(c.experiments).toEqual({
      name: 'summer',
      bandit: false,
      variants: [
        { name: 'control', weight: 1 },
        { name: 'fusion-b', weight: 2, fusion: { popularity: 0.5, cf: 2 }, diversity: 0.6, surfaceOrder: ['trending', 'for-you'] },
      ],
    });
    expect(c.reports).toBeUndefined();
    expect(defaultMerchantConfig().experiments).toBeUndefined();
    expect(structuredClone(c)).toEqual(c);
  });

  it('reads reports, with ε left to the engine unless given on the grid', () => {
    expect(ok({ version: 1, reports: { url: 'https://collector.example/report' } }).reports).toEqual({ url: 'https://collector.example/report' });
    expect(ok({ version: 1, reports: { url: '/report', epsilon: 0.5 } }).reports).toEqual({ url: '/report', epsilon: 0.5 });
    expect(ok({ version: 1, experiments: { name: 'b', bandit: true, variants: [{ name: 'a', weight: 0 }] } }).experiments?.bandit).toBe(true);
  });

  it.each([
    ['not an object', [1], /experiments: expected an object with name and variants, got an array; no experiment run/],
    ['no name', { variants }, /experiments\.name: expected a string of 1 to 64 characters, got nothing/],
    ['no variants', { name: 'x', variants: [] }, /experiments\.variants: expected a non-empty array, got an array/],
    ['too many', { name: 'x', variants: Array.from({ length: 17 }, (_, i) => ({ name: `v${i}` })) }, /experiments\.variants: at most 16, got 17/],
    ['all weights 0', { name: 'x', variants: [{ name: 'a', weight: 0 }] }, /experiments\.variants: every weight is 0/],
  ])('a bad experiment is not run: %s', (_, experiments, pattern) => {
    expect(bad({ version: 1, experiments }, pattern).experiments).toBeUndefined();
  });

  it.each([
    ['bad name', { name: 'Fusion B' }, /experiments\.variants\[1\]\.name: expected 1-32 characters of a-z, 0-9 and "-", got string "Fusion B"; variant ignored/],
    ['unknown field', { name: 'b', colour: 'red' }, /experiments\.variants\[1\]\.colour: unknown field/],
    ['negative weight', { name: 'b', weight: -1 }, /experiments\.variants\[1\]\.weight: expected a number ≥ 0, got number -1/],
    ['unknown signal', { name: 'b', fusion: { magic: 1 } }, /experiments\.variants\[1\]\.fusion\.magic: unknown signal \(known: cf,/],
    ['bad signal weight', { name: 'b', fusion: { cf: 'high' } }, /experiments\.variants\[1\]\.fusion\.cf: expected a number ≥ 0, got string "high"/],
    ['diversity out of range', { name: 'b', diversity: 1.5 }, /experiments\.variants\[1\]\.diversity: expected a number from 0 to 1, got number 1.5/],
    ['unknown surface', { name: 'b', surfaceOrder: ['home'] }, /experiments\.variants\[1\]\.surfaceOrder: unknown surface string "home"/],
    ['duplicate name', { name: 'a' }, /experiments\.variants\[1\]\.name: "a" is used twice; variant ignored/],
  ])('a bad variant is dropped whole, the others run: %s', (_, variant, pattern) => {
    const c = bad({ version: 1, experiments: { name: 'x', variants: [{ name: 'a' }, variant] } }, pattern);
    expect(c.experiments?.variants.map((v) => v.name)).toEqual(['a']);
  });

  it.each([
    ['not an object', true, /reports: expected an object with url, got boolean true; reports off/],
    ['no url', {}, /reports\.url: expected an http\(s\) URL, got nothing; reports off/],
    ['not http', { url: 'javascript:alert(1)' }, /reports\.url: expected an http\(s\) URL, got string "javascript:alert\(1\)"; reports off/],
  ])('bad reports are off: %s', (_, reports, pattern) => {
    expect(bad({ version: 1, reports }, pattern).reports).toBeUndefined();
  });

  it.each([[5], [0.07], [0], ['1']])('an ε off the grid (%j) falls back to the default, with an error', (epsilon) => {
    const c = bad({ version: 1, reports: { url: 'https://c.example/report', epsilon } }, /reports\.epsilon: expected a multiple of 0.05 from 0.1 to 2/);
    expect(c.reports).toEqual({ url: 'https://c.example/report' });
  });

  it('bandit not a boolean, and unknown experiment or report fields, are reported and ignored', () => {
    const r = validateMerchantConfig({ version: 1, experiments: { name: 'x', variants: [{ name: 'a' }], bandit: 'yes', seed: 4 }, reports: { url: '/r', every: 'hour' } });
    expect(r.errors).toEqual([
      'merchant config: experiments.seed: unknown field, ignored',
      'merchant config: experiments.bandit: expected true or false, got string "yes"; using false',
      'merchant config: reports.every: unknown field, ignored',
    ]);
    expect(r.config.experiments?.bandit).toBe(false);
    expect(r.config.reports).toEqual({ url: '/r' });
  });

  it('never throws on odd experiments', () => {
    for (const experiments of [null, { name: 'x', variants: [null, 1, 'a', [], { name: 'ok', fusion: null, surfaceOrder: {} }] }, { name: 'x', variants: { length: 2 } }]) {
      expect(() => validateMerchantConfig({ version: 1, experiments, reports: { url: 12 } })).not.toThrow();
    }
  });
});
