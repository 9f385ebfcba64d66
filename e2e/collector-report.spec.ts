/**
 * The collector in a real browser: a storefront page on another origin posts a report across
 * origins (CORS preflight included), and the merchant page renders the de-biased figures.
 * The collector runs in-process on port 8788 with a temporary database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCollector, type Collector } from '../collector/app';
import { sendDeviceReports } from '../collector/simulate-devices';
import type { Summary } from '../collector/summary';

/** The storefront the Playwright config serves (its port may be moved with SHELFWISE_E2E_PORT). */
const PORT = Number(process.env.SHELFWISE_E2E_PORT ?? 4173);
const STOREFRONT = `http://localhost:${PORT}`;
let collector: Collector;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shelfwise-e2e-collector-'));
  collector = await startCollector({ db: join(dir, 'c.sqlite'), port: 8788, allowOrigins: [STOREFRONT], trustProxy: true });
  // A clear CTR gap and a small conversion gap: one verdict, one "no verdict yet".
  await sendDeviceReports(collector.url, [
    { name: 'control', ctr: 0.05, conversion: 0.02 },
    { name: 'fusion-b', ctr: 0.3, conversion: 0.025 },
  ], 3000, 1, 42);
});

test.afterAll(async () => {
  await collector?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs in the page: posts a report to `target` and says what came of it. */
const postFromPage = async (target: string) => {
  try {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' }, // not a "simple" request: forces a preflight
      body: JSON.stringify({ v: 1, variant: 'control', epsilon: 1, bits: { clicked: false, converted: false } }),
    });
    return `${res.status}`;
  } catch {
    return 'blocked';
  }
};

test('a storefront origin may post a report; another origin may not', async ({ page }) => {
  await page.goto(`${STOREFRONT}/merchant.json`);
  expect(await page.evaluate(postFromPage, `${collector.url}/report`)).toBe('204');
  // Same server under another name is another origin, not in the allowed list.
  await page.goto(`http://127.0.0.1:${PORT}/merchant.json`);
  expect(await page.evaluate(postFromPage, `${collector.url}/report`)).toBe('blocked');
  // The refused preflight kept the second POST from being sent at all: 3000 simulated + 1.
  const summary = (await (await fetch(`${collector.url}/report.json`)).json()) as Summary;
  expect(summary.variants.reduce((n, v) => n + v.reports, 0)).toBe(3001);
});

test('the report page shows each variant with CIs and a verdict only where the interval allows', async ({ page }) => {
  await page.goto(collector.url);
  await expect(page.getByRole('heading', { name: /private aggregate report/i })).toBeVisible();
  const variants = page.getByRole('table', { name: 'Variants' });
  await expect(variants.getByRole('row')).toHaveCount(3); // header + control + fusion-b
  await expect(variants.getByRole('rowheader', { name: /control/ })).toBeVisible();
  await expect(variants.getByRole('rowheader', { name: 'fusion-b' })).toBeVisible();
  await expect(variants.getByText(/95% CI \d+\.\d% – \d+\.\d%/).first()).toBeVisible();
  await expect(variants.getByText('1 per bit, 2 per report').first()).toBeVisible();

  const comparisons = page.getByRole('table', { name: 'Comparisons with the control' });
  await expect(comparisons.getByRole('row', { name: /CTR/ })).toContainText('fusion-b better');
  await expect(comparisons.getByRole('row', { name: /Conversion/ })).toContainText('no verdict yet');
  await page.screenshot({ path: test.info().outputPath('report-page.png'), fullPage: true });
});
