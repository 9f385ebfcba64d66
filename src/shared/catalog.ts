import type { CatalogItem, Price } from './protocol';

/** The catalogue file a storefront serves (`public/catalog.json` in the demo). */
export interface CatalogFile {
  format: 'shelfwise-catalog';
  version: 1;
  /** Where the catalogue came from, for people reading it. */
  source?: string;
  items: CatalogItem[];
}

/** Thrown for a catalogue that cannot be used; the message names what is wrong. */
export class CatalogError extends Error {
  override name = 'CatalogError';
}

const MAX_TITLE = 500;

/**
 * Checks a parsed catalogue and returns it typed. Rejects (with a message naming the first
 * offending item) anything that would make ids ambiguous or titles unrenderable.
 */
export function validateCatalog(data: unknown): CatalogFile {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CatalogError('catalogue: expected a JSON object with an "items" array');
  }
  const obj = data as Record<string, unknown>;
  if (obj.format !== 'shelfwise-catalog') {
    throw new CatalogError(`catalogue: "format" must be "shelfwise-catalog", got ${JSON.stringify(obj.format)}`);
  }
  if (!Array.isArray(obj.items)) throw new CatalogError('catalogue: "items" must be an array');
  if (obj.items.length === 0) throw new CatalogError('catalogue: "items" is empty');
  const seen = new Set<string>();
  const items: CatalogItem[] = [];
  obj.items.forEach((raw: unknown, i: number) => {
    if (typeof raw !== 'object' || raw === null) throw new CatalogError(`catalogue: item ${i} is not an object`);
    const it = raw as Record<string, unknown>;
    if (typeof it.id !== 'string' || it.id.length === 0) {
      throw new CatalogError(`catalogue: item ${i} has no string "id"`);
    }
    if (seen.has(it.id)) throw new CatalogError(`catalogue: duplicate id "${it.id}" (item ${i})`);
    seen.add(it.id);
    if (typeof it.title !== 'string' || it.title.trim().length === 0) {
      throw new CatalogError(`catalogue: item "${it.id}" has no "title"`);
    }
    if (it.category !== undefined && typeof it.category !== 'string') {
      throw new CatalogError(`catalogue: item "${it.id}" has a non-string "category"`);
    }
    if (it.available !== undefined && typeof it.available !== 'boolean') {
      throw new CatalogError(`catalogue: item "${it.id}" has a non-boolean "available"`);
    }
    const item: CatalogItem = { id: it.id, title: it.title.slice(0, MAX_TITLE) };
    if (typeof it.category === 'string') item.category = it.category;
    if (typeof it.available === 'boolean') item.available = it.available;
    for (const key of ['group', 'brand'] as const) {
      const v = it[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.length === 0) throw new CatalogError(`catalogue: item "${it.id}" has a non-string "${key}"`);
      item[key] = v.slice(0, MAX_TITLE);
    }
    for (const key of ['image', 'url'] as const) {
      const v = it[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !isWebLink(v)) {
        throw new CatalogError(`catalogue: item "${it.id}" has a "${key}" that is not an http(s) URL or a path: ${JSON.stringify(v)}`);
      }
      item[key] = v;
    }
    for (const key of ['price', 'salePrice'] as const) {
      if (it[key] === undefined) continue;
      item[key] = checkPrice(it[key], `item "${it.id}" "${key}"`);
    }
    items.push(item);
  });
  return { format: 'shelfwise-catalog', version: 1, source: typeof obj.source === 'string' ? obj.source : undefined, items };
}

/**
 * True for an absolute http(s) URL or a path on the page's origin (`/img/a.jpg`, `img/a.jpg`):
 * never `javascript:`, `data:` or another scheme, which a card must not load or link to.
 */
export function isWebLink(value: string): boolean {
  if (value.length === 0 || value.length > 2048 || /[\s<>"]/.test(value)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
  if (!scheme) return !value.startsWith('//');
  return /^https?$/i.test(scheme[1]) && /^https?:\/\/[^/]/i.test(value);
}

/** ISO 4217: three capital letters. */
export const CURRENCY = /^[A-Z]{3}$/;

function checkPrice(raw: unknown, what: string): Price {
  const p = raw as Partial<Price> | null;
  if (typeof p !== 'object' || p === null || typeof p.amount !== 'number' || !Number.isFinite(p.amount) || p.amount < 0) {
    throw new CatalogError(`catalogue: ${what} must be {"amount": a number ≥ 0, "currency": "USD"}`);
  }
  if (typeof p.currency !== 'string' || !CURRENCY.test(p.currency)) {
    throw new CatalogError(`catalogue: ${what} needs an ISO 4217 "currency" (e.g. "USD"), got ${JSON.stringify(p.currency)}`);
  }
  return { amount: p.amount, currency: p.currency };
}
