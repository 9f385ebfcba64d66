/**
 * `npm run collector -- [--port 8787] [--host 127.0.0.1] [--db collector.sqlite]
 *   [--allow-origin https://shop.example]... [--rate 60] [--burst 60] [--variants a,b] [--trust-proxy]`
 * Accepts private aggregate reports and serves the merchant report page.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCollector } from './app';

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string', default: 'collector.sqlite' },
    'allow-origin': { type: 'string', multiple: true },
    rate: { type: 'string', default: '60' },
    burst: { type: 'string', default: '60' },
    variants: { type: 'string' },
    'trust-proxy': { type: 'boolean', default: false },
  },
});

const db = resolve(values.db);
const collector = await startCollector({
  db,
  port: Number(values.port),
  host: values.host,
  // Comma-separated or repeated; '*' (the default) accepts any storefront.
  allowOrigins: values['allow-origin']?.flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean) ?? ['*'],
  ratePerMinute: positive('rate', values.rate),
  burst: positive('burst', values.burst),
  variants: values.variants?.split(',').map((v) => v.trim()).filter(Boolean),
  trustProxy: values['trust-proxy'],
});
console.log(`Shelfwise collector on ${collector.url} (reports: POST /report; page: GET /), counts in ${db}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Flushes the last counts to the database file before leaving.
    void collector.close().then(() => process.exit(0));
  });
}
