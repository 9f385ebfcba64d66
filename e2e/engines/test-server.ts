/**
 * The test server of the cross-engine scenarios: a reverse proxy in front of `vite preview` that
 * every engine's pages and workers talk to. It does for each engine what Playwright does for
 * Chromium alone:
 *  - records every request (method, URL, body size, navigation or not): the egress guard;
 *  - puts `/__probe.js` first in every HTML page: it collects uncaught errors, console errors,
 *    CSP violations and a worker answering a call twice into `window.__probe` before any page
 *    script runs (a same-origin file, so a strict CSP allows it);
 *  - serves a page with the documented strict CSP (`?csp=strict`) or with a hostile host
 *    stylesheet (`?hostile=1`), and a catalogue whose titles the scenario chose (`retitle`).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STRICT_CSP } from '../pages/widget';

export interface ProxiedRequest {
  method: string;
  url: string;
  bodyBytes: number;
  navigation: boolean;
}

export interface TestServer {
  origin: string;
  requests: ProxiedRequest[];
  /** Gives catalogue items new titles (inert-markup scenarios); `{}` restores them. */
  retitle(titles: Record<string, string>): void;
  close(): Promise<void>;
}

/** Runs in the page before anything else (a classic script, first in `<head>`). */
const PROBE = `(() => {
  const probe = (window.__probe = { errors: [], violations: [] });
  addEventListener('error', (e) => { if (e instanceof ErrorEvent) probe.errors.push('uncaught: ' + e.message); });
  addEventListener('unhandledrejection', (e) => probe.errors.push('unhandled rejection: ' + String(e.reason)));
  addEventListener('securitypolicyviolation', (e) => probe.violations.push(e.violatedDirective + ' ' + e.blockedURI));
  const error = console.error.bind(console);
  console.error = (...args) => { probe.errors.push('console: ' + args.map(String).join(' ')); error(...args); };
  // A worker must answer each call once (Comlink replies carry the call's id).
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      const answered = new Set();
      this.addEventListener('message', (e) => {
        const id = e.data && typeof e.data === 'object' ? e.data.id : undefined;
        if (typeof id !== 'string') return;
        if (answered.has(id)) probe.errors.push('worker answered a call twice (' + id + ')');
        answered.add(id);
      });
    }
  };
})();
`;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(upstream: URL, req: IncomingMessage, body: Buffer, identity: boolean): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host };
    // Pages and the catalogue are rewritten here: ask for them uncompressed.
    if (identity) headers['accept-encoding'] = 'identity';
    const out = httpRequest(new URL(req.url ?? '/', upstream), { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers as Record<string, string | string[]>, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export async function startTestServer(upstreamOrigin: string, port = 0): Promise<TestServer> {
  const upstream = new URL(upstreamOrigin);
  const requests: ProxiedRequest[] = [];
  let titles: Record<string, string> = {};

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://test.local');
    const body = await readBody(req);
    const navigation = req.headers['sec-fetch-mode'] === 'navigate' || (req.headers.accept ?? '').includes('text/html');
    requests.push({ method: req.method ?? '', url: url.pathname + url.search, bodyBytes: body.length, navigation });
    if (url.pathname === '/__probe.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(PROBE);
      return;
    }
    const page = url.pathname.endsWith('/') || url.pathname.endsWith('.html');
    const catalog = url.pathname.endsWith('/catalog.json') && Object.keys(titles).length > 0;
    const up = await forward(upstream, req, body, page || catalog);
    const headers = { ...up.headers };
    let out = up.body;
    if (page && String(headers['content-type'] ?? '').includes('text/html')) {
      let html = out.toString('utf8').replace(/<head>/i, '<head><script src="/__probe.js"></script>');
      if (url.searchParams.get('hostile') === '1') html = html.replace('</head>', '<link rel="stylesheet" href="/examples/hostile.css" /></head>');
      if (url.searchParams.get('csp') === 'strict') headers['content-security-policy'] = STRICT_CSP;
      out = Buffer.from(html);
    } else if (catalog && up.status === 200) {
      const parsed = JSON.parse(out.toString('utf8')) as { items: { id: string; title: string }[] };
      for (const item of parsed.items) if (titles[item.id] !== undefined) item.title = titles[item.id];
      out = Buffer.from(JSON.stringify(parsed));
      headers['cache-control'] = 'no-store';
    }
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    if (out !== up.body) delete headers.etag;
    res.writeHead(up.status, { ...headers, 'content-length': String(out.length) });
    res.end(out);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`test server: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${bound}`,
    requests,
    retitle: (next) => void (titles = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
