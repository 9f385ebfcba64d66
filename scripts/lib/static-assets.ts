/**
 * Served the way it is measured (issue 12): compressed files and caching headers that let a
 * returning shopper skip every unchanged byte, for the dev server, the preview server and the
 * benchmark alike. One Vite plugin, `staticAssets()`:
 *
 *   - at build, writes precompressed siblings `X.br` (brotli quality 11) and `X.gz` (gzip -9)
 *     next to every compressible file of the output folder (the storefront build's copy of
 *     public/ too: catalogue, model), when the compressed file is under 90% of the original;
 *     files under 1 kB are left alone;
 *   - in `vite preview`, serves every file of the output folder; in `vite` (dev), the files of
 *     public/ (the dev server's own modules are left to it), compressed in memory once per
 *     file version since public/ has no siblings. Each response picks `X.br` when the request's
 *     Accept-Encoding allows br, else `X.gz` when it allows gzip, else `X`, and says so:
 *     Content-Encoding, `Vary: Accept-Encoding`, Content-Type, Content-Length, and
 *       - content-hashed names (Vite's `assets/<name>-<hash8>.<ext>`, the model's
 *         `<name>.<sha256:12>.<ext>`): `Cache-Control: public, max-age=31536000, immutable`;
 *       - every other file (index.html, catalog.json, model/manifest.json, shelfwise.js…):
 *         `Cache-Control: no-cache`, revalidated by a strong ETag (sha256 of the bytes sent, so
 *         one per encoding, and unchanged by a rebuild that changes nothing), and answered
 *         304 without a body when `If-None-Match` matches.
 *     Range requests, unknown file types and everything else pass through to Vite untouched.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, promises as fsp, readdirSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress as brotliCb, constants as zlib, gzip as gzipCb } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

const brotliCompress = promisify(brotliCb);
const gzipCompress = promisify(gzipCb);

/** Files smaller than this are sent as they are: compression would save less than a packet. */
export const MIN_COMPRESS_BYTES = 1024;
/** A compressed sibling is kept only when it is smaller than this share of the original. */
export const MAX_COMPRESSED_RATIO = 0.9;
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export type Encoding = 'br' | 'gzip';
/** The file name suffix of each encoding's precompressed sibling. */
export const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

const TEXT = 'charset=utf-8';
/** Content types of the files this module serves; any other file is left to Vite. */
const TYPES: Record<string, string> = {
  '.html': `text/html; ${TEXT}`,
  '.htm': `text/html; ${TEXT}`,
  '.js': `text/javascript; ${TEXT}`,
  '.mjs': `text/javascript; ${TEXT}`,
  '.cjs': `text/javascript; ${TEXT}`,
  '.css': `text/css; ${TEXT}`,
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  // Browsers compile wasm while it streams in only when it is served as application/wasm.
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.txt': `text/plain; ${TEXT}`,
  '.md': `text/markdown; ${TEXT}`,
  '.csv': `text/csv; ${TEXT}`,
  '.tsv': `text/tab-separated-values; ${TEXT}`,
  '.xml': 'application/xml',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
/** Types worth compressing (images and woff fonts are compressed formats already). */
const COMPRESSIBLE = new Set(['.html', '.htm', '.js', '.mjs', '.cjs', '.css', '.json', '.map', '.webmanifest', '.wasm', '.bin', '.svg', '.txt', '.md', '.csv', '.tsv', '.xml', '.ico', '.ttf', '.otf']);
const TEXT_MODE = new Set(['.html', '.htm', '.js', '.mjs', '.cjs', '.css', '.json', '.map', '.webmanifest', '.svg', '.txt', '.md', '.csv', '.tsv', '.xml']);

export function contentType(path: string): string | undefined {
  return TYPES[extname(path).toLowerCase()];
}

export function isCompressible(path: string): boolean {
  return COMPRESSIBLE.has(extname(path).toLowerCase());
}

/** A precompressed sibling (`X.br`, `X.gz`), not a file of its own. */
export function isSibling(path: string): boolean {
  return path.endsWith('.br') || path.endsWith('.gz');
}

/**
 * Vite's hashed output names: `assets/<name>-<hash>.<ext>`, the hash 8 characters of
 * [A-Za-z0-9_-]. A hash of only lowercase letters is not taken for one (a name such as
 * `assets/widget-examples.js` is not hashed; a real hash is all lowercase letters about once in
 * 1,500 files, and is then merely revalidated).
 */
const VITE_HASHED = /(?:^|\/)assets\/(?:[^/]*\/)*[^/]+-(?=[A-Za-z0-9_-]{8}\.)(?![a-z]{8}\.)[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$/;
/** The model's names: `<name>.<first 12 hex digits of the sha256>.<ext>`. */
const SHA_HASHED = /(?:^|\/)[^/]+\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;

/** Whether a `/`-separated path (relative to the served folder) names a content-hashed file. */
export function isContentHashed(path: string): boolean {
  const p = path.replace(/^\/+/, '');
  return VITE_HASHED.test(p) || SHA_HASHED.test(p);
}

export function cacheControl(path: string): string {
  return isContentHashed(path) ? IMMUTABLE : REVALIDATE;
}

/**
 * The encodings a request's Accept-Encoding allows, best first: by q-value, br before gzip when
 * equal. `*` stands for any coding not named; `q=0` refuses one. No header: none.
 */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const q = new Map<string, number>();
  for (const part of value.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (c: Encoding) => q.get(c) ?? q.get('*') ?? 0;
  return (['br', 'gzip'] as const).filter((c) => weightOf(c) > 0).sort((a, b) => weightOf(b) - weightOf(a));
}

// ---------------------------------------------------------------------------------------------
// Compression

export function compress(content: Buffer, encoding: Encoding, path = ''): Promise<Buffer> {
  if (encoding === 'gzip') return gzipCompress(content, { level: 9 });
  return brotliCompress(content, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: 11,
      [zlib.BROTLI_PARAM_SIZE_HINT]: content.length,
      [zlib.BROTLI_PARAM_MODE]: TEXT_MODE.has(extname(path).toLowerCase()) ? zlib.BROTLI_MODE_TEXT : zlib.BROTLI_MODE_GENERIC,
    },
  });
}

/** The compressed bytes when they are worth sending instead of `content`, else null. */
export async function worthCompressing(content: Buffer, encoding: Encoding, path = ''): Promise<Buffer | null> {
  if (content.length < MIN_COMPRESS_BYTES) return null;
  const packed = await compress(content, encoding, path);
  return packed.length < content.length * MAX_COMPRESSED_RATIO ? packed : null;
}

/**
 * Where gzip -9 keeps more than this share of a file, brotli is not tried (its slowest level
 * costs seconds per MB): on high-entropy data (quantised weights, random bytes) it gains a few
 * per cent on gzip, not the 10% a sibling needs. The model's int8 embeddings: gzip 95.6%, brotli 95.3%.
 */
export const BROTLI_SKIP_GZIP_RATIO = 0.95;

/** Both compressed forms of `content`, each only when worth sending (see `worthCompressing`). */
export async function compressBoth(content: Buffer, path = ''): Promise<Record<Encoding, Buffer | null>> {
  if (content.length < MIN_COMPRESS_BYTES) return { gzip: null, br: null };
  const gzipped = await compress(content, 'gzip', path);
  const br = gzipped.length > content.length * BROTLI_SKIP_GZIP_RATIO ? null : await worthCompressing(content, 'br', path);
  return { gzip: gzipped.length < content.length * MAX_COMPRESSED_RATIO ? gzipped : null, br };
}

export interface PrecompressedFile {
  /** Path relative to the folder, `/`-separated. */
  file: string;
  bytes: number;
  /** Sizes of the siblings written (or found up to date); absent when not worth it. */
  gzip?: number;
  br?: number;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
  return out;
}

/**
 * Writes `X.br` and `X.gz` next to every compressible file `X` of `dir` (recursively) where
 * they are worth it, and removes a sibling that no longer is. A sibling newer than its original
 * is kept as it is (a second run only compresses what changed). Returns one row per
 * compressible file of at least 1 kB.
 */
export async function precompressDir(dir: string, options: { concurrency?: number } = {}): Promise<PrecompressedFile[]> {
  const root = resolve(dir);
  // Largest first: the slowest brotli runs start at once instead of last.
  const files = listFiles(root)
    .filter((p) => !isSibling(p) && isCompressible(p))
    .map((path) => ({ path, size: statSync(path).size }))
    .sort((a, b) => b.size - a.size)
    .map((f) => f.path);
  const rows = await mapLimit(files, options.concurrency ?? Math.min(4, availableParallelism()), async (path): Promise<PrecompressedFile | null> => {
    const stats = await fsp.stat(path);
    if (stats.size < MIN_COMPRESS_BYTES) {
      for (const encoding of ['br', 'gzip'] as const) await fsp.rm(path + SUFFIX[encoding], { force: true });
      return null;
    }
    const row: PrecompressedFile = { file: relative(root, path).split(sep).join('/'), bytes: stats.size };
    const fresh = async (encoding: Encoding) => {
      const s = await fsp.stat(path + SUFFIX[encoding]).catch(() => undefined);
      return s && s.mtimeMs >= stats.mtimeMs ? s.size : undefined;
    };
    const [gzipKept, brKept] = [await fresh('gzip'), await fresh('br')];
    if (gzipKept !== undefined && brKept !== undefined) return { ...row, gzip: gzipKept, br: brKept };

    const packed = await compressBoth(await fsp.readFile(path), path);
    for (const encoding of ['gzip', 'br'] as const) {
      const body = packed[encoding];
      if (body) {
        await fsp.writeFile(path + SUFFIX[encoding], body);
        row[encoding] = body.length;
      } else await fsp.rm(path + SUFFIX[encoding], { force: true });
    }
    return row;
  });
  return rows.filter((r): r is PrecompressedFile => r !== null).sort((a, b) => a.file.localeCompare(b.file));
}

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** A short report of `precompressDir`'s rows: totals, then the largest files and the `always` ones (entries). */
export function precompressReport(dir: string, rows: PrecompressedFile[], largest = 8, always: string[] = []): string {
  const served = (r: PrecompressedFile) => ({ gzip: r.gzip ?? r.bytes, br: r.br ?? r.gzip ?? r.bytes });
  const total = rows.reduce((t, r) => ({ bytes: t.bytes + r.bytes, gzip: t.gzip + served(r).gzip, br: t.br + served(r).br }), { bytes: 0, gzip: 0, br: 0 });
  const bySize = [...rows].sort((a, b) => b.bytes - a.bytes);
  const top = bySize.filter((r, i) => i < largest || always.includes(r.file));
  const width = Math.max(0, ...top.map((r) => r.file.length));
  const cell = (n: number | undefined) => (n === undefined ? '(as is)' : kB(n)).padStart(10);
  return [
    `Precompressed ${dir}: ${rows.filter((r) => r.br !== undefined || r.gzip !== undefined).length} of ${rows.length} files ≥ 1 kB; ` +
      `${kB(total.bytes)} raw, sent as ${kB(total.gzip)} to gzip clients, ${kB(total.br)} to brotli clients`,
    `  ${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip -9'.padStart(10)}  ${'brotli 11'.padStart(10)}`,
    ...top.map((r) => `  ${r.file.padEnd(width)}  ${kB(r.bytes).padStart(10)}  ${cell(r.gzip)}  ${cell(r.br)}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Serving

type Next = (err?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export interface StaticAssetsOptions {
  /** The folder served. */
  root: string;
  /** URL prefix of the folder (Vite's absolute `base`), default `/`. */
  base?: string;
  /**
   * Compress in memory when a file has no precompressed sibling (once per path, mtime and
   * size). For public/ in dev, where nothing is written.
   */
  compressOnTheFly?: boolean;
  /**
   * With `compressOnTheFly`: compresses every file of the folder in the background at start,
   * one at a time, so the first page load does not wait for brotli's slowest level.
   */
  warmUp?: boolean;
  /** Leaves a request to the next middleware (as Vite's own query suffixes in dev). */
  skip?: (req: IncomingMessage) => boolean;
  /** Headers every response of this middleware carries (Vite's `server.headers`/`preview.headers`). */
  headers?: () => OutgoingHttpHeaders | undefined;
}

interface Representation {
  encoding?: Encoding;
  size: number;
  etag: string;
  /** The bytes, when held in memory; else `path` is streamed. */
  body?: Buffer;
  path: string;
}

const etagOf = (digest: Buffer, encoding?: Encoding) => `"${digest.toString('base64url').slice(0, 27)}${encoding ? `-${encoding}` : ''}"`;

function hashFile(path: string): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => ok(hash.digest()))
      .on('error', fail);
  });
}

/** Whether an `If-None-Match` value matches `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const value = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  if (value.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return value.split(',').some((t) => bare(t) === bare(etag));
}

function varyList(res: ServerResponse): string[] {
  const current = res.getHeader('Vary');
  return (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((v) => v.trim()).filter(Boolean);
}

function appendVary(res: ServerResponse, field: string): void {
  const list = varyList(res);
  if (list.includes('*') || list.some((v) => v.toLowerCase() === field.toLowerCase())) return;
  res.setHeader('Vary', [...list, field].join(', '));
}

/**
 * These files are public and the same for every origin: `Access-Control-Allow-Origin: *` and no
 * `Vary: Origin` (which Vite's CORS middleware adds when it echoes the origin). With it, a
 * stylesheet fetched once with CORS (the preload) and once without missed the browser's cache and
 * was revalidated on every visit: two 304 round trips before a returning visit's first paint.
 */
function publicToEveryOrigin(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  const list = varyList(res).filter((v) => v.toLowerCase() !== 'origin');
  if (list.length) res.setHeader('Vary', list.join(', '));
  else res.removeHeader('Vary');
}

/**
 * The middleware (connect style): answers GET and HEAD of an existing file of a known type
 * under `root`; everything else goes to `next()`.
 */
export function staticAssetsMiddleware(options: StaticAssetsOptions): Middleware {
  const root = resolve(options.root);
  const base = options.base && options.base.startsWith('/') ? options.base.replace(/\/?$/, '/') : '/';
  /** sha256 of a file on disk, by path, for one mtime and size. */
  const digests = new Map<string, { mtimeMs: number; size: number; digest: Promise<Buffer> }>();
  /** Compressed in memory (compressOnTheFly), by path, for one mtime and size. */
  type Packed = Record<Encoding, { body: Buffer; digest: Buffer } | null>;
  const packed = new Map<string, { mtimeMs: number; size: number; result: Promise<Packed> }>();

  const digestOf = (path: string, stats: Stats) => {
    const hit = digests.get(path);
    if (hit && hit.mtimeMs === stats.mtimeMs && hit.size === stats.size) return hit.digest;
    const digest = hashFile(path);
    digests.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, digest });
    digest.catch(() => digests.delete(path));
    return digest;
  };

  const packedOf = (path: string, stats: Stats) => {
    const hit = packed.get(path);
    if (hit && hit.mtimeMs === stats.mtimeMs && hit.size === stats.size) return hit.result;
    const result = fsp.readFile(path).then(async (content): Promise<Packed> => {
      const both = await compressBoth(content, path);
      const withDigest = (body: Buffer | null) => (body ? { body, digest: createHash('sha256').update(body).digest() } : null);
      return { gzip: withDigest(both.gzip), br: withDigest(both.br) };
    });
    packed.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, result });
    result.catch(() => packed.delete(path));
    return result;
  };

  if (options.compressOnTheFly && options.warmUp) {
    setImmediate(async () => {
      let paths: string[];
      try {
        paths = listFiles(root);
      } catch {
        return;
      }
      for (const path of paths) {
        if (isSibling(path) || !isCompressible(path)) continue;
        const stats = await fsp.stat(path).catch(() => undefined);
        if (!stats || stats.size < MIN_COMPRESS_BYTES) continue;
        if (!existsSync(path + SUFFIX.br) && !existsSync(path + SUFFIX.gzip)) await packedOf(path, stats).catch(() => undefined);
      }
    });
  }

  /** The representation to send for `path` to a client accepting `accepted`. */
  async function choose(path: string, stats: Stats, accepted: Encoding[]): Promise<Representation> {
    if (isCompressible(path) && stats.size >= MIN_COMPRESS_BYTES) {
      for (const encoding of accepted) {
        const sibling = path + SUFFIX[encoding];
        const s = await fsp.stat(sibling).catch(() => undefined);
        // A sibling older than its original is stale: ignored.
        if (s?.isFile() && s.mtimeMs >= stats.mtimeMs) {
          return { encoding, size: s.size, etag: etagOf(await digestOf(sibling, s), encoding), path: sibling };
        }
        if (options.compressOnTheFly && !s) {
          const result = (await packedOf(path, stats))[encoding];
          if (result) return { encoding, size: result.body.length, etag: etagOf(result.digest, encoding), body: result.body, path };
        }
      }
    }
    return { size: stats.size, etag: etagOf(await digestOf(path, stats)), path };
  }

  /** The file a URL names under `root` (`dir/` → `dir/index.html`), if it exists and is served here. */
  async function resolveFile(url: string): Promise<{ path: string; rel: string; stats: Stats } | undefined> {
    const raw = url.split(/[?#]/, 1)[0];
    if (!raw.startsWith(base)) return undefined;
    let rel: string;
    try {
      rel = decodeURIComponent(raw.slice(base.length));
    } catch {
      return undefined;
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const segments = rel.split('/');
    // No dotfiles (as sirv), no way out of the folder, no direct requests for the siblings.
    if (rel.includes('\0') || rel.includes('\\') || segments.some((s) => s.startsWith('.'))) return undefined;
    if (isSibling(rel) || !contentType(rel)) return undefined;
    const path = resolve(root, ...segments);
    if (path !== root && !path.startsWith(root + sep)) return undefined;
    const stats = await fsp.stat(path).catch(() => undefined);
    return stats?.isFile() ? { path, rel, stats } : undefined;
  }

  return function shelfwiseStaticAssets(req, res, next) {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url || req.headers.range || options.skip?.(req)) return next();
    resolveFile(req.url)
      .then(async (file) => {
        if (!file) return next();
        const { path, rel, stats } = file;
        const rep = await choose(path, stats, acceptedEncodings(req.headers['accept-encoding']));
        for (const [name, value] of Object.entries(options.headers?.() ?? {})) if (value !== undefined) res.setHeader(name, value);
        publicToEveryOrigin(res);
        if (isCompressible(path)) appendVary(res, 'Accept-Encoding');
        res.setHeader('Cache-Control', cacheControl(rel));
        res.setHeader('ETag', rep.etag);
        if (etagMatches(req.headers['if-none-match'], rep.etag)) {
          res.statusCode = 304;
          res.end();
          return;
        }
        res.setHeader('Content-Type', contentType(rel)!);
        if (rep.encoding) res.setHeader('Content-Encoding', rep.encoding);
        res.setHeader('Content-Length', rep.size);
        res.statusCode = 200;
        if (req.method === 'HEAD') return void res.end();
        if (rep.body) return void res.end(rep.body);
        createReadStream(rep.path)
          .on('error', (err) => res.destroy(err))
          .pipe(res);
      })
      .catch((err: unknown) => (res.headersSent ? res.destroy(err as Error) : next(err)));
  };
}

/** Vite's own query suffixes on public files in dev (`?import`, `?url`, `?raw`…): Vite answers. */
const VITE_QUERY = /[?&](?:import|url|raw|inline|worker|sharedworker|no-inline|direct)(?:[=&]|$)/;

// ---------------------------------------------------------------------------------------------
// The plugin

export interface StaticAssetsPluginOptions {
  /** Write `.br`/`.gz` siblings at build (default true). */
  precompress?: boolean;
}

/**
 * The Vite plugin: precompresses the build's output folder, and serves it (preview) or public/
 * (dev) with the middleware above.
 */
export function staticAssets(pluginOptions: StaticAssetsPluginOptions = {}): Plugin {
  let config: ResolvedConfig;
  const entries = new Set<string>();
  /** Whether this build wrote its files (closeBundle also runs after a failed build). */
  let written = false;
  const outDir = () => resolve(config.root, config.build.outDir);
  return {
    name: 'shelfwise-static-assets',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      const publicDir = server.config.publicDir;
      if (!publicDir || !existsSync(publicDir)) return;
      server.middlewares.use(
        staticAssetsMiddleware({
          root: publicDir,
          base: server.config.base,
          compressOnTheFly: true,
          warmUp: true,
          skip: (req) => VITE_QUERY.test(req.url ?? ''),
          headers: () => server.config.server.headers,
        }),
      );
    },
    configurePreviewServer(server) {
      const serve = staticAssetsMiddleware({ root: outDir(), base: server.config.base, headers: () => server.config.preview.headers });
      // Before Vite's static files: existing files.
      server.middlewares.use(serve);
      // After Vite's HTML fallback has rewritten the URL (the storefront's routes, `?item=`, `/x` → `/x.html`).
      return () => server.middlewares.use(serve);
    },
    buildStart() {
      written = false;
    },
    writeBundle(_output, bundle) {
      written = true;
      // The entry chunks and HTML pages: named in the report whatever their size.
      for (const file of Object.values(bundle)) {
        if ((file.type === 'chunk' && file.isEntry) || file.fileName.endsWith('.html')) entries.add(file.fileName);
      }
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler(error?: Error) {
        if (error || !written || config.command !== 'build' || pluginOptions.precompress === false || !config.build.write) return;
        const dir = outDir();
        if (!existsSync(dir)) return;
        const started = Date.now();
        const rows = await precompressDir(dir);
        const shown = relative(config.root, dir) || '.';
        config.logger.info(`${precompressReport(shown, rows, 8, [...entries])}\n  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      },
    },
  };
}
