/**
 * `npx tsx collector/simulate.ts`: runs the simulation test's scenario (10,000 synthetic devices
 * through a real collector, at ε and ε/2) and prints its figures as Markdown for the README.
 */
import { predictedStdError, Z95 } from '../src/core/ldp';
import { OUTCOME_BITS } from '../src/shared/report';
import { SCENARIO, simulate } from './simulate-devices';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const { truths, devices, epsilon, seed } = SCENARIO;
const runs = [
  { epsilon, result: await simulate(truths, devices, epsilon, seed) },
  { epsilon: epsilon / 2, result: await simulate(truths, devices, epsilon / 2, seed + 1) },
];

console.log(`${devices.toLocaleString('en')} devices, seed ${seed}; ε per bit ${epsilon} and ${epsilon / 2}.\n`);
console.log('| ε/bit | variant | outcome | reports | true | estimate | 95% CI | half-width | in CI |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { epsilon: eps, result } of runs) {
  for (const t of truths) {
    const v = result.summary.variants.find((x) => x.variant === t.name)!;
    for (const bit of OUTCOME_BITS) {
      const truth = bit === 'clicked' ? t.ctr : t.conversion;
      const e = v.rates[bit];
      const inside = e.ci95[0] <= truth && truth <= e.ci95[1];
      console.log(`| ${eps} | ${t.name} | ${bit === 'clicked' ? 'CTR' : 'conversion'} | ${e.n} | ${pct(truth)} | ${pct(e.estimate)} | ` +
        `${pct(e.ci95[0])} – ${pct(e.ci95[1])} | ${pct(Z95 * e.stdError)} | ${inside ? 'yes' : 'NO'} |`);
    }
  }
}

console.log('\n| variant | outcome | half-width ratio ε/2 : ε, measured | predicted | measured / predicted |');
console.log('| --- | --- | --- | --- | --- |');
for (const t of truths) {
  for (const bit of OUTCOME_BITS) {
    const truth = bit === 'clicked' ? t.ctr : t.conversion;
    const [a, b] = runs.map((r) => r.result.summary.variants.find((x) => x.variant === t.name)!.rates[bit]);
    const measured = b.stdError / a.stdError;
    const predicted = predictedStdError(truth, b.n, epsilon / 2) / predictedStdError(truth, a.n, epsilon);
    console.log(`| ${t.name} | ${bit === 'clicked' ? 'CTR' : 'conversion'} | ${measured.toFixed(3)} | ${predicted.toFixed(3)} | ${(measured / predicted).toFixed(3)} |`);
  }
}

console.log('\n| ε/bit | outcome | fusion-b − control | 95% CI | verdict |');
console.log('| --- | --- | --- | --- | --- |');
for (const { epsilon: eps, result } of runs) {
  for (const c of result.summary.comparisons) {
    console.log(`| ${eps} | ${c.bit === 'clicked' ? 'CTR' : 'conversion'} | ${pct(c.difference)} | ${pct(c.ci95[0])} – ${pct(c.ci95[1])} | ${c.better ? `${c.better} better` : 'no verdict yet'} |`);
  }
}
