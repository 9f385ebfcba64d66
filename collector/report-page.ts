/** The merchant report page: server-rendered HTML with inline styles and no external assets. */
import { reportEpsilon } from '../src/core/ldp';
import type { OutcomeBit } from '../src/shared/report';
import type { Summary, VariantComparison } from './summary';

const LABEL: Record<OutcomeBit, string> = { clicked: 'CTR', converted: 'Conversion' };

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number) => (Number.isFinite(x) ? `${x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)}%` : '–');
const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`;

function rateCell(e: { estimate: number; ci95: [number, number] }): string {
  // Shown raw, even below 0%: clamping would hide that the comparisons use the unbiased value.
  return `<td><strong>${pct(e.estimate)}</strong><br><small>95% CI ${pct(e.ci95[0])} – ${pct(e.ci95[1])}</small></td>`;
}

function comparisonRow(c: VariantComparison): string {
  const verdict = c.better ? `${escape(c.better)} better` : 'no verdict yet';
  return `<tr><td>${LABEL[c.bit]}</td><td>${escape(c.variant)} vs ${escape(c.control)}</td>` +
    `<td>${pp(c.difference)}<br><small>95% CI ${pp(c.ci95[0])} to ${pp(c.ci95[1])}</small></td>` +
    `<td class="${c.better ? 'verdict' : 'pending'}">${verdict}</td></tr>`;
}

export function renderReportPage(s: Summary): string {
  const variantRows = s.variants.map((v) =>
    `<tr data-variant="${escape(v.variant)}"><th scope="row">${escape(v.variant)}${v.variant === s.control ? ' <small>(control)</small>' : ''}</th>` +
    `<td>${v.reports}</td>${rateCell(v.rates.clicked)}${rateCell(v.rates.converted)}` +
    `<td>${v.epsilons.map((e) => `${e} per bit, ${reportEpsilon(e)} per report`).join('<br>')}</td></tr>`).join('\n');
  const body = s.variants.length === 0
    ? '<p>No reports yet.</p>'
    : `<p>Reports received ${s.days ? `${s.days.first} to ${s.days.last}` : ''} (UTC days). Each report is one device-day,
  randomized per bit on the device; the rates below are de-biased, and their intervals include that noise.</p>
<table><caption>Variants</caption>
<thead><tr><th>Variant</th><th>Reports</th><th>CTR</th><th>Conversion</th><th>ε</th></tr></thead>
<tbody>
${variantRows}
</tbody></table>
<table><caption>Comparisons with the control</caption>
<thead><tr><th>Outcome</th><th>Variants</th><th>Difference</th><th>Verdict</th></tr></thead>
<tbody>
${s.comparisons.map(comparisonRow).join('\n') || '<tr><td colspan="4">Only one variant so far.</td></tr>'}
</tbody></table>
<p><small>A verdict appears only when the 95% interval of the difference excludes zero (family-wise,
Bonferroni, when several variants are compared). CTR: share of device-days with a click on a
recommendation; conversion: share with an add-to-cart or purchase after such a click. An estimate
can fall below 0% or above 100% where the noise outweighs few reports; read the interval.</small></p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shelfwise report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1.5rem 0; }
caption { text-align: left; font-weight: 600; margin-bottom: .5rem; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
small { color: #666; } .verdict { color: #05662e; font-weight: 600; } .pending { color: #8a6d00; }
</style></head>
<body><h1>Shelfwise: private aggregate report</h1>
${body}
</body></html>
`;
}
