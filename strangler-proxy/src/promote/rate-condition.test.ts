import { describe, expect, it } from 'vitest';
import { describeMethod, judgeRate } from './rate-condition.ts';

describe('judgeRate', () => {
  it('passes when the 95% upper bound is within the limit (rule of three: 0 of 299 shows ≤ 1%)', () => {
    expect(judgeRate(0, 299, 0.01)).toMatchObject({ state: 'pass', rate: 0, more: 0 });
    expect(judgeRate(0, 299, 0.01).bound.upper).toBeLessThanOrEqual(0.01);
  });

  it('holds while the bound cannot tell, with how many more observations at the rate seen', () => {
    const judged = judgeRate(0, 100, 0.01);
    expect(judged).toMatchObject({ state: 'hold', more: 199 });
    expect(judged.bound.method).toBe('clopper-pearson');
  });

  it('holds with no count when the rate seen is at the limit', () => {
    expect(judgeRate(1, 100, 0.01)).toMatchObject({ state: 'hold', more: null });
  });

  it('fails when the 95% lower bound is above the limit', () => {
    const judged = judgeRate(100, 100, 0.01);
    expect(judged.state).toBe('fail');
    expect(judged.bound.lower).toBeGreaterThan(0.9);
  });

  it('holds with nothing observed, asking for the fewest clean observations', () => {
    expect(judgeRate(0, 0, 0.01)).toMatchObject({ state: 'hold', rate: null, more: 299 });
  });

  it('names the rule of each bound', () => {
    expect(describeMethod(judgeRate(150, 10_000, 0.02).bound.method)).toBe('Wilson');
    expect(describeMethod(judgeRate(1, 10, 0.5).bound.method)).toBe('Clopper–Pearson');
  });
});
