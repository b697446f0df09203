import { describe, expect, it } from 'vitest';
import { createOutlierTracker } from './outlier-ejection.ts';

const config = { consecutiveFailures: 2, ejectFor: 1_000, maxEjectFor: 3_000, maxEjectedPercent: 50 };
const always = () => true;

describe('createOutlierTracker', () => {
  it('ejects after consecutive failures, for twice as long each time, up to the maximum', () => {
    const tracker = createOutlierTracker(config);
    expect(tracker.onFailure(0, always)).toBe(false);
    expect(tracker.onFailure(0, always)).toBe(true);
    expect(tracker.ejectedUntil(0)).toBe(1_000);
    expect(tracker.isEjected(999)).toBe(true);
    expect(tracker.isEjected(1_000)).toBe(false);
    tracker.onFailure(1_000, always);
    tracker.onFailure(1_000, always);
    expect(tracker.ejectedUntil(1_000)).toBe(3_000);
    tracker.onFailure(3_000, always);
    tracker.onFailure(3_000, always);
    expect(tracker.ejectedUntil(3_000)).toBe(6_000); // 4 s, held to the 3 s maximum
  });

  it('a success in between resets the count of failures', () => {
    const tracker = createOutlierTracker(config);
    tracker.onFailure(0, always);
    tracker.onSuccess(0);
    expect(tracker.onFailure(0, always)).toBe(false);
  });

  it('does not eject when the set refuses, nor count failures of requests sent before an ejection', () => {
    const tracker = createOutlierTracker(config);
    tracker.onFailure(0, () => false);
    expect(tracker.onFailure(0, () => false)).toBe(false);
    expect(tracker.isEjected(0)).toBe(false);
    expect(tracker.onFailure(0, always)).toBe(true);
    expect(tracker.onFailure(10, always)).toBe(false);
    expect(tracker.consecutiveFailures).toBe(0);
  });

  it('forgets the growth after serving for the maximum without an ejection', () => {
    const tracker = createOutlierTracker(config);
    tracker.onFailure(0, always);
    tracker.onFailure(0, always);
    tracker.onSuccess(5_000);
    expect(tracker.ejections).toBe(0);
  });

  it('never ejects when consecutiveFailures is 0', () => {
    const tracker = createOutlierTracker({ ...config, consecutiveFailures: 0 });
    for (let i = 0; i < 10; i++) expect(tracker.onFailure(0, always)).toBe(false);
  });
});
