import { describe, expect, it } from 'vitest';
import { evaluateWeights, tuneFusionWeights, tuningCase } from '../../src/core/tune-fusion';
import { createRng } from '../../src/core/random';

describe('fusion tuning', () => {
  // 100 cases over 50 items: the "next" signal always puts the target on top, "content" is noise.
  const rng = createRng(5);
  const cases = Array.from({ length: 100 }, (_, c) => {
    const target = c % 50;
    const next = Float32Array.from({ length: 50 }, (_, i) => (i === target ? 2 : rng.next()));
    const content = Float32Array.from({ length: 50 }, () => rng.next());
    return tuningCase([
      { name: 'next', weight: 1, scores: next },
      { name: 'content', weight: 1, scores: content },
    ], target, []);
  });
  const start = { cf: 0, lastItem: 0, next: 0.1, cooc: 0, content: 3, popularity: 0, sequence: 0 };

  it('evaluates a weighting by the ranks it gives', () => {
    expect(evaluateWeights(cases, { ...start, next: 1, content: 0 })['hr@10']).toBe(1);
    expect(evaluateWeights(cases, { ...start, next: 0, content: 1 })['hr@10']).toBeLessThan(0.5);
  });

  it('moves weight to the informative signal', () => {
    const before = evaluateWeights(cases, start)['hr@10'];
    const { weights, metrics } = tuneFusionWeights(cases, start);
    expect(metrics['hr@10']).toBe(1);
    expect(metrics['hr@10']).toBeGreaterThan(before);
    expect(weights.next / Math.max(weights.content, 1e-9)).toBeGreaterThan(1);
  });
});
