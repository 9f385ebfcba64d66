import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { build, createServer as createViteServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IMMUTABLE,
  acceptedEncodings,
  isContentHashed,
  precompressDir,
  staticAssets,
  staticAssetsMiddleware,
  type Middleware,
} from '../../scripts/lib/static-assets';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw GET/HEAD (no automatic decompression, unlike fetch). */
function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(reply: Reply): Buffer {
  const enc = reply.headers['content-encoding'];
  if (enc === 'br') return brotliDecompressSync(reply.body);
  if (enc === 'gzip') return gunzipSync(reply.body);
  return reply.body;
}

function write(root: string, rel: string, content: string | Buffer): Buffer {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return Buffer.from(content);
}

/** A node:http server: the middleware, then a 404 that says it fell through (and saw a Range). */
async function listen(middleware: Middleware): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) =>
    middleware(req, res, (err) => {
      res.writeHead(err ? 500 : 404, { 'x-fell-through': 'yes', 'x-range': String(req.headers.range ?? '') }).end();
    }),
  );
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) => new Promise((ok) => server.close(ok));

/** A dist-like folder: text files that compress, random bytes that do not, a tiny file. */
function makeDist(root: string) {
  const items = Array.from({ length: 400 }, (_, i) => ({ id: `vg-${i}`, title: `Game number ${i} - PlayStation ${i % 5}`, category: 'Games' }));
  const floats = new Float32Array(4096).map((_, i) => Math.round(Math.sin(i / 50) * 8) / 8);
  return {
    index: write(root, 'index.html', `<!doctype html><html><head><title>Shop</title></head><body>${'<p>shelf</p>'.repeat(200)}</body></html>`),
    catalog: write(root, 'catalog.json', JSON.stringify({ format: 'shelfwise-catalog', version: 1, items })),
    manifest: write(root, 'model/manifest.json', JSON.stringify({ files: items.slice(0, 60) })),
    hashedBin: write(root, 'model/embeddings.3f9a0c1b2d4e.bin', Buffer.from(floats.buffer)),
    noise: write(root, 'model/shard-003.0a1b2c3d4e5f.bin', randomBytes(8192)),
    mainJs: write(root, 'assets/index-CnDkpprK.js', `export const x = ${JSON.stringify(items)};\n`),
    wasm: write(root, 'assets/kernels-BIA8cDLW.wasm', Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4000, 7)])),
    widget: write(root, 'shelfwise/shelfwise.js', `console.log(${JSON.stringify(items.slice(0, 50))});\n`),
    widgetChunk: write(root, 'shelfwise/assets/worker-HLVUkQB5.js', `self.x = ${JSON.stringify(items.slice(0, 80))};\n`),
    tiny: write(root, 'merchant.json', '{"rules":[]}'),
    plain: write(root, 'examples/plain.html', `<!doctype html><title>Plain</title>${'<li class="product">x</li>'.repeat(80)}`),
  };
}

describe('names and negotiation', () => {
  it('recognises content-hashed names: Vite assets and the model files', () => {
    expect(isContentHashed('assets/index-CnDkpprK.js')).toBe(true);
    expect(isContentHashed('/assets/tfjs-backend-wasm-simd-BrM3BlWr.wasm')).toBe(true);
    expect(isContentHashed('shelfwise/assets/recommender.worker-HLVUkQB5.js')).toBe(true);
    expect(isContentHashed('assets/rolldown-runtime-XKyaHtl9.js')).toBe(true);
    expect(isContentHashed('assets/dist-Cdanzx_-.js')).toBe(true);
    expect(isContentHashed('model/embeddings.3f9a0c1b2d4e.bin')).toBe(true);
    expect(isContentHashed('model/shard-003.0a1b2c3d4e5f.bin')).toBe(true);
    expect(isContentHashed('model/item-ids.1c55ab3a07b0.json')).toBe(true);

    for (const fixed of ['index.html', 'catalog.json', 'merchant.json', 'model/manifest.json', 'examples/plain.html', 'shelfwise/shelfwise.js',
      'model/embeddings.bin', 'model/embeddings.3F9A0C1B2D4E.bin', 'model/x.3f9a0c1b2d4.bin', 'index-CnDkpprK.js', 'assets/widget-examples.js', 'assets/index-CnDkpp.js']) {
      expect(isContentHashed(fixed), fixed).toBe(false);
    }
  });

  it('reads Accept-Encoding with q-values and *', () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('gzip')).toEqual(['gzip']);
    expect(acceptedEncodings('br;q=0, gzip')).toEqual(['gzip']);
    expect(acceptedEncodings('gzip;q=1, br;q=0.5')).toEqual(['gzip', 'br']);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('*;q=0, identity')).toEqual([]);
    expect(acceptedEncodings('identity')).toEqual([]);
    expect(acceptedEncodings(undefined)).toEqual([]);
  });
});

describe('precompressDir', () => {
  let root: string;
  let files: ReturnType<typeof makeDist>;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'shelfwise-static-'));
    files = makeDist(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes .br and .gz siblings that decompress to the original bytes', async () => {
    const rows = await precompressDir(root);
    for (const [rel, original] of [['catalog.json', files.catalog], ['index.html', files.index], ['model/embeddings.3f9a0c1b2d4e.bin', files.hashedBin],
      ['assets/index-CnDkpprK.js', files.mainJs], ['assets/kernels-BIA8cDLW.wasm', files.wasm], ['shelfwise/shelfwise.js', files.widget]] as const) {
      expect(brotliDecompressSync(readFileSync(join(root, `${rel}.br`))).equals(original), `${rel}.br`).toBe(true);
      expect(gunzipSync(readFileSync(join(root, `${rel}.gz`))).equals(original), `${rel}.gz`).toBe(true);
      const row = rows.find((r) => r.file === rel)!;
      expect(row.br).toBeLessThan(row.bytes * 0.9);
      expect(row.gzip).toBeLessThan(row.bytes * 0.9);
    }
    const catalog = rows.find((r) => r.file === 'catalog.json')!;
    expect(catalog.br).toBeLessThan(catalog.gzip!);
  });

  it('skips small and incompressible files', async () => {
    const rows = await precompressDir(root);
    for (const rel of ['merchant.json', 'model/shard-003.0a1b2c3d4e5f.bin']) {
      expect(existsSync(join(root, `${rel}.br`)), rel).toBe(false);
      expect(existsSync(join(root, `${rel}.gz`)), rel).toBe(false);
    }
    expect(rows.find((r) => r.file === 'merchant.json')).toBeUndefined();
    const noise = rows.find((r) => r.file === 'model/shard-003.0a1b2c3d4e5f.bin')!;
    expect([noise.bytes, noise.br, noise.gzip]).toEqual([8192, undefined, undefined]);
    // Siblings are never compressed again (no .br.gz).
    expect(existsSync(join(root, 'catalog.json.br.gz'))).toBe(false);
  });

  it('replaces a stale sibling and removes one no longer worth it', async () => {
    const changed = write(root, 'catalog.json', JSON.stringify({ items: Array.from({ length: 300 }, (_, i) => ({ id: `n-${i}` })) }));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'catalog.json'), later, later);
    writeFileSync(join(root, 'model/shard-003.0a1b2c3d4e5f.bin.br'), 'stale');
    utimesSync(join(root, 'model/shard-003.0a1b2c3d4e5f.bin.br'), new Date(0), new Date(0));
    await precompressDir(root);
    expect(brotliDecompressSync(readFileSync(join(root, 'catalog.json.br'))).equals(changed)).toBe(true);
    expect(existsSync(join(root, 'model/shard-003.0a1b2c3d4e5f.bin.br'))).toBe(false);
  });
});

describe('the middleware on a precompressed folder', () => {
  let root: string;
  let files: ReturnType<typeof makeDist>;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shelfwise-static-'));
    files = makeDist(root);
    await precompressDir(root);
    ({ server, base } = await listen(staticAssetsMiddleware({ root })));
  });
  afterAll(async () => {
    await close(server);
    rmSync(root, { recursive: true, force: true });
  });

  it('sends br when accepted, gzip when only gzip is, the file otherwise', async () => {
    const br = await get(base, '/catalog.json', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.equals(readFileSync(join(root, 'catalog.json.br')))).toBe(true);
    expect(decode(br).equals(files.catalog)).toBe(true);

    const gz = await get(base, '/catalog.json', { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz).equals(files.catalog)).toBe(true);

    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'deflate' }] as Record<string, string>[]) {
      const plain = await get(base, '/catalog.json', headers);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(files.catalog)).toBe(true);
    }
    for (const reply of [br, gz]) {
      expect(reply.headers.vary).toBe('Accept-Encoding');
      expect(reply.headers['content-type']).toBe('application/json');
      expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    }
  });

  it('sends the right Content-Type', async () => {
    const types: Record<string, string> = {
      '/': 'text/html; charset=utf-8',
      '/index.html': 'text/html; charset=utf-8',
      '/assets/index-CnDkpprK.js': 'text/javascript; charset=utf-8',
      '/assets/kernels-BIA8cDLW.wasm': 'application/wasm',
      '/model/embeddings.3f9a0c1b2d4e.bin': 'application/octet-stream',
      '/model/shard-003.0a1b2c3d4e5f.bin': 'application/octet-stream',
      '/model/manifest.json': 'application/json',
      '/merchant.json': 'application/json',
    };
    for (const [path, type] of Object.entries(types)) {
      const reply = await get(base, path, { 'accept-encoding': 'br' });
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-type'], path).toBe(type);
    }
    const wasm = await get(base, '/assets/kernels-BIA8cDLW.wasm', { 'accept-encoding': 'br' });
    expect(decode(wasm).equals(files.wasm)).toBe(true);
  });

  it('serves every file to every origin without Vary: Origin, so CORS and no-CORS loads share one cache entry', async () => {
    // Vite's CORS middleware runs first and echoes the origin with Vary: Origin.
    const { server: echoing, base: echoBase } = await listen((req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', String(req.headers.origin ?? ''));
      res.setHeader('Vary', 'Origin');
      staticAssetsMiddleware({ root })(req, res, next);
    });
    try {
      for (const path of ['/assets/index-CnDkpprK.js', '/catalog.json', '/model/embeddings.3f9a0c1b2d4e.bin']) {
        const reply = await get(echoBase, path, { origin: 'https://shop.example', 'accept-encoding': 'br' });
        expect(reply.headers['access-control-allow-origin'], path).toBe('*');
        expect(reply.headers.vary ?? '', path).not.toMatch(/origin/i);
      }
      expect((await get(echoBase, '/catalog.json', { 'accept-encoding': 'br' })).headers.vary).toBe('Accept-Encoding');
    } finally {
      await close(echoing);
    }
  });

  it('caches content-hashed names for a year, immutable', async () => {
    for (const path of ['/assets/index-CnDkpprK.js', '/shelfwise/assets/worker-HLVUkQB5.js', '/model/embeddings.3f9a0c1b2d4e.bin', '/model/shard-003.0a1b2c3d4e5f.bin', '/assets/kernels-BIA8cDLW.wasm']) {
      const reply = await get(base, path, { 'accept-encoding': 'gzip, br' });
      expect(reply.headers['cache-control'], path).toBe(IMMUTABLE);
    }
  });

  it('revalidates every other file with a strong ETag per encoding, and answers If-None-Match with 304', async () => {
    for (const path of ['/', '/index.html', '/catalog.json', '/merchant.json', '/model/manifest.json', '/examples/plain.html', '/shelfwise/shelfwise.js']) {
      const tags = new Set<string>();
      for (const accept of ['br', 'gzip', 'identity']) {
        const first = await get(base, path, { 'accept-encoding': accept });
        expect(first.headers['cache-control'], path).toBe('no-cache');
        const etag = first.headers.etag!;
        expect(etag, path).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/
        tags.add(etag);
        const again = await get(base, path, { 'accept-encoding': accept, 'if-none-match': etag });
        expect(again.status, `${path} ${accept}`).toBe(304);
        expect(again.body.length).toBe(0);
        expect(again.headers.etag).toBe(etag);
        expect(again.headers['cache-control']).toBe('no-cache');
        // A validator of another representation does not match.
        if (accept !== 'identity' && path !== '/merchant.json') {
          const other = await get(base, path, { 'accept-encoding': 'identity', 'if-none-match': etag });
          expect(other.status).toBe(200);
        }
      }
      // merchant.json is under 1 kB: one representation, one tag.
      expect(tags.size, path).toBe(path === '/merchant.json' ? 1 : 3);
    }
    const listed = await get(base, '/catalog.json', { 'accept-encoding': 'br', 'if-none-match': '"nope", W/' + (await get(base, '/catalog.json', { 'accept-encoding': 'br' })).headers.etag });
    expect(listed.status).toBe(304);
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await get(base, '/catalog.json', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(statSync(join(root, 'catalog.json.br')).size);
  });

  it('leaves Range requests, unknown files, siblings and escapes to the next middleware', async () => {
    const range = await get(base, '/catalog.json', { range: 'bytes=0-9', 'accept-encoding': 'br' });
    expect(range.headers['x-fell-through']).toBe('yes');
    expect(range.headers['x-range']).toBe('bytes=0-9');
    for (const path of ['/nope.json', '/catalog.json.br', '/some/route', '/../package.json', '/%2e%2e/etc/passwd', '/assets/']) {
      expect((await get(base, path, { 'accept-encoding': 'br' })).headers['x-fell-through'], path).toBe('yes');
    }
  });

  it('ignores a sibling older than its file', async () => {
    const updated = write(root, 'model/manifest.json', JSON.stringify({ files: Array.from({ length: 80 }, (_, i) => ({ path: `f-${i}.bin` })) }));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'model/manifest.json'), later, later);
    const reply = await get(base, '/model/manifest.json', { 'accept-encoding': 'br, gzip' });
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.body.equals(updated)).toBe(true);
  });
});

describe('compression on the fly (dev: public/ gets no siblings)', () => {
  it('compresses once per file version, in memory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shelfwise-static-'));
    const files = makeDist(root);
    const { server, base } = await listen(staticAssetsMiddleware({ root, compressOnTheFly: true }));
    try {
      const first = await get(base, '/catalog.json', { 'accept-encoding': 'br, gzip' });
      expect(first.headers['content-encoding']).toBe('br');
      expect(decode(first).equals(files.catalog)).toBe(true);
      const second = await get(base, '/catalog.json', { 'accept-encoding': 'br, gzip' });
      expect(second.headers.etag).toBe(first.headers.etag);
      expect((await get(base, '/catalog.json', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
      expect((await get(base, '/model/shard-003.0a1b2c3d4e5f.bin', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
      expect((await get(base, '/merchant.json', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
      expect(existsSync(join(root, 'catalog.json.br'))).toBe(false);

      const changed = write(root, 'catalog.json', JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ id: `c-${i}` })) }));
      const later = new Date(Date.now() + 5000);
      utimesSync(join(root, 'catalog.json'), later, later);
      const third = await get(base, '/catalog.json', { 'accept-encoding': 'br, gzip', 'if-none-match': first.headers.etag! });
      expect(third.status).toBe(200);
      expect(third.headers.etag).not.toBe(first.headers.etag);
      expect(decode(third).equals(changed)).toBe(true);
    } finally {
      await close(server);
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the Vite plugin', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'shelfwise-vite-'));
    write(root, 'index.html', `<!doctype html><html><head><title>Shop</title></head><body><div id="app"></div>${'<!-- padding -->'.repeat(80)}<script type="module" src="/main.js"></script></body></html>`);
    write(root, 'main.js', `document.getElementById('app').textContent = ${JSON.stringify('shelf '.repeat(400))};\n`);
    makeDist(join(root, 'public'));
    rmSync(join(root, 'public/index.html'));
    rmSync(join(root, 'public/assets'), { recursive: true });
    rmSync(join(root, 'public/shelfwise'), { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('precompresses the build output, public files included', async () => {
    await build({ configFile: false, root, logLevel: 'silent', plugins: [staticAssets()], build: { outDir: join(root, 'dist') } });
    const dist = join(root, 'dist');
    for (const rel of ['index.html', 'catalog.json', 'model/embeddings.3f9a0c1b2d4e.bin']) {
      expect(gunzipSync(readFileSync(join(dist, `${rel}.gz`))).equals(readFileSync(join(dist, rel))), rel).toBe(true);
      expect(brotliDecompressSync(readFileSync(join(dist, `${rel}.br`))).equals(readFileSync(join(dist, rel))), rel).toBe(true);
    }
    expect(existsSync(join(dist, 'merchant.json.br'))).toBe(false);
  });

  describe('in vite preview', () => {
    let server: PreviewServer;
    let base: string;
    beforeAll(async () => {
      server = await preview({ configFile: false, root, logLevel: 'silent', plugins: [staticAssets()], build: { outDir: join(root, 'dist') }, preview: { port: 0, host: '127.0.0.1' } });
      base = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    it('serves dist compressed, with caching headers', async () => {
      const catalog = await get(base, '/catalog.json', { 'accept-encoding': 'gzip, deflate, br' });
      expect(catalog.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'no-cache', 'content-type': 'application/json' });
      expect((await get(base, '/catalog.json', { 'accept-encoding': 'gzip, deflate, br', 'if-none-match': catalog.headers.etag! })).status).toBe(304);
      const asset = readFileSync(join(root, 'dist/index.html'), 'utf8').match(/src="\/(assets\/[^"]+\.js)"/)![1];
      expect((await get(base, `/${asset}`, { 'accept-encoding': 'br' })).headers['cache-control']).toBe(IMMUTABLE);
    });

    it("keeps Vite's HTML fallback (routes, ?item=, /x → /x.html) and CORS", async () => {
      const index = readFileSync(join(root, 'dist/index.html'));
      for (const path of ['/', '/?item=vg-1', '/some/route?item=vg-1']) {
        const reply = await get(base, path, { accept: 'text/html', 'accept-encoding': 'br' });
        expect(reply.status, path).toBe(200);
        expect(reply.headers['content-encoding'], path).toBe('br');
        expect(reply.headers['cache-control'], path).toBe('no-cache');
        expect(decode(reply).equals(index), path).toBe(true);
      }
      const plain = await get(base, '/examples/plain', { accept: 'text/html', 'accept-encoding': 'gzip' });
      expect(decode(plain).equals(readFileSync(join(root, 'dist/examples/plain.html')))).toBe(true);
      const cors = await get(base, '/catalog.json', { origin: 'http://localhost:5173', 'accept-encoding': 'br' });
      expect(cors.headers['access-control-allow-origin']).toBe('*');
      expect(String(cors.headers.vary)).toMatch(/Accept-Encoding/);
    });
  });

  describe('in the dev server', () => {
    let server: ViteDevServer;
    let base: string;
    beforeAll(async () => {
      server = await createViteServer({ configFile: false, root, logLevel: 'silent', plugins: [staticAssets()], server: { port: 0, host: '127.0.0.1', ws: false } });
      await server.listen();
      base = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    it('serves public/ compressed in memory, and leaves the rest to Vite', async () => {
      const catalog = await get(base, '/catalog.json', { 'accept-encoding': 'gzip, deflate, br' });
      expect(catalog.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'no-cache' });
      expect(catalog.headers.vary).toMatch(/Accept-Encoding/);
      expect(decode(catalog).equals(readFileSync(join(root, 'public/catalog.json')))).toBe(true);
      expect((await get(base, '/catalog.json', { 'accept-encoding': 'gzip, deflate, br', 'if-none-match': catalog.headers.etag! })).status).toBe(304);
      expect(existsSync(join(root, 'public/catalog.json.br'))).toBe(false);
      // Vite's own: a public file as a module (which Vite refuses), the source index.html.
      const asModule = await get(base, '/catalog.json?import', { 'accept-encoding': 'br' });
      expect(asModule.status).toBe(500);
      expect(asModule.headers['content-encoding']).toBeUndefined();
      const page = await get(base, '/', { accept: 'text/html', 'accept-encoding': 'br' });
      expect(page.status).toBe(200);
      expect(decode(page).toString()).toContain('/@vite/client');
    });
  });
});
