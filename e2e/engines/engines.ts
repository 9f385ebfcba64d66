/** The engines the cross-engine scenarios run in (one Playwright project each, see playwright.config.ts). */
export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

/** The option each `engine-*` project sets. */
export interface EngineOptions {
  engine: EngineName;
}
