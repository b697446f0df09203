import { describe, expect, it } from 'vitest';
import { gateSchema } from '../config/schema.ts';
import { decideRoute, formatDuration } from './decide-route.ts';
import { NO_EVIDENCE, type RouteEvidence } from './gate.ts';

const gate = gateSchema.parse({});
const steps = [1, 5, 25, 50, 100];
const clean: RouteEvidence = {
  ...NO_EVIDENCE,
  compared: 1000,
  legacyP95: 10,
  serviceP95: 11,
  // At canary 50%: half the requests, an hour at the step.
  serviceRequests: 500,
  legacyRequests: 500,
  stepDurationMs: 3_600_000,
};

describe('decideRoute', () => {
  it('answers a legacy route’s own question: it may always be shadowed', () => {
    const decided = decideRoute({ position: { stage: 'legacy' }, steps, gate, evidence: undefined });
    expect(decided).toMatchObject({
      verdict: 'ready_to_shadow',
      outcome: 'pass',
      label: 'ready to shadow',
      question: 'may it go from legacy to shadow?',
      next: { stage: 'shadow' },
    });
  });

  it('names the next step of a route that is ready', () => {
    const shadow = decideRoute({ position: { stage: 'shadow' }, steps, gate, evidence: clean });
    expect(shadow).toMatchObject({ verdict: 'ready', label: 'ready for canary 1%' });
    const last = decideRoute({
      position: { stage: 'canary', percent: 50 },
      steps,
      gate,
      evidence: clean,
    });
    expect(last).toMatchObject({ verdict: 'ready', label: 'ready to migrate', next: { stage: 'migrated' } });
  });

  it('holds with how many more observations and about how long at the recent pace', () => {
    const decided = decideRoute({
      position: { stage: 'shadow' },
      steps,
      gate,
      evidence: { ...clean, compared: 100, pacePerMinute: 10 },
    });
    expect(decided).toMatchObject({ verdict: 'hold', outcome: 'hold', more: 199, etaMs: 19.9 * 60_000 });
    expect(decided.reason).toMatch(/— 199 more needed, about 20 min at the recent pace$/);
    const idle = decideRoute({
      position: { stage: 'shadow' },
      steps,
      gate,
      evidence: { ...clean, compared: 100 },
    });
    expect(idle).toMatchObject({ more: 199, etaMs: null });
    expect(idle.reason).toMatch(/no recent traffic to time it by$/);
  });

  it('holds without a count when the rate seen can never pass', () => {
    const decided = decideRoute({
      position: { stage: 'shadow' },
      steps,
      gate,
      evidence: { ...clean, compared: 100, mismatched: 1, pacePerMinute: 10 },
    });
    expect(decided).toMatchObject({ verdict: 'hold', more: null, etaMs: null });
  });

  it('names a failure by the service’s errors first, then mismatches, then latency', () => {
    const both = decideRoute({
      position: { stage: 'shadow' },
      steps,
      gate,
      evidence: { ...clean, mismatched: 100, errors: 100, failedPairs: 100, serviceP95: 100 },
    });
    expect(both).toMatchObject({ verdict: 'failing', outcome: 'fail' });
    expect(both.reason.indexOf('service error rate')).toBeLessThan(both.reason.indexOf('mismatch rate'));
    const slower = decideRoute({
      position: { stage: 'shadow' },
      steps,
      gate,
      evidence: { ...clean, serviceP95: 100 },
    });
    expect(slower).toMatchObject({ verdict: 'slower', label: 'slower' });
  });

  it('says a canary the proxy rolled back is rolled back, whatever its figures, unless forced', () => {
    const evidence = { ...clean, autoRollback: { at: Date.UTC(2026, 0, 1), detail: 'error rate 30%' } };
    const position = { stage: 'canary', percent: 5 } as const;
    const decided = decideRoute({ position, steps, gate, evidence });
    expect(decided).toMatchObject({ verdict: 'rolled_back', outcome: 'fail', gate: { proceed: false } });
    expect(decided.reason).toContain('2026-01-01T00:00:00.000Z: error rate 30%');
    const forced = decideRoute({ position, steps, gate, evidence, force: true });
    expect(forced.gate).toMatchObject({ proceed: true, forced: true });
  });

  it('has nothing left to gate on a migrated route', () => {
    const decided = decideRoute({ position: { stage: 'migrated' }, steps, gate, evidence: undefined });
    expect(decided).toMatchObject({
      verdict: 'migrated',
      outcome: 'pass',
      next: null,
      gate: { conditions: [] },
    });
  });
});

describe('formatDuration', () => {
  it('rounds to what a pace can promise', () => {
    expect([20_000, 25 * 60_000, 5 * 3_600_000, 3 * 86_400_000].map(formatDuration)).toEqual([
      'under a minute',
      '25 min',
      '5 h',
      '3 days',
    ]);
  });
});
