/**
 * Prints the README's "On a phone network" tables from a bench JSON, so the tables are the
 * figures of one run and not copied by hand:
 *   npx tsx bench/readme-tables.ts [bench/results.json]
 */
import { readFileSync } from 'node:fs';

interface FileRow { path: string; kind: string; bytes: number; status: number; end_ms: number | null }
interface Surface {
  first_carousel_ms: number;
  first_carousel_runs_ms: number[];
  data_bytes_before_first_carousel: number;
  code_bytes_before_first_carousel: number;
}
interface Storefront extends Surface {
  first_event_to_personal_for_you_ms: number;
  first_session: { all_bytes: number; code_bytes: number; data_bytes: number };
  returning: { data_bytes: number; requests: number; personal_for_you_ms: number; files: FileRow[] };
  product_page_because_you_viewed_ms: number;
  product_page_runs_ms: number[];
  product_page_files: FileRow[];
}
interface Profile {
  link: { rtt_ms?: number; down_kbit_s?: number; up_kbit_s?: number };
  loads: number;
  storefront: Storefront;
  widget: Surface;
  first_visit_files: FileRow[];
}

/** Targets per profile (issue 12); a figure without one is reported, not judged. */
const TARGETS: Record<string, Partial<Record<'carousel' | 'data' | 'product' | 'event' | 'session' | 'returning', number>>> = {
  slow4g: { carousel: 1500, data: 50_000, product: 2000, event: 3000, session: 1.5e6, returning: 800 },
  fast4g: { carousel: 600, product: 800, event: 1000, returning: 500 },
  none: {},
};

const ms = (x: number) => Math.round(x).toLocaleString('en');
const kB = (b: number) => `${(b / 1000).toFixed(1)} kB`;
const MB = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const runs = (xs: number[]) => `[${xs.map(ms).join(', ')}]`;
const met = (value: number, target?: number) => (target === undefined ? '' : value <= target ? 'yes' : 'no');
const limit = (target: number | undefined, unit: (x: number) => string) => (target === undefined ? '—' : `≤ ${unit(target)}`);

function profileTable(name: string, p: Profile): string {
  const t = TARGETS[name] ?? {};
  const s = p.storefront, w = p.widget;
  const link = !p.link.down_kbit_s ? 'localhost through the proxy, no shaping' : `${p.link.rtt_ms} ms RTT, ${p.link.down_kbit_s} / ${p.link.up_kbit_s} kbit/s`;
  const rows: string[][] = [
    ['first carousel, storefront home', limit(t.carousel, (x) => `${ms(x)} ms`), `${ms(s.first_carousel_ms)} (runs ${runs(s.first_carousel_runs_ms)})`, met(s.first_carousel_ms, t.carousel)],
    ['first carousel, widget `examples/plain.html`', limit(t.carousel, (x) => `${ms(x)} ms`), `${ms(w.first_carousel_ms)} (runs ${runs(w.first_carousel_runs_ms)})`, met(w.first_carousel_ms, t.carousel)],
    ['data bytes before it, storefront / widget', limit(t.data, kB), `${kB(s.data_bytes_before_first_carousel)} / ${kB(w.data_bytes_before_first_carousel)}`, met(Math.max(s.data_bytes_before_first_carousel, w.data_bytes_before_first_carousel), t.data)],
    ['code bytes before it, storefront / widget', '—', `${kB(s.code_bytes_before_first_carousel)} / ${kB(w.code_bytes_before_first_carousel)}`, ''],
    ['Because you viewed, first visit to a product page (`/?item=…`)', limit(t.product, (x) => `${ms(x)} ms`), `${ms(s.product_page_because_you_viewed_ms)} (runs ${runs(s.product_page_runs_ms)})`, met(s.product_page_because_you_viewed_ms, t.product)],
    ['first event → personal For you on screen', limit(t.event, (x) => `${ms(x)} ms`), ms(s.first_event_to_personal_for_you_ms), met(s.first_event_to_personal_for_you_ms, t.event)],
    ['all bytes, first session (10 views + 1 add-to-cart)', limit(t.session, MB), `${MB(s.first_session.all_bytes)} (data ${MB(s.first_session.data_bytes)}, code ${MB(s.first_session.code_bytes)})`, met(s.first_session.all_bytes, t.session)],
    ['returning visit: data body bytes again / revalidation heads', '0', `0 / ${s.returning.data_bytes} B (${s.returning.requests} requests, ${s.returning.files.every((f) => f.status === 304) ? 'all 304' : 'not all 304'})`, s.returning.files.every((f) => f.status === 304) ? 'yes' : 'no'],
    ['returning visit: personal For you on screen', limit(t.returning, (x) => `${ms(x)} ms`), ms(s.returning.personal_for_you_ms), met(s.returning.personal_for_you_ms, t.returning)],
  ];
  return [
    `**${name}** (${link}; median of ${p.loads} cold loads)`,
    '',
    '| figure | target | measured (ms unless said) | met? |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function filesTable(files: FileRow[]): string {
  const got = files.filter((f) => f.status !== 0);
  const total = got.reduce((n, f) => n + f.bytes, 0);
  return [
    '| file | kind | bytes | arrived (ms) |',
    '| --- | --- | --- | --- |',
    ...got.map((f) => `| \`${f.path}\` | ${f.kind} | ${f.bytes.toLocaleString('en')} | ${f.end_ms === null ? '—' : ms(f.end_ms)} |`),
    `| **total** | | **${total.toLocaleString('en')}** | |`,
    ...(got.length < files.length ? ['', `Asked for but not sent before the list was on screen (the page was closed): ${files.filter((f) => f.status === 0).map((f) => `\`${f.path}\``).join(', ')}.`] : []),
  ].join('\n');
}

const report = JSON.parse(readFileSync(process.argv[2] ?? 'bench/results.json', 'utf8')) as { network: Record<string, Profile>; meta: { date: string } };
const out: string[] = [];
for (const [name, p] of Object.entries(report.network)) out.push(profileTable(name, p));
const slow = report.network.slow4g;
if (slow) {
  out.push('**Bytes per file, a first visit on Slow 4G** (cold load, 10 views and an add-to-cart):', filesTable(slow.first_visit_files));
  out.push('**A first visit straight to a product page on Slow 4G** (until Because you viewed is on screen):', filesTable(slow.storefront.product_page_files));
}
console.log(`<!-- bench/readme-tables.ts, run of ${report.meta.date} -->\n\n${out.join('\n\n')}`);
