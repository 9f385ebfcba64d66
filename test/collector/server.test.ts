import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector, type CollectorOptions } from '../../collector/app';
import { createRateLimiter } from '../../collector/rate-limit';
import type { Summary } from '../../collector/summary';

const dir = mkdtempSync(join(tmpdir(), 'shelfwise-collector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let dbCount = 0;
const freshDb = () => join(dir, `c${++dbCount}.sqlite`);

const report = (variant = 'control', clicked = true, converted = false) =>
  JSON.stringify({ v: 1, variant, epsilon: 1, bits: { clicked, converted } });

const open: Collector[] = [];
async function start(opts: Partial<CollectorOptions> = {}): Promise<Collector> {
  const c = await startCollector({ db: freshDb(), port: 0, ...opts });
  open.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function post(c: Collector, body: string, headers: Record<string, string> = {}) {
  return fetch(`${c.url}/report`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

async function summary(c: Collector): Promise<Summary> {
  return (await (await fetch(`${c.url}/report.json`)).json()) as Summary;
}

describe('POST /report', () => {
  let c: Collector;
  beforeAll(async () => {
    c = await startCollector({ db: freshDb(), port: 0 });
  });
  afterAll(() => c.close());

  it('accepts a valid report with 204 and sets no cookie', async () => {
    const res = await post(c, report());
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['malformed JSON', '{"v":1,', 400, /not valid JSON/],
    ['an unknown key', report().replace('"v":1', '"v":1,"item":"sku-9"'), 400, /unknown key "item"/],
    ['an unknown bit', report().replace('"converted"', '"viewed":true,"converted"'), 400, /unknown key "viewed"/],
    ['a bad variant name', report('Control B'), 400, /"variant"/],
    ['an oversized body', JSON.stringify({ pad: 'x'.repeat(1000) }), 413, /exceeds 256 bytes/],
  ])('rejects %s', async (_, body, status, message) => {
    const res = await post(c, body);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(message);
  });

  it('rejects an oversized body sent without a length (chunked)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${c.url}/report`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(100)); // no content-length: chunked
      req.end();
    });
    expect(status).toBe(413);
  });

  it('rejects other content types and methods', async () => {
    expect((await post(c, report(), { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await fetch(`${c.url}/report`)).status).toBe(405);
    expect((await fetch(`${c.url}/nothing`)).status).toBe(404);
  });

  it('accepts text/plain, as navigator.sendBeacon sends it', async () => {
    expect((await post(c, report(), { 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(204);
  });
});

describe('CORS', () => {
  it('answers the preflight of an allowed storefront and refuses other origins', async () => {
    const c = await start({ allowOrigins: ['http://shop.test'] });
    const preflight = await fetch(`${c.url}/report`, {
      method: 'OPTIONS',
      headers: { origin: 'http://shop.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://shop.test');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const ok = await post(c, report(), { origin: 'http://shop.test' });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('vary')).toBe('Origin');
    const bad = await post(c, report(), { origin: 'http://evil.test' });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    expect((await summary(c)).variants[0].reports).toBe(1);
  });

  it('allows any origin by default, errors included, so the page can read them', async () => {
    const c = await start();
    const res = await post(c, '{', { origin: 'http://any.test' });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('rate limit and variants', () => {
  it('answers 429 with Retry-After past the burst, per address', async () => {
    const c = await start({ ratePerMinute: 1, burst: 3, trustProxy: true });
    const from = (addr: string) => ({ 'x-forwarded-for': addr });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(c, report(), from('2001:db8::1'))).status);
    expect(statuses).toEqual([204, 204, 204, 429]);
    const limited = await post(c, report(), from('2001:db8::1'));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(c, report(), from('2001:db8::2'))).status).toBe(204);
  });

  it('refills tokens with time', () => {
    let t = 0;
    const limiter = createRateLimiter(60, 2, () => t);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 1]);
    t += 1000;
    expect(limiter.take('a')).toBe(0);
  });

  it('refuses variants outside the configured list', async () => {
    const c = await start({ variants: ['control', 'fusion-b'] });
    expect((await post(c, report('fusion-b'))).status).toBe(204);
    const res = await post(c, report('other'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/unknown variant "other"/);
  });
});

describe('storage', () => {
  it('keeps counts only, per UTC day, and they survive a restart', async () => {
    const db = freshDb();
    let day = '2026-03-01T23:59:00Z';
    const first = await startCollector({ db, port: 0, now: () => new Date(day) });
    for (const [variant, clicked] of [['control', true], ['control', false], ['fusion-b', true]] as const) {
      expect((await post(first, report(variant, clicked))).status).toBe(204);
    }
    day = '2026-03-02T00:01:00Z';
    expect((await post(first, report('fusion-b', false, true))).status).toBe(204);
    await first.close();

    const second = await start({ db });
    const s = await summary(second);
    expect(s.days).toEqual({ first: '2026-03-01', last: '2026-03-02' });
    expect(s.variants.map((v) => [v.variant, v.reports])).toEqual([['control', 2], ['fusion-b', 2]]);
    expect((await post(second, report())).status).toBe(204);
    expect((await summary(second)).variants[0].reports).toBe(3);
  });

  it('serves the report page with a row per variant', async () => {
    const c = await start();
    await post(c, report('control'));
    await post(c, report('fusion-b'));
    const res = await fetch(c.url);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('data-variant="control"');
    expect(html).toContain('data-variant="fusion-b"');
    expect(html).toMatch(/no verdict yet/);
  });
});
