/**
 * The lists a returning shopper saw last, kept beside their log (issue 12). A returning visit's
 * first carousels show them as soon as the history is read, while the manifest, the rules, the
 * catalogue and the model load; the engine then computes the lists itself and the page swaps them
 * in (the same lists unless the shop published something new meanwhile).
 *
 * A kept list is used only for the history it was computed from (the same events and removed
 * interests, not paused) and, once the manifest and the rules are in, only for the same model
 * version and rules too. Before they are in, the list is exactly what the shopper saw last time
 * for this history; a new model or new rules replace it within the same load. Only the home
 * surfaces without an anchor are kept.
 */
import type { ResolvedMerchantConfig } from '../shared/merchant-config';
import type { RecommendationList, RecommendRequest, Surface } from '../shared/protocol';

export const META_KEPT = 'kept-lists';

const KEPT_SURFACES: readonly Surface[] = ['for-you', 'recently-viewed', 'trending'];

export interface KeptLists {
  /** `basisOf` the history alone. */
  history: string;
  /** `basisOf` the history, the model version and the rules. */
  basis: string;
  lists: Record<string, RecommendationList>;
}

/** What a list was computed from (see `basisOf`). */
export interface ListBasis {
  events: number;
  /** The newest event, as stored. */
  last: unknown;
  removed: Record<string, number>;
  /** The manifest's version, date and item ids (`modelVersion`) and the resolved rules, once known. */
  model?: string;
  rules?: ResolvedMerchantConfig;
}

/**
 * The model a list was computed with: version and date, and the digest of its item ids. A rebuild
 * with `SOURCE_DATE_EPOCH` fixed keeps the version and date while products came and went; the
 * ids' digest tells it apart, so a kept list naming a removed product is not used once its
 * manifest is in.
 */
export function modelVersion(manifest: { version?: unknown; createdAt?: unknown; files?: { itemIds?: { sha256?: unknown } }; partitions?: { index?: { sha256?: unknown } } }): string {
  // A partitioned model's index lists every part's digest: it changes with any item.
  return `${String(manifest.version)} ${String(manifest.createdAt)} ${String(manifest.files?.itemIds?.sha256 ?? manifest.partitions?.index?.sha256)}`;
}

/** The key a request is kept under, or undefined for a request that is not kept. */
export function keptKey(req: RecommendRequest): string | undefined {
  if (!KEPT_SURFACES.includes(req.surface) || req.itemId || req.cartItemIds?.length || req.interest !== undefined) return undefined;
  return `${req.surface}:${req.k ?? 10}`;
}

/** A short fingerprint of a basis (53-bit cyrb53 of its JSON, twice with different seeds). */
export function basisOf(basis: ListBasis): string {
  const text = JSON.stringify(basis);
  return `${cyrb53(text, 1).toString(36)}.${cyrb53(text, 2).toString(36)}`;
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Reads a stored value defensively: anything malformed is no kept lists at all. */
export function asKeptLists(value: unknown): KeptLists | undefined {
  const v = value as Partial<KeptLists> | undefined;
  return v && typeof v.basis === 'string' && typeof v.history === 'string' && typeof v.lists === 'object' && v.lists !== null
    ? { history: v.history, basis: v.basis, lists: v.lists }
    : undefined;
}
