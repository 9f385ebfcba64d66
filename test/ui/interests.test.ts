import { describe, expect, it } from 'vitest';
import { interestLabel, percent } from '../../src/client/interest-labels';

describe('interests shown in "Your data"', () => {
  it('never rounds a present share to 0%, and names each bar with the interest and its share', () => {
    expect(percent(0)).toBe('0%');
    expect(percent(0.001)).toBe('1%');
    expect(percent(0.456)).toBe('46%');
    expect(interestLabel({ name: 'Mario (Nintendo DS)', share: 0.62 })).toBe('Mario (Nintendo DS), 62% of your activity');
  });
});
