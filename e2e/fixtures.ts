/**
 * Test fixtures shared by every scenario:
 * - a privacy guard: every request the pages of a context (and their workers) make is recorded,
 *   and after each test all of them must be GETs of the app's own origin, without a body, and
 *   (except page navigations) without a query string: no request may carry event data. The one
 *   exception a scenario may declare is a private-report endpoint (`allowedPosts`, issue 8): POSTs
 *   to exactly those URLs pass the guard, and the scenario checks their bodies itself;
 * - console errors and uncaught page/worker errors are collected and fail the test unless the
 *   test declares them expected (`expectedConsoleErrors`);
 * - `newShopper()`: a fresh browser context (empty IndexedDB) under the same guards;
 * - page objects for the storefront.
 */
import { test as base, expect, type BrowserContext, type Page, type Request } from '@playwright/test';
import { Storefront } from './pages/storefront';

export interface RecordedRequest {
  method: string;
  url: string;
  resourceType: string;
  hasBody: boolean;
  fromWorker: boolean;
  navigation: boolean;
}

export interface ContextLog {
  requests: RecordedRequest[];
  errors: string[];
  sockets: string[];
}

function record(request: Request): RecordedRequest {
  let navigation = false;
  let fromWorker = false;
  try {
    request.frame();
    navigation = request.isNavigationRequest();
  } catch {
    // Requests of workers have no frame (and are never navigations).
    fromWorker = true;
  }
  return {
    method: request.method(),
    url: request.url(),
    resourceType: request.resourceType(),
    hasBody: request.postDataBuffer() !== null,
    fromWorker,
    navigation,
  };
}

/** Attaches the network and error recorders to a context (and each page and worker in it). */
export function watchContext(context: BrowserContext): ContextLog {
  const log: ContextLog = { requests: [], errors: [], sockets: [] };
  context.on('request', (r) => log.requests.push(record(r)));
  context.on('weberror', (e) => log.errors.push(`uncaught: ${e.error().message}`));
  const watchPage = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') log.errors.push(`console: ${m.text()}`);
    });
    page.on('worker', (w) => {
      w.on('console', (m) => {
        if (m.type() === 'error') log.errors.push(`worker console: ${m.text()}`);
      });
    });
    page.on('websocket', (ws) => log.sockets.push(ws.url()));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return log;
}

/** The privacy guard: throws (via expect) if any request could have carried data off the device. */
export function assertPrivate(log: ContextLog, origin: string, allowedPosts: readonly string[] = []): void {
  const offending = log.requests.filter((r) => {
    const url = new URL(r.url);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    if (r.method === 'POST' && allowedPosts.includes(r.url)) return false;
    return r.method !== 'GET' || url.origin !== origin || r.hasBody || (!r.navigation && url.search !== '');
  });
  expect(offending, `requests that are not plain GETs of ${origin}`).toEqual([]);
  expect(log.sockets, 'WebSocket connections').toEqual([]);
}

export function assertNoErrors(log: ContextLog, expected: RegExp[]): void {
  const unexpected = log.errors.filter((e) => !expected.some((re) => re.test(e)));
  expect(unexpected, 'console errors and uncaught exceptions').toEqual([]);
}

interface Fixtures {
  /** Error messages (regexps) a scenario provokes on purpose. */
  expectedConsoleErrors: RegExp[];
  /** Exact URLs a scenario allows POSTs to: a private-report endpoint it configured (default none). */
  allowedPosts: string[];
  /** What the default context did on the network and in the console. */
  contextLog: ContextLog;
  /** A fresh shopper: a new browser context (empty IndexedDB) with the same guards. */
  newShopper: () => Promise<Page>;
  storefront: Storefront;
}

export const test = base.extend<Fixtures>({
  expectedConsoleErrors: [[], { option: true }],
  allowedPosts: [[], { option: true }],

  contextLog: [
    async ({ context, baseURL, expectedConsoleErrors, allowedPosts }, use) => {
      const log = watchContext(context);
      await use(log);
      assertPrivate(log, new URL(baseURL!).origin, allowedPosts);
      assertNoErrors(log, expectedConsoleErrors);
    },
    { auto: true },
  ],

  newShopper: async ({ browser, baseURL, expectedConsoleErrors, allowedPosts }, use) => {
    const opened: { context: BrowserContext; log: ContextLog }[] = [];
    await use(async () => {
      const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
      opened.push({ context, log: watchContext(context) });
      return context.newPage();
    });
    for (const { context, log } of opened) {
      await context.close();
      assertPrivate(log, new URL(baseURL!).origin, allowedPosts);
      assertNoErrors(log, expectedConsoleErrors);
    }
  },

  storefront: async ({ page }, use) => {
    await use(new Storefront(page));
  },
});

export { expect };
