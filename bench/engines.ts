/**
 * Per-engine figures (issue 15): the storefront's first carousel on a cold visit and event → For
 * you on screen, in every engine installed (Chromium, Firefox, WebKit), through the same drivers
 * as the cross-engine scenarios (e2e/engines/drivers.ts), so a regression in one engine shows.
 * Figures, not assertions: an engine that fails is noted, not fatal.
 */
import { launchEngine } from '../e2e/engines/drivers';
import { ENGINES, missingEngine, type EngineName } from '../e2e/engines/engines';
import { median, round } from './lib';

export interface EngineFigures {
  first_carousel_cold_ms: number | null;
  first_carousel_runs_ms: number[];
  /** track(view) → whenIdle (the new lists rendered), median over the events. */
  event_to_for_you_ms: number | null;
  backend?: string;
  note?: string;
}

const LIMIT_MS = 180_000;

function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${LIMIT_MS / 1000} s`)), LIMIT_MS);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

async function measureOne(name: EngineName, appUrl: string, loads: number, events: number): Promise<EngineFigures> {
  const driver = await launchEngine(name);
  const out: EngineFigures = { first_carousel_cold_ms: null, first_carousel_runs_ms: [], event_to_for_you_ms: null };
  try {
    // One throwaway load: browser start-up and server warm-up are not a shopper's first visit.
    const warm = await driver.newShopper();
    await (await warm.newTab()).goto(appUrl);
    await warm.close();
    const perEvent: number[] = [];
    for (let i = 0; i < loads; i++) {
      const shopper = await driver.newShopper();
      try {
        const tab = await shopper.newTab();
        await tab.goto(appUrl);
        const first = await tab.evaluate(async () => {
          type Hook = { timings(): { firstCarousel?: number } };
          for (let t = 0; t < 600; t++) {
            const ms = (globalThis as { __shelfwise?: Hook }).__shelfwise?.timings().firstCarousel;
            if (ms !== undefined) return ms;
            await new Promise((r) => setTimeout(r, 100));
          }
          return null;
        }, null);
        if (first !== null) out.first_carousel_runs_ms.push(round(first));
        if (i > 0) continue;
        const measured = await tab.evaluate(async (n) => {
          type Hook = { whenIdle(): Promise<void>; recommend(s: string, k: number): Promise<string[]>; track(t: string, id: string): Promise<void>; status(): Promise<{ backend?: string }> };
          const qa = (globalThis as unknown as { __shelfwise: Hook }).__shelfwise;
          await qa.whenIdle();
          const ids = await qa.recommend('trending', n);
          const times: number[] = [];
          for (const id of ids) {
            const t0 = performance.now();
            await qa.track('view', id);
            await qa.whenIdle();
            times.push(performance.now() - t0);
          }
          return { times, backend: (await qa.status()).backend };
        }, events);
        // The first event also starts TensorFlow.js: the rest are the learning loop.
        perEvent.push(...measured.times.slice(1));
        out.backend = measured.backend;
      } finally {
        await shopper.close();
      }
    }
    out.first_carousel_cold_ms = out.first_carousel_runs_ms.length ? round(median(out.first_carousel_runs_ms)) : null;
    out.event_to_for_you_ms = perEvent.length ? round(median(perEvent)) : null;
    return out;
  } finally {
    await driver.close();
  }
}

/** Every installed engine's figures; a missing or failing engine is noted. */
export async function measureEngines(appUrl: string, loads: number, events: number, log: (m: string) => void): Promise<Record<EngineName, EngineFigures>> {
  const out = {} as Record<EngineName, EngineFigures>;
  for (const name of ENGINES) {
    const missing = missingEngine(name);
    const empty: EngineFigures = { first_carousel_cold_ms: null, first_carousel_runs_ms: [], event_to_for_you_ms: null };
    if (missing) {
      out[name] = { ...empty, note: `skipped: ${missing}` };
      continue;
    }
    log(`engine ${name}`);
    out[name] = await bounded(measureOne(name, appUrl, loads, events), name).catch((err: unknown) => ({ ...empty, note: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }));
  }
  return out;
}

export function enginesTable(figures: Record<EngineName, EngineFigures>): string {
  const rows = ENGINES.map((n) => {
    const f = figures[n];
    return `  ${n.padEnd(9)} first carousel (cold) ${String(f.first_carousel_cold_ms ?? '—').padStart(6)} ms   event → For you ${String(f.event_to_for_you_ms ?? '—').padStart(6)} ms   backend ${f.backend ?? '—'}${f.note ? `   (${f.note})` : ''}`;
  });
  return ['Per engine (localhost, cold profile per load):', ...rows].join('\n');
}
