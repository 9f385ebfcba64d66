/**
 * Synthetic devices for the simulation test and `collector/simulate.ts`: each device assigns
 * itself a variant, draws a day's true outcomes from known rates, noises them exactly as a real
 * device does (buildReport) and posts the report to a real collector over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assignVariant } from '../src/core/experiments';
import { buildReport } from '../src/core/ldp';
import { mulberry32 } from '../src/core/random';
import { startCollector } from './app';
import type { Summary } from './summary';

export interface VariantTruth {
  name: string;
  /** True share of device-days with a click on a recommendation. */
  ctr: number;
  /** True share of device-days with a conversion after such a click (at most ctr). */
  conversion: number;
}

/**
 * The scenario, shared by the simulation test and `collector/simulate.ts` so that the
 * documented figures are the tested ones. The CTR gap is one that 10,000 device-days at ε = 1 per
 * bit detect reliably (a 0.08 vs 0.12 gap needs about 20,000 for 80% power).
 */
export const SCENARIO = {
  truths: [
    { name: 'control', ctr: 0.08, conversion: 0.02 },
    { name: 'fusion-b', ctr: 0.16, conversion: 0.04 },
  ] as VariantTruth[],
  devices: 10_000,
  epsilon: 1,
  seed: 4,
};

export interface SimulationResult {
  summary: Summary;
  /** HTTP status of every report, by count. */
  statuses: Record<number, number>;
}

/** POSTs one body over a keep-alive agent (node:http is ~4x cheaper per request here than fetch). */
function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts `devices` reports to `url` in concurrent batches; each simulated device has its own address. */
export async function sendDeviceReports(url: string, truths: VariantTruth[], devices: number, epsilon: number, seed: number): Promise<Record<number, number>> {
  const rand = mulberry32(seed);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const target = new URL('/report', url);
  const statuses: Record<number, number> = {};
  const BATCH = 200;
  try {
    for (let start = 0; start < devices; start += BATCH) {
      const batch: Promise<number>[] = [];
      for (let d = start; d < Math.min(devices, start + BATCH); d++) {
        const truth = truths.find((t) => t.name === assignVariant(truths, d))!;
        const clicked = rand() < truth.ctr;
        const converted = clicked && rand() < truth.conversion / truth.ctr;
        const report = buildReport(truth.name, { clicked, converted }, epsilon, rand);
        // A documentation-range address (RFC 3849) per device, read by the collector's trustProxy.
        const headers = { 'content-type': 'application/json', 'x-forwarded-for': `2001:db8::${d.toString(16)}` };
        batch.push(post(agent, target, headers, JSON.stringify(report)));
      }
      for (const status of await Promise.all(batch)) statuses[status] = (statuses[status] ?? 0) + 1;
    }
  } finally {
    agent.destroy();
  }
  return statuses;
}

/** One full run: a fresh collector on a temp database, the devices' reports, then its summary. */
export async function simulate(truths: VariantTruth[], devices: number, epsilon: number, seed: number): Promise<SimulationResult> {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-sim-'));
  const collector = await startCollector({ db: join(dir, 'sim.sqlite'), port: 0, trustProxy: true });
  try {
    const statuses = await sendDeviceReports(collector.url, truths, devices, epsilon, seed);
    const summary = (await (await fetch(`${collector.url}/report.json`)).json()) as Summary;
    return { summary, statuses };
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
