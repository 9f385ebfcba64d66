/**
 * The widget's configuration: the data attributes of its own `<script>` tag (resolved against the
 * host page) and of each `<shelfwise-carousel>`. Pure functions without DOM types, so Node tests
 * cover them.
 */
import { DEFAULT_TCF_RULES, type TcfRules } from '../client/consent';
import { safeLink } from '../client/product-format';
import { BACKENDS, SURFACES, type BackendName, type CatalogItem, type EngineConfig, type RecommendRequest, type Surface } from '../shared/protocol';

/** What a merchant may put on the script tag (`data-catalog`, `data-model`, ...). */
export interface WidgetConfig {
  /** Absolute URL of the catalogue (the worker resolves relative URLs against its own location). */
  catalogUrl: string;
  /** Absolute URL of the model manifest. */
  modelUrl: string;
  /** Absolute URL of the merchant's rules (`data-merchant`); none: the defaults. */
  merchantUrl?: string;
  /**
   * The merchant's product link pattern (`data-product-url`); `{id}` is replaced by the URL-encoded
   * item id. It overrides the items' own `url`; without either, cards link to DEFAULT_PRODUCT_URL.
   */
  productUrl?: string;
  /** Forces a tfjs backend (QA, benchmarks); the engine chooses without it. */
  backend?: BackendName;
  /** `data-consent="required"`: nothing is stored until the shopper consents (see `src/client/consent.ts`). */
  consentRequired: boolean;
  /** How a TCF CMP's answer is read (`data-tcf-purposes`, `data-tcf-scope`, `data-tcf-vendors`). */
  tcf: TcfRules;
  /** Attributes that were set but could not be read, for the console. */
  problems: string[];
}

export const DEFAULT_CATALOG = '/catalog.json';
export const DEFAULT_MODEL = '/model/manifest.json';
export const DEFAULT_PRODUCT_URL = '?item={id}';
/** Cards per carousel without `limit=`, and the most `limit=` may ask for. */
export const DEFAULT_LIMIT = 8;
export const MAX_LIMIT = 24;

/** The subset of `DOMStringMap` the widget reads (`script.dataset`). */
export type ScriptData = Readonly<Record<string, string | undefined>>;

/**
 * Reads `data-catalog`, `data-model`, `data-merchant`, `data-product-url`, `data-backend`,
 * `data-consent` and `data-tcf-*`, resolved against `baseUri`.
 */
export function readConfig(data: ScriptData, baseUri: string): WidgetConfig {
  const problems: string[] = [];
  const config: WidgetConfig = {
    catalogUrl: new URL(data.catalog?.trim() || DEFAULT_CATALOG, baseUri).href,
    modelUrl: new URL(data.model?.trim() || DEFAULT_MODEL, baseUri).href,
    consentRequired: readConsent(data.consent, problems),
    tcf: readTcfRules(data, problems),
    problems,
  };
  if (data.productUrl?.includes('{id}')) config.productUrl = data.productUrl.trim();
  const merchant = data.merchant?.trim();
  if (merchant) config.merchantUrl = new URL(merchant, baseUri).href;
  const backend = data.backend?.trim();
  if (backend && (BACKENDS as readonly string[]).includes(backend)) config.backend = backend as BackendName;
  return config;
}

/** `data-consent`: "required" turns consent mode on; anything else but "not-required" is a mistake said aloud. */
function readConsent(value: string | undefined, problems: string[]): boolean {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'not-required') return false;
  if (v === 'required') return true;
  // Failing safe: a shop that wrote the attribute meant to ask for consent.
  problems.push(`data-consent="${value}" is not "required" or "not-required"; treated as "required"`);
  return true;
}

/** Whole numbers ≥ 1 from a space- or comma-separated list; `undefined` when the attribute is absent. */
function idList(name: string, value: string | undefined, problems: string[]): number[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parts = value.split(/[\s,]+/).filter(Boolean);
  const ids = parts.map(Number).filter((n) => Number.isInteger(n) && n >= 1);
  if (ids.length !== parts.length) problems.push(`${name}="${value}" should be whole numbers separated by spaces; read as "${ids.join(' ')}"`);
  return ids;
}

function readTcfRules(data: ScriptData, problems: string[]): TcfRules {
  const purposes = idList('data-tcf-purposes', data.tcfPurposes, problems);
  const vendors = idList('data-tcf-vendors', data.tcfVendors, problems) ?? [];
  const scopeValue = data.tcfScope?.trim();
  let scope = DEFAULT_TCF_RULES.scope;
  if (scopeValue === 'vendors' || scopeValue === 'publisher') scope = scopeValue;
  else if (scopeValue) problems.push(`data-tcf-scope="${scopeValue}" is not "vendors" or "publisher"; using "${scope}"`);
  // An empty purpose list would grant on any answer: the default purposes instead.
  return { purposes: purposes?.length ? purposes : DEFAULT_TCF_RULES.purposes, scope, vendors };
}

/**
 * The engine configuration the widget starts with: TensorFlow.js stays unloaded until the first
 * carousel is on screen (`deferBackend`), so the first, non-personal lists never wait for it.
 */
export function engineConfig(config: WidgetConfig): EngineConfig {
  const engine: EngineConfig = { catalogUrl: config.catalogUrl, modelUrl: config.modelUrl, deferBackend: true };
  if (config.backend) engine.backend = config.backend;
  if (config.merchantUrl) engine.merchantUrl = config.merchantUrl;
  return engine;
}

/**
 * The link of a product card. Only http(s) results are accepted: a pattern that would yield
 * `javascript:` or another scheme falls back to the default pattern.
 */
export function productHref(pattern: string, itemId: string, baseUri: string): string {
  const fill = (p: string) => new URL(p.replaceAll('{id}', encodeURIComponent(itemId)), baseUri);
  const url = fill(pattern);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : fill(DEFAULT_PRODUCT_URL).href;
}

/**
 * The link of an item's card: the merchant's `data-product-url` pattern when set, else the item's
 * own `url` from the catalogue when it is http(s) or a path (resolved against the page), else
 * DEFAULT_PRODUCT_URL.
 */
export function cardHref(pattern: string | undefined, item: Pick<CatalogItem, 'id' | 'url'>, baseUri: string): string {
  if (pattern) return productHref(pattern, item.id, baseUri);
  const own = safeLink(item.url);
  if (own) {
    try {
      const url = new URL(own, baseUri);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // Not a URL after all: the default link below.
    }
  }
  return productHref(DEFAULT_PRODUCT_URL, item.id, baseUri);
}

/** The request a carousel's attributes describe, or an error message if they are not valid. */
export function carouselRequest(attrs: { surface: string | null; limit: string | null; item: string | null; cartItems: string | null }): RecommendRequest | string {
  const surface = attrs.surface?.trim() ?? '';
  if (!(SURFACES as readonly string[]).includes(surface)) {
    return `<shelfwise-carousel> needs surface= one of ${SURFACES.join(', ')} (got "${surface}")`;
  }
  const limit = Number.parseInt(attrs.limit ?? '', 10);
  const req: RecommendRequest = { surface: surface as Surface, k: Number.isFinite(limit) ? Math.max(1, Math.min(limit, MAX_LIMIT)) : DEFAULT_LIMIT };
  const item = attrs.item?.trim();
  if (item) req.itemId = item;
  const cart = attrs.cartItems?.split(/\s+/).filter(Boolean);
  if (cart?.length) req.cartItemIds = cart;
  if ((req.surface === 'because-you-viewed' || req.surface === 'bought-together') && !req.itemId && !req.cartItemIds) {
    return `<shelfwise-carousel surface="${req.surface}"> needs an item= attribute`;
  }
  return req;
}

