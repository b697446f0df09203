import { describe, expect, it } from 'vitest';
import { createMirrorHealth } from '../../src/shadow/mirror-health.ts';

describe('the mirror path breaker', () => {
  it('pauses a route after consecutive failures, lets one probe through after the pause, and resumes on success', () => {
    const health = createMirrorHealth();
    const settings = { pauseAfterFailures: 3, pauseFor: 1_000 };
    for (let i = 0; i < 2; i += 1) health.record('r', settings, false, 0);
    expect(health.allow('r', settings, 0)).toBe(true);
    health.record('r', settings, false, 10);
    expect(health.allow('r', settings, 500)).toBe(false);
    expect(health.allow('other', settings, 500)).toBe(true);
    expect(health.allow('r', settings, 1_010)).toBe(true);
    expect(health.allow('r', settings, 1_011)).toBe(false);
    health.record('r', settings, false, 1_020);
    expect(health.allow('r', settings, 1_500)).toBe(false);
    expect(health.allow('r', settings, 2_020)).toBe(true);
    health.record('r', settings, true, 2_030);
    expect(health.allow('r', settings, 2_031)).toBe(true);
    expect(health.allow('r', settings, 2_032)).toBe(true);
  });

  it('lets another probe through when one never reported (it was skipped after being allowed)', () => {
    const health = createMirrorHealth();
    const settings = { pauseAfterFailures: 1, pauseFor: 1_000 };
    health.record('r', settings, false, 0);
    expect(health.allow('r', settings, 1_000)).toBe(true);
    expect(health.allow('r', settings, 1_500)).toBe(false);
    expect(health.allow('r', settings, 2_000)).toBe(true);
  });

  it('never pauses when pauseAfterFailures is 0', () => {
    const health = createMirrorHealth();
    const settings = { pauseAfterFailures: 0, pauseFor: 1_000 };
    for (let i = 0; i < 20; i += 1) health.record('r', settings, false, i);
    expect(health.allow('r', settings, 21)).toBe(true);
  });

  it('a success in between resets the count', () => {
    const health = createMirrorHealth();
    const settings = { pauseAfterFailures: 2, pauseFor: 1_000 };
    health.record('r', settings, false, 0);
    health.record('r', settings, true, 1);
    health.record('r', settings, false, 2);
    expect(health.allow('r', settings, 3)).toBe(true);
  });
});
