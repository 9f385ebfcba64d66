/**
 * The lists a returning shopper saw last, kept beside their log (issue 12). A returning visit's
 * first carousels show them as soon as the history, the manifest and the rules are read, while
 * the catalogue and the model load from the device's cache; the engine then computes the lists
 * again and the page swaps them in (the same lists unless the catalogue changed meanwhile).
 *
 * A kept list is used only for the basis it was computed from: the same events, removed
 * interests, model version and merchant rules. Until the manifest and the rules have been
 * revalidated over the network (a round trip or two on a phone), the copies of them kept from the
 * last visit stand in: the list is then exactly what the shopper saw last time, and if the shop
 * published a new model or new rules meanwhile, the engine's own lists replace it once loaded.
 * (A bandit experiment may pick another variant for a new session; its lists follow the same way.)
 * Only the home surfaces without an anchor are kept.
 */
import { validateMerchantConfig, type ResolvedMerchantConfig } from '../shared/merchant-config';
import type { RecommendationList, RecommendRequest, Surface } from '../shared/protocol';

export const META_KEPT = 'kept-lists';

const KEPT_SURFACES: readonly Surface[] = ['for-you', 'recently-viewed', 'trending'];

export interface KeptLists {
  basis: string;
  lists: Record<string, RecommendationList>;
}

/** What a list was computed from (see `basisOf`). */
export interface ListBasis {
  /** The manifest's version and date (`modelVersion`). */
  model: string;
  events: number;
  /** The newest event, as stored. */
  last: unknown;
  removed: Record<string, number>;
  rules: ResolvedMerchantConfig;
}

export function modelVersion(manifest: { version?: unknown; createdAt?: unknown }): string {
  return `${String(manifest.version)} ${String(manifest.createdAt)}`;
}

/**
 * The model version and resolved rules of the copies kept from the last visit (Cache Storage,
 * read by `read`), before the network has answered; undefined if either is missing or unreadable.
 */
export async function keptFiles(
  read: (url: string) => Promise<ArrayBuffer | undefined>,
  manifestUrl: string,
  rulesUrl: string | undefined,
): Promise<{ model: string; rules: ResolvedMerchantConfig | undefined } | undefined> {
  const json = async (url: string) => {
    const bytes = await read(url);
    return bytes && (JSON.parse(new TextDecoder().decode(bytes)) as unknown);
  };
  try {
    const [manifest, rules] = await Promise.all([json(manifestUrl), rulesUrl ? json(rulesUrl) : undefined]);
    if (typeof manifest !== 'object' || manifest === null || (rulesUrl && rules === undefined)) return undefined;
    return { model: modelVersion(manifest), rules: rulesUrl ? validateMerchantConfig(rules).config : undefined };
  } catch {
    return undefined;
  }
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
  return v && typeof v.basis === 'string' && typeof v.lists === 'object' && v.lists !== null ? { basis: v.basis, lists: v.lists } : undefined;
}
