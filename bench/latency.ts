/**
 * Latency in a real browser: the built storefront served by `vite preview`, driven in Debian's
 * Chromium through the QA hook. Per backend: time from navigation to the first carousel (first
 * visit) and to the first personal carousel (returning shopper), and from a `view` event to the
 * updated For-you list (engine) and to its being on screen (UI).
 *
 *   npx tsx bench/latency.ts [--events 15] [--backends auto,wasm,webgpu,webgl,cpu] [--out FILE.json]
 *
 * Needs `npm run build` first. Prints a table and, with --out, writes JSON.
 */
import { writeFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { preview } from 'vite';
import { quantile } from '../src/core/metrics';
import type { ShelfwiseWindow } from '../src/ui/qa-hook-api';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const EVENTS = Number(opt('events', '15'));
const BACKENDS = opt('backends', 'auto,wasm,webgpu,webgl,cpu').split(',');
const OUT = opt('out', '');
const FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

const stats = (xs: number[]) => ({ p50: round(quantile(xs, 0.5)), p95: round(quantile(xs, 0.95)), n: xs.length });
const round = (x: number) => Math.round(x * 10) / 10;

async function waitReady(page: Page) {
  await page.waitForFunction(() => (globalThis as unknown as Partial<ShelfwiseWindow>).__shelfwise !== undefined);
  await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.whenIdle());
}

async function main() {
  const server = await preview({ preview: { port: 4317, strictPort: true }, logLevel: 'error' });
  const base = 'http://localhost:4317/';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  const results: Record<string, unknown> = {};
  try {
    for (const backend of BACKENDS) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const url = base + (backend === 'auto' ? '' : `?backend=${backend}`);
      await page.goto(url);
      await waitReady(page);
      const cold = await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.timings());
      const status = await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.status());
      const trending = await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.recommend('trending', 40));
      const toUpdate: number[] = [];
      const toRender: number[] = [];
      for (let i = 0; i < EVENTS; i++) {
        const id = trending[(i * 7) % trending.length];
        const [update, render] = await page.evaluate(async (itemId) => {
          const hook = (globalThis as unknown as ShelfwiseWindow).__shelfwise;
          const before = (await hook.status()).revision;
          const t0 = performance.now();
          await hook.track('view', itemId);
          // The engine bumps its revision when the event is folded in; poll for it.
          for (;;) {
            const s = await hook.status();
            if (s.revision > before && s.phase !== 'learning') break;
          }
          await hook.recommend('for-you', 10);
          const t1 = performance.now();
          await hook.whenIdle();
          return [t1 - t0, performance.now() - t0];
        }, id);
        if (i > 0) {
          // The first event pays one-off costs (kernel compilation); it is reported apart.
          toUpdate.push(update);
          toRender.push(render);
        }
      }
      await page.goto(base + '?item=' + trending[0] + (backend === 'auto' ? '' : `&backend=${backend}`));
      await page.goto(url);
      await waitReady(page);
      const warm = await page.evaluate(() => (globalThis as unknown as ShelfwiseWindow).__shelfwise.timings());
      results[backend] = {
        backend: status.backend,
        backend_reason: status.backendReason,
        first_carousel_ms: { cold: round(cold.firstCarousel ?? NaN), warm: round(warm.firstCarousel ?? NaN) },
        first_personal_carousel_ms: { warm: round(warm.firstPersonalCarousel ?? NaN) },
        event_to_update_ms: stats(toUpdate),
        event_to_render_ms: stats(toRender),
      };
      await context.close();
      const r = results[backend] as Record<string, { p50?: number; p95?: number; cold?: number; warm?: number }>;
      console.log(
        `${backend.padEnd(7)} → ${String(status.backend).padEnd(7)} first carousel cold ${r.first_carousel_ms.cold} ms, ` +
          `first personal (warm) ${r.first_personal_carousel_ms.warm} ms, event→update p50 ${r.event_to_update_ms.p50} / p95 ${r.event_to_update_ms.p95} ms, ` +
          `event→render p50 ${r.event_to_render_ms.p50} / p95 ${r.event_to_render_ms.p95} ms`,
      );
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  const doc = { date: new Date().toISOString(), machine: '2 cores, no GPU, headless Chromium (Debian)', events: EVENTS, results };
  if (OUT) writeFileSync(OUT, JSON.stringify(doc, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
