/**
 * The widget under a strict Content-Security-Policy: no 'unsafe-inline', no 'unsafe-eval'. The
 * policy is sent with the page AND with every widget file, so the worker (whose policy comes from
 * its own script's response) runs under it too. Violations are collected from the page's
 * `securitypolicyviolation` events; the worker's refusals show up as console errors, which the
 * fixture fails on.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { rewriteExamplePage, STRICT_CSP, WidgetPage } from './pages/widget';

/** Sends `csp` with the example page and every widget file (entry, worker, chunks). */
async function serveWithCsp(page: Page, context: BrowserContext, csp: string): Promise<void> {
  await rewriteExamplePage(page, { headers: { 'content-security-policy': csp } });
  await context.route('**/shelfwise/**', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
}

async function collectViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    // Violations of the document bubble to the window (e2e compiles without DOM types).
    const w = globalThis as unknown as {
      cspViolations: string[];
      addEventListener(type: 'securitypolicyviolation', cb: (e: { effectiveDirective: string; blockedURI: string }) => void): void;
    };
    w.cspViolations = [];
    w.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
}

function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
}

test('under the documented strict CSP the widget works with no violation and no console error', async ({ page, context }) => {
  await collectViolations(page);
  await serveWithCsp(page, context, STRICT_CSP);
  const widget = new WidgetPage(page);
  const response = await page.goto('/examples/plain.html');
  expect(response?.headers()['content-security-policy']).toBe(STRICT_CSP);
  await page.waitForFunction(() => 'shelfwise' in globalThis);
  await widget.whenCarouselsShown();

  await test.step('carousels render, marked clicks are recorded, the learning backend starts', async () => {
    await widget.product('vg-800').getByText('Details').click();
    await expect.poll(() => widget.eventCount()).toBe(1);
    await widget.whenIdle();
    await expect(widget.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    const status = await widget.status();
    expect(status.backend, status.backendReason).toBeDefined();
    expect(status.errors).toEqual([]);
    test.info().annotations.push({ type: 'backend under CSP', description: `${status.backend}: ${status.backendReason}` });
  });

  await test.step('no CSP violation was reported', async () => {
    expect(await violations(page)).toEqual([]);
  });
});

test.describe('without wasm-unsafe-eval', () => {
  // The worker may not compile WebAssembly: the WASM backend is refused and another one is used.
  test.use({ expectedConsoleErrors: [/WebAssembly|wasm-unsafe-eval|Refused to compile/i] });

  test('the widget still works: the engine falls back from the WASM backend', async ({ page, context }) => {
    await collectViolations(page);
    await serveWithCsp(page, context, STRICT_CSP.replace(" 'wasm-unsafe-eval'", ''));
    const widget = new WidgetPage(page);
    await widget.open();
    await widget.whenCarouselsShown();
    await widget.product('vg-800').getByText('Details').click();
    await expect.poll(() => widget.eventCount()).toBe(1);
    await widget.whenIdle();
    await expect(widget.carousel('for-you').region).toHaveAttribute('data-personal', 'true');
    const status = await widget.status();
    expect(status.backend).toBeDefined();
    expect(status.backend).not.toBe('wasm');
    test.info().annotations.push({ type: 'backend without wasm-unsafe-eval', description: `${status.backend}: ${status.backendReason}` });
    expect(await violations(page), 'the page itself (not the worker) violates nothing').toEqual([]);
  });
});
