import { describe, expect, it } from 'vitest';
import { createRetryBudget } from '../../src/safety/retry-budget.ts';

describe('createRetryBudget', () => {
  it('allows budget × requests retries plus the minimum, then refuses', () => {
    const budget = createRetryBudget({ budget: 0.2, window: 10_000, minRetries: 3 });
    for (let i = 0; i < 100; i++) budget.onRequest(i);
    expect(budget.available(100)).toBe(23);
    let granted = 0;
    while (budget.tryRetry(100)) granted++;
    expect(granted).toBe(23);
    expect(budget.available(100)).toBe(0);
  });

  it('lets a quiet upstream retry a little', () => {
    const budget = createRetryBudget({ budget: 0.2 });
    budget.onRequest(0);
    expect([budget.tryRetry(0), budget.tryRetry(0), budget.tryRetry(0), budget.tryRetry(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('refills as spent retries leave the window', () => {
    const budget = createRetryBudget({ budget: 0, window: 1_000, minRetries: 1 });
    expect(budget.tryRetry(0)).toBe(true);
    expect(budget.tryRetry(500)).toBe(false);
    expect(budget.tryRetry(1_000)).toBe(true);
  });

  it('allows no retry with a zero budget and no minimum', () => {
    const budget = createRetryBudget({ budget: 0, minRetries: 0 });
    for (let i = 0; i < 10; i++) budget.onRequest(i);
    expect(budget.tryRetry(10)).toBe(false);
  });
});
