/**
 * The collector's HTTP server: POST /report (CORS, size, content, rate limit), GET / (the
 * merchant page) and GET /report.json. It never sets cookies, logs nothing per request and keeps
 * no addresses beyond the in-memory rate-limit buckets.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_REPORT_BYTES, ReportError, validateReport, type Report } from '../src/shared/report';
import { createRateLimiter } from './rate-limit';
import { renderReportPage } from './report-page';
import { openCountStore } from './store';
import { summarize } from './summary';

export interface CollectorOptions {
  db: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Origins whose pages may post reports; ['*'] for any. */
  allowOrigins?: string[];
  /** Reports per minute per address, and the burst allowed. */
  ratePerMinute?: number;
  burst?: number;
  /** Rate-limit by the last X-Forwarded-For hop (behind a trusted reverse proxy). */
  trustProxy?: boolean;
  /** When set, reports naming any other variant are refused. */
  variants?: string[];
  flushMs?: number;
  /** The clock that dates reports (tests move it). */
  now?: () => Date;
}

export interface Collector {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: OutgoingHttpHeaders = {}) {
    super(message);
  }
}

/** Reads at most MAX_REPORT_BYTES; anything longer is refused without reading further. */
async function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = () => new HttpError(413, `report body exceeds ${MAX_REPORT_BYTES} bytes`, { connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > MAX_REPORT_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REPORT_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseReport(text: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'report body is not valid JSON');
  }
  try {
    return validateReport(data);
  } catch (err) {
    if (err instanceof ReportError) throw new HttpError(400, err.message);
    throw err;
  }
}

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const store = await openCountStore(opts.db, opts.flushMs);
  const allow = opts.allowOrigins ?? ['*'];
  const limiter = createRateLimiter(opts.ratePerMinute ?? 60, opts.burst ?? 60);
  const now = opts.now ?? (() => new Date());

  /** CORS headers for an allowed origin; null when the page's origin may not post. */
  function cors(origin: string | undefined): OutgoingHttpHeaders | null {
    if (origin === undefined) return {}; // not a browser page: CORS does not apply
    if (allow.includes('*')) return { 'access-control-allow-origin': '*' };
    return allow.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : null;
  }

  function clientKey(req: IncomingMessage): string {
    const forwarded = opts.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : '';
    return forwarded || req.socket.remoteAddress || 'unknown';
  }

  async function postReport(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders): Promise<void> {
    const wait = limiter.take(clientKey(req));
    if (wait > 0) throw new HttpError(429, 'too many reports from this address', { 'retry-after': String(wait) });
    // text/plain is what navigator.sendBeacon sends for a string, and needs no preflight.
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json' && type !== 'text/plain') {
      throw new HttpError(415, 'report must be sent as application/json or text/plain');
    }
    const report = parseReport(await readBody(req));
    if (opts.variants && !opts.variants.includes(report.variant)) {
      throw new HttpError(400, `report: unknown variant "${report.variant}"`);
    }
    store.add(now().toISOString().slice(0, 10), report);
    res.writeHead(204, headers).end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://collector').pathname;
    if (path === '/report') {
      const headers = cors(req.headers.origin);
      if (headers === null) throw new HttpError(403, 'origin not allowed to send reports');
      Object.assign(headers, { 'cache-control': 'no-store' });
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...headers,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '86400',
        }).end();
        return;
      }
      if (req.method !== 'POST') throw new HttpError(405, 'use POST for /report', { allow: 'POST, OPTIONS' });
      try {
        await postReport(req, res, headers);
      } catch (err) {
        // Errors carry the CORS headers too, so the page can read why it was refused.
        if (err instanceof HttpError) Object.assign(err.headers, headers);
        throw err;
      }
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'read-only', { allow: 'GET' });
    if (path === '/') {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(renderReportPage(summarize(store.rows())));
    } else if (path === '/report.json') {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(summarize(store.rows())));
    } else {
      throw new HttpError(404, 'not found');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, 'internal error');
      if (!(err instanceof HttpError)) console.error('collector:', err);
      if (res.headersSent) return void res.end();
      res.writeHead(e.status, { ...e.headers, 'content-type': 'text/plain; charset=utf-8' }).end(`${e.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8787, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}
