/**
 * One small interface over three ways of driving a browser engine, so that the cross-engine
 * scenarios are written once: Chromium through Playwright, Firefox (Debian's firefox-esr) through
 * puppeteer-core over WebDriver BiDi (Playwright 1.65 cannot drive that Firefox), and WebKit
 * (WebKitGTK's MiniBrowser) through W3C WebDriver (`webdriver-client.ts`). A scenario only opens
 * pages, evaluates functions in them and reloads: everything else goes through the page's own
 * hooks (`window.__shelfwise`, `window.shelfwise`) and the DOM.
 */
import { chromium as playwrightChromium } from '@playwright/test';
import { ENGINE_BINARIES, missingEngine, type EngineName } from './engines';
import { stopWebDriver, WebDriverSession } from './webdriver-client';


/** A function run in the page: self-contained (it is sent as source), one JSON argument. */
export type PageFunction<A, T> = (arg: A) => T | Promise<T>;

export interface EngineTab {
  /** Opens a URL of the test server and waits for its load event. */
  goto(url: string): Promise<void>;
  evaluate<A, T>(fn: PageFunction<A, T>, arg: A): Promise<T>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** One shopper: a fresh profile (empty IndexedDB, Cache Storage, localStorage) with its tabs. */
export interface Shopper {
  newTab(): Promise<EngineTab>;
  /** URLs this shopper's pages and workers requested that the engine itself reported (empty where it cannot). */
  engineRequests(): string[];
  close(): Promise<void>;
}

export interface EngineDriver {
  readonly name: EngineName;
  newShopper(): Promise<Shopper>;
  close(): Promise<void>;
}

async function chromiumDriver(): Promise<EngineDriver> {
  const browser = await playwrightChromium.launch({
    executablePath: ENGINE_BINARIES.chromium.path,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    name: 'chromium',
    async newShopper() {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const seen: string[] = [];
      context.on('request', (r) => seen.push(r.url()));
      return {
        async newTab() {
          const page = await context.newPage();
          return {
            goto: async (url) => void (await page.goto(url)),
            evaluate: <A, T>(fn: PageFunction<A, T>, arg: A) => page.evaluate(fn as (a: unknown) => Promise<T>, arg as unknown),
            reload: async () => void (await page.reload()),
            close: () => page.close(),
          };
        },
        engineRequests: () => seen,
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function firefoxDriver(): Promise<EngineDriver> {
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: ENGINE_BINARIES.firefox.path,
    headless: true,
    // No update checks, telemetry or other traffic of the browser's own.
    extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false, 'toolkit.telemetry.enabled': false },
  });
  return {
    name: 'firefox',
    async newShopper() {
      const context = await browser.createBrowserContext();
      const seen: string[] = [];
      return {
        async newTab() {
          const page = await context.newPage();
          // Requests of the page and of its dedicated workers (WebDriver BiDi network events).
          page.on('request', (r) => void seen.push(r.url()));
          return {
            goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
            evaluate: <A, T>(fn: PageFunction<A, T>, arg: A) => page.evaluate(fn as unknown as (a: unknown) => Promise<T>, arg as unknown) as Promise<T>,
            reload: async () => void (await page.reload({ waitUntil: 'load' })),
            close: () => page.close(),
          };
        },
        engineRequests: () => seen,
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function webkitDriver(): Promise<EngineDriver> {
  return {
    name: 'webkit',
    async newShopper() {
      // A WebDriver session is a fresh, ephemeral profile.
      const session = await WebDriverSession.start();
      return {
        newTab: () => session.newTab(),
        engineRequests: () => [],
        close: () => session.close(),
      };
    },
    close: async () => stopWebDriver(),
  };
}

export function launchEngine(name: EngineName): Promise<EngineDriver> {
  const missing = missingEngine(name);
  if (missing) throw new Error(missing);
  return name === 'chromium' ? chromiumDriver() : name === 'firefox' ? firefoxDriver() : webkitDriver();
}
