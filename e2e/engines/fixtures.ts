/**
 * Fixtures of the cross-engine scenarios (`*.engines.ts`, run by the Playwright projects
 * `engine-chromium`, `engine-firefox` and `engine-webkit`): per worker, the engine and a test
 * server in front of the preview server; per test, a fresh shopper. After each test, the same
 * guards as the Chromium suite, in every engine: every request the test server saw was a GET of
 * the app without a body (and without a query, but for page navigations), every request the
 * engine itself reported was of the app's origin, and no page collected an uncaught error, a
 * console error or a CSP violation.
 */
import { test as base, expect } from '@playwright/test';
import { launchEngine, type EngineDriver } from './drivers';
import type { EngineOptions } from './engines';
import { ShopTab } from './shop-tab';
import { startTestServer, type TestServer } from './test-server';

interface WorkerFixtures {
  driver: EngineDriver;
  server: TestServer;
}

interface TestFixtures {
  /** Opens a tab of this test's shopper (all its tabs share one fresh profile). */
  shop: { tab(): Promise<ShopTab>; server: TestServer };
}

export const test = base.extend<TestFixtures & EngineOptions, WorkerFixtures>({
  engine: ['chromium', { option: true }],

  driver: [
    async ({}, use, workerInfo) => {
      const driver = await launchEngine((workerInfo.project.use as EngineOptions).engine);
      await use(driver);
      await driver.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],

  server: [
    async ({}, use, workerInfo) => {
      const server = await startTestServer(workerInfo.project.use.baseURL!);
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],

  shop: async ({ driver, server }, use) => {
    const shopper = await driver.newShopper();
    const tabs: ShopTab[] = [];
    const first = server.requests.length;
    await use({
      tab: async () => {
        const tab = new ShopTab(await shopper.newTab(), server.origin);
        tabs.push(tab);
        return tab;
      },
      server,
    });
    const problems: string[] = [];
    for (const tab of tabs) {
      const probe = await tab.probe().catch(() => undefined); // a tab the test closed
      if (probe) problems.push(...probe.errors, ...probe.violations.map((v) => `CSP violation: ${v}`));
    }
    const requests = server.requests.slice(first);
    const engineRequests = shopper.engineRequests();
    await shopper.close();
    server.retitle({});
    const offending = requests.filter((r) => r.method !== 'GET' || r.bodyBytes > 0 || (!r.navigation && r.url.includes('?')));
    expect(offending, 'requests that are not plain GETs of the app').toEqual([]);
    const foreign = engineRequests.filter((u) => !u.startsWith(server.origin) && !/^(data|blob):/.test(u));
    expect(foreign, 'requests to another origin').toEqual([]);
    expect(problems, 'uncaught errors, console errors and CSP violations').toEqual([]);
  },
});

export { expect };
