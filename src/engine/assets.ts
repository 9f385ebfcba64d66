/**
 * Start-up assets: how the engine fetches and keeps the catalogue, the rules and the model's
 * parts. The only network access the engine has: GETs. Files the manifest lists are
 * content-addressed (their sha256 is known), so a copy kept in Cache Storage serves them with no
 * request at all; a new model version fetches only the files whose digest changed. Files with a
 * fixed name (manifest, catalogue, rules) go to the network first (the HTTP cache revalidates
 * them with their ETag) and fall back to the kept copy offline.
 */
import { sha256Hex, type FetchBytes } from '../model/load-model';

/** Cache Storage of the catalogue and model, so a returning shopper is served offline too. */
export const ASSET_CACHE = 'shelfwise-assets-v1';

interface CacheLike {
  put(url: string, response: Response): Promise<void>;
  match(url: string): Promise<Response | undefined>;
  delete(url: string | Request): Promise<boolean>;
  keys(): Promise<readonly Request[]>;
}

function assetCache(): Promise<CacheLike | undefined> {
  const storage = (globalThis as { caches?: { open(name: string): Promise<CacheLike> } }).caches;
  return storage ? storage.open(ASSET_CACHE).catch(() => undefined) : Promise.resolve(undefined);
}

/**
 * Fetches with GET, keeping copies in Cache Storage while `keep()` says so: before the shopper's
 * consent (`EngineConfig.consentRequired`) Cache Storage is neither opened, read nor written.
 */
export function createFetchBytes(keep: () => boolean): FetchBytes {
  return async (url, opts) => {
    const cache = keep() ? await assetCache() : undefined;
    if (opts?.sha256 && cache) {
      const kept = await cache.match(url).catch(() => undefined);
      if (kept) {
        const buf = await kept.arrayBuffer();
        if ((await sha256Hex(buf)) === opts.sha256) return buf;
        void cache.delete(url).catch(() => false); // a damaged copy: fetch it again
      }
    }
    try {
      // A file the page has just fetched (or is fetching) is taken from the HTTP cache as it is.
      const res = await fetch(url, { method: 'GET', credentials: 'same-origin', cache: opts?.pagePrefetched ? 'force-cache' : 'default' });
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
      // Kept in the background: the page never waits for the disk.
      if (cache) void cache.put(url, res.clone()).catch(() => undefined);
      return await res.arrayBuffer();
    } catch (err) {
      const kept = await cache?.match(url).catch(() => undefined);
      if (!kept) throw err;
      console.warn(`[shelfwise] ${url} could not be fetched (${err instanceof Error ? err.message : String(err)}); using the copy kept from an earlier visit`);
      return kept.arrayBuffer();
    }
  };
}

/**
 * Drops kept files of earlier model versions: everything under the model's folder that the
 * current manifest does not list (the manifest itself stays).
 */
export async function pruneAssetCache(manifestUrl: string, keep: readonly string[]): Promise<number> {
  const cache = await assetCache();
  if (!cache) return 0;
  const dir = new URL('./', manifestUrl).href;
  const kept = new Set([manifestUrl, ...keep]);
  let dropped = 0;
  for (const req of await cache.keys()) {
    if (req.url.startsWith(dir) && !kept.has(req.url) && (await cache.delete(req))) dropped++;
  }
  return dropped;
}

/** Erase: the kept catalogue and model say nothing about the shopper, but "erase" leaves nothing. */
export async function eraseAssetCache(): Promise<void> {
  await (globalThis as { caches?: { delete(name: string): Promise<boolean> } }).caches?.delete(ASSET_CACHE).catch(() => false);
}
