/**
 * Playwright scenarios against the BUILT storefront (`vite preview`; `npm test` builds first),
 * in Debian's Chromium: Playwright cannot download browsers on these machines.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { ENGINES, missingEngine, type EngineName, type EngineOptions } from './e2e/engines/engines';

const CHROMIUM = process.env.SHELFWISE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(
    `Chromium not found at ${CHROMIUM}. The end-to-end tests run in Debian's Chromium: ` +
      'install it with `sudo apt-get install chromium` (or `apt-get update && apt-get install -y chromium` as root), ' +
      'or point SHELFWISE_CHROMIUM at another Chromium binary.',
  );
}

/** Another port and build folder let two checkouts' runs share a machine (default: dist on 4173). */
const PORT = Number(process.env.SHELFWISE_E2E_PORT ?? 4173);
const DIST = process.env.SHELFWISE_DIST ?? 'dist';
/** Keeps Chromium from reaching the internet on its own, so the privacy guard sees only the app. */
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const FALLBACK_SPEC = /webgpu-fallback\.spec\.ts$/;
/** The cross-engine scenarios (e2e/engines): their own projects, one per engine, with their own drivers. */
const ENGINE_SPECS = /engines\/.*\.engines\.ts$/;
const missing = new Map(ENGINES.map((engine) => [engine, missingEngine(engine)] as const).filter((e): e is [EngineName, string] => e[1] !== undefined));
if (process.argv.some((a) => a.includes('engine-'))) {
  for (const [engine, why] of missing) console.warn(`[test:browsers] ${engine} skipped: ${why}`);
}

export default defineConfig<EngineOptions>({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  forbidOnly: Boolean(process.env.CI),
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    serviceWorkers: 'block',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: FALLBACK_SPEC,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM, args: [...BASE_ARGS, '--enable-unsafe-webgpu'] },
      },
    },
    {
      // Without --enable-unsafe-webgpu, requestAdapter() returns null: forcing WebGPU must fall back.
      name: 'no-webgpu',
      testMatch: FALLBACK_SPEC,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS },
      },
    },
    // Only the engines installed here; `npm run test:browsers` says which were skipped and why.
    ...ENGINES.filter((engine) => !missing.has(engine)).map((engine) => ({ name: `engine-${engine}`, testMatch: ENGINE_SPECS, use: { engine } satisfies EngineOptions })),
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --outDir ${DIST}`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
