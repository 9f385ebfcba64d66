/**
 * A catalogue and model on another origin (a CDN) work with CORS. A second static server, on
 * another port of 127.0.0.1 (another origin than the app's localhost:4173), serves the built
 * catalogue and model with `Access-Control-Allow-Origin: *`.
 *
 * The shared privacy guard allows only the app's origin, so this scenario runs in its own browser
 * context under a local guard that allows exactly the two origins and still demands plain GETs
 * without body or query string: no request carries event data, to either origin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { assertNoErrors, expect, test, watchContext, type ContextLog } from './fixtures';
import { rewriteExamplePage, STRICT_CSP, WidgetPage } from './pages/widget';

const DIST = join(import.meta.dirname, '..', 'dist');
const TYPES: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

interface CdnRequest {
  method: string;
  url: string;
  origin?: string;
}

let server: Server;
let cdn: string;
const cdnLog: CdnRequest[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    cdnLog.push({ method: req.method ?? '', url: req.url ?? '', origin: req.headers.origin });
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://cdn').pathname));
    const cors = { 'access-control-allow-origin': '*' };
    if (req.method !== 'GET' || !(path === '/catalog.json' || path.startsWith('/model/'))) {
      res.writeHead(req.method === 'OPTIONS' ? 204 : 404, cors).end();
      return;
    }
    readFile(join(DIST, path)).then(
      (body) => res.writeHead(200, { ...cors, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, cors).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cdn = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The privacy guard for two origins: plain GETs only, no body, no query string (but navigations). */
function assertPrivateTo(log: ContextLog, origins: string[]): void {
  const offending = log.requests.filter((r) => {
    const url = new URL(r.url);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    return r.method !== 'GET' || !origins.includes(url.origin) || r.hasBody || (!r.navigation && url.search !== '');
  });
  expect(offending, `requests that are not plain GETs of ${origins.join(' or ')}`).toEqual([]);
  expect(log.sockets, 'WebSocket connections').toEqual([]);
}

test('a catalogue and model on another origin load with CORS, under a CSP that names that origin', async ({ browser, baseURL }) => {
  // Chromium's Local Network Access check treats the route-fulfilled page as public and its
  // request to the loopback "CDN" as a step into the local network; a real CDN is public.
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block', permissions: ['local-network-access'] });
  const log = watchContext(context);
  try {
    const page = await context.newPage();
    const csp = STRICT_CSP.replace("connect-src 'self'", `connect-src 'self' ${cdn}`);
    await rewriteExamplePage(page, {
      replace: [
        ['data-catalog="/catalog.json"', `data-catalog="${cdn}/catalog.json"`],
        ['data-model="/model/manifest.json"', `data-model="${cdn}/model/manifest.json"`],
      ],
      headers: { 'content-security-policy': csp },
    });
    await context.route('**/shelfwise/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
    });
    const widget = new WidgetPage(page);
    await widget.open();
        await widget.whenCarouselsShown();

    await test.step('catalogue and model came from the other origin, as CORS requests', async () => {
      const paths = cdnLog.map((r) => r.url);
      expect(paths).toContain('/catalog.json');
      expect(paths).toContain('/model/manifest.json');
      expect(paths.some((p) => p.endsWith('.bin'))).toBe(true);
      expect(cdnLog.every((r) => r.method === 'GET' && r.origin === new URL(baseURL!).origin)).toBe(true);
      const status = await widget.status();
      expect(status.modelLoaded).toBe(true);
      expect(status.errors).toEqual([]);
    });

    await test.step('events stay on the device: the other origin sees only plain GETs of model files', async () => {
      const seen = cdnLog.length;
      await widget.product('vg-557').getByText('Details').click();
      await widget.product('vg-557').getByRole('button', { name: 'Add to cart' }).click();
      await expect.poll(() => widget.eventCount()).toBe(2);
      await widget.whenIdle();
      await expect(widget.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
      // A history makes the engine fetch the model parts it now needs (embeddings, neighbour
      // shards): plain GETs of content-addressed files, the same for every shopper.
      for (const r of cdnLog.slice(seen)) {
        expect(r.method).toBe('GET');
        expect(r.url).toMatch(/^\/model\/[\w-]+\.[0-9a-f]{12}\.(?:bin|json)$/);
      }
    });
  } finally {
    await context.close();
  }
  assertPrivateTo(log, [new URL(baseURL!).origin, cdn]);
  assertNoErrors(log, []);
});
