import { existsSync } from 'node:fs';

/** The engines the cross-engine scenarios run in (one Playwright project each, see playwright.config.ts). */
export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

/** The option each `engine-*` project sets. */
export interface EngineOptions {
  engine: EngineName;
}

/** What each engine needs installed, said when it is missing. */
export const ENGINE_BINARIES: Record<EngineName, { path: string; needs?: string[]; install: string }> = {
  chromium: { path: process.env.SHELFWISE_CHROMIUM ?? '/usr/bin/chromium', install: 'apt-get install -y chromium' },
  firefox: { path: process.env.SHELFWISE_FIREFOX ?? '/usr/bin/firefox-esr', install: 'apt-get install -y firefox-esr' },
  webkit: {
    path: process.env.SHELFWISE_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver',
    needs: [process.env.SHELFWISE_WEBKIT_BROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/bin/xvfb-run'],
    install: 'apt-get install -y webkit2gtk-driver xvfb',
  },
};

/** Why an engine cannot run here (a file it needs is missing), or undefined. */
export function missingEngine(name: EngineName): string | undefined {
  const { path, needs = [], install } = ENGINE_BINARIES[name];
  const absent = [path, ...needs].find((p) => !existsSync(p));
  return absent === undefined ? undefined : `${absent} not found (${install})`;
}
