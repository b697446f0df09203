import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../src/config/schema.ts';
import {
  NO_EVIDENCE,
  applyGateOverrides,
  evaluateGate,
  evidenceFromReport,
  minimumPairs,
  type RouteEvidence,
} from '../../src/promote/gate.ts';
import { nextMove, previousMove, type Position } from '../../src/promote/plan.ts';
import type { RouteReport } from '../../src/report/report-model.ts';

const gate = gateSchema.parse({}); // 1%, 1%, 1.5×; the minimum of pairs follows from the bound
const steps = [1, 5, 25, 50, 100];
const shadow: Position = { stage: 'shadow' };
const leaveShadow = nextMove(shadow, steps);
const canaryStep = nextMove({ stage: 'canary', percent: 5 }, steps);

// 1,000 pairs in which both sides answered, and one in which the service failed.
const good: RouteEvidence = {
  compared: 1001,
  mismatched: 2,
  errors: 1,
  serviceRequests: 0,
  serviceErrors: 0,
  legacyP95: 100,
  serviceP95: 120,
};

const byName = (result: ReturnType<typeof evaluateGate>) =>
  Object.fromEntries(result.conditions.map((condition) => [condition.name, condition]));

describe('evaluateGate', () => {
  it('passes good evidence leaving shadow, with every condition, its figures, bound and rule', () => {
    const result = evaluateGate(good, gate, leaveShadow);
    expect(result).toMatchObject({ passed: true, outcome: 'pass', forced: false, proceed: true });
    expect(result.conditions.map((condition) => condition.name)).toEqual([
      'min_compared',
      'mismatch_rate',
      'error_rate',
      'latency_ratio',
    ]);
    expect(byName(result)['mismatch_rate']).toMatchObject({
      ok: true,
      state: 'pass',
      actual: 0.002,
      limit: 0.01,
    });
    expect(byName(result)['mismatch_rate']!.message).toBe(
      'mismatch rate 0.2% (2 of 1,000), 95% upper bound 0.63% (Clopper–Pearson) ≤ 1%',
    );
    expect(byName(result)['latency_ratio']).toMatchObject({ ok: true, actual: 1.2, limit: 1.5 });
  });

  it('derives the minimum of pairs from the bound unless it is set', () => {
    expect(minimumPairs(gate)).toBe(299);
    expect(minimumPairs({ ...gate, maxMismatchRate: 0.001 })).toBe(2995);
    expect(minimumPairs({ ...gate, minCompared: 50 })).toBe(50);
    const result = evaluateGate({ ...good, compared: 99, mismatched: 0, errors: 0 }, gate, leaveShadow);
    expect(byName(result)['min_compared']).toMatchObject({
      ok: false,
      state: 'hold',
      actual: 99,
      limit: 299,
      more: 200,
    });
    expect(byName(result)['min_compared']!.message).toBe('99 compared pairs < 299 needed');
    expect(result).toMatchObject({ passed: false, outcome: 'hold' });
  });

  it('holds 0 mismatches in 100 pairs: the upper bound (~3%) does not show a rate under 1%', () => {
    const result = evaluateGate(
      { ...good, compared: 100, mismatched: 0, errors: 0 },
      { ...gate, minCompared: 100 },
      leaveShadow,
    );
    const mismatch = byName(result)['mismatch_rate']!;
    expect(mismatch).toMatchObject({ state: 'hold', actual: 0, more: 199 });
    expect(mismatch.bound?.upper).toBeCloseTo(0.0295, 4);
    expect(mismatch.message).toBe(
      'mismatch rate 0% (0 of 100), 95% upper bound 2.95% (Clopper–Pearson) > 1%: hold: about 199 more pairs at the rate seen so far',
    );
    expect(result.outcome).toBe('hold');
  });

  it('holds 1 mismatch in 100 pairs, at exactly the limit: the rate seen never shows ≤ 1%', () => {
    const result = evaluateGate({ ...good, compared: 100, mismatched: 1, errors: 0 }, gate, leaveShadow);
    const mismatch = byName(result)['mismatch_rate']!;
    expect(mismatch).toMatchObject({ state: 'hold', more: null });
    expect(mismatch.message).toContain('hold: at the rate seen so far the bound never gets under 1%');
    expect(result).toMatchObject({ passed: false, outcome: 'hold', proceed: false });
  });

  it('judges rates between canary steps too, without a minimum of compared pairs', () => {
    const result = evaluateGate(
      { ...good, compared: 0, mismatched: 0, errors: 0, serviceRequests: 400 },
      gate,
      canaryStep,
    );
    expect(result.conditions.map((condition) => condition.name)).not.toContain('min_compared');
    expect(byName(result)['mismatch_rate']).toMatchObject({ state: 'hold', actual: null });
    expect(byName(result)['error_rate']).toMatchObject({ state: 'pass', actual: 0 });
  });

  it('fails a rate whose lower bound is above the limit, and says so with the figures', () => {
    const result = evaluateGate({ ...good, mismatched: 40 }, gate, leaveShadow);
    expect(byName(result)['mismatch_rate']).toMatchObject({ ok: false, state: 'fail', actual: 0.04 });
    expect(byName(result)['mismatch_rate']!.message).toBe(
      'mismatch rate 4% (40 of 1,000), 95% lower bound 3.1% (Wilson) > 1%',
    );
    expect(result).toMatchObject({ passed: false, outcome: 'fail', proceed: false, forced: false });
  });

  it('counts failed shadow pairs and failed served requests in the service error rate', () => {
    const evidence = { ...good, compared: 100, errors: 1, serviceRequests: 100, serviceErrors: 2 };
    const condition = byName(evaluateGate(evidence, gate, canaryStep))['error_rate']!;
    expect(condition).toMatchObject({ ok: false, state: 'hold', actual: 0.015, limit: 0.01 });
    expect(condition.message).toMatch(
      /^service error rate 1\.5% \(1 of 100 shadow pairs, 2 of 100 served\), 95% upper bound 3\.\d+% \(Clopper–Pearson\) > 1%: hold/,
    );
  });

  it('holds the error rate while nothing of the service was observed', () => {
    const result = evaluateGate(undefined, gate, canaryStep);
    expect(byName(result)['error_rate']).toMatchObject({ ok: false, state: 'hold', actual: null, more: 299 });
    expect(result).toMatchObject({ passed: false, outcome: 'hold' });
  });

  it('fails a service that answers 500 to every pair, naming its error rate', () => {
    const result = evaluateGate(
      { ...good, compared: 100, mismatched: 0, errors: 100, failedPairs: 100 },
      gate,
      leaveShadow,
    );
    expect(byName(result)['error_rate']).toMatchObject({ state: 'fail', actual: 1 });
    expect(byName(result)['min_compared']).toMatchObject({ state: 'hold', actual: 0 });
    expect(result.outcome).toBe('fail');
  });

  it('asks a canary step for time at the step, requests served there, and a split as set', () => {
    const atStep = { ...good, serviceRequests: 400, legacyRequests: 7_600, stepDurationMs: 20 * 60_000 };
    const options = { minStepDuration: 10 * 60_000 };
    const passed = evaluateGate(atStep, gate, canaryStep, options);
    expect(byName(passed)['min_step_duration']).toMatchObject({ state: 'pass' });
    expect(byName(passed)['min_served']).toMatchObject({ state: 'pass', limit: 299 });
    expect(byName(passed)['sample_ratio']).toMatchObject({ state: 'pass', actual: 0.05 });
    expect(passed.outcome).toBe('pass');

    const soon = evaluateGate({ ...atStep, stepDurationMs: 3 * 60_000 }, gate, canaryStep, options);
    expect(byName(soon)['min_step_duration']!.message).toBe('at canary 5% for 3 min < 10 min needed');
    expect(soon.outcome).toBe('hold');
    const unserved = evaluateGate(
      { ...atStep, serviceRequests: 20, legacyRequests: 380 },
      gate,
      canaryStep,
      options,
    );
    expect(byName(unserved)['min_served']).toMatchObject({ state: 'hold', more: 279 });
    const skewed = evaluateGate({ ...atStep, legacyRequests: 1_600 }, gate, canaryStep, options);
    expect(byName(skewed)['sample_ratio']).toMatchObject({ state: 'hold', actual: 0.2 });
    expect(byName(skewed)['sample_ratio']!.message).toMatch(
      /^split off: the service served 20% of 2,000 requests, set to 5%/,
    );
    expect(skewed.outcome).toBe('hold');
  });

  it('compares latency only when both p95 are known', () => {
    const slow = evaluateGate(
      { ...good, serviceP95: 160 },
      { ...gate, maxLatencyIncreaseMs: 0 },
      leaveShadow,
    );
    expect(byName(slow)['latency_ratio']).toMatchObject({ ok: false, state: 'fail', actual: 1.6 });
    expect(byName(slow)['latency_ratio']!.message).toBe(
      'service p95 160 ms is 1.6× legacy p95 100 ms > 1.5×',
    );
    const unknown = evaluateGate({ ...good, legacyP95: null }, gate, leaveShadow);
    expect(byName(unknown)['latency_ratio']).toMatchObject({ ok: true, actual: null });
    expect(byName(unknown)['latency_ratio']!.message).toContain('legacy p95 unknown');
  });

  it('lets a service slower by more than the ratio pass within the absolute floor', () => {
    const twins = evaluateGate({ ...good, legacyP95: 2.38, serviceP95: 4.76 }, gate, leaveShadow);
    expect(byName(twins)['latency_ratio']).toMatchObject({ ok: true, actual: 2 });
    expect(byName(twins)['latency_ratio']!.message).toBe(
      'service p95 4.76 ms is 2× legacy p95 2.38 ms > 1.5×, but only 2.38 ms slower ≤ 10 ms',
    );
    const slow = evaluateGate({ ...good, legacyP95: 2.38, serviceP95: 19 }, gate, leaveShadow);
    expect(byName(slow)['latency_ratio']!.message).toBe(
      'service p95 19 ms is 8× legacy p95 2.38 ms > 1.5× and 16.62 ms slower > 10 ms',
    );
  });

  it('handles a legacy p95 of zero', () => {
    const zero = { ...good, legacyP95: 0 };
    const gate_ = { ...gate, maxLatencyIncreaseMs: 0 };
    expect(byName(evaluateGate({ ...zero, serviceP95: 0 }, gate_, leaveShadow))['latency_ratio']!.ok).toBe(
      true,
    );
    expect(byName(evaluateGate({ ...zero, serviceP95: 3 }, gate_, leaveShadow))['latency_ratio']!.ok).toBe(
      false,
    );
  });

  it('does not gate legacy → shadow: it risks nothing', () => {
    const result = evaluateGate(NO_EVIDENCE, gate, nextMove({ stage: 'legacy' }, steps));
    expect(result).toMatchObject({ passed: true, outcome: 'pass', proceed: true, conditions: [] });
    expect(result.note).toContain('risks nothing');
  });

  it('does not gate rollbacks', () => {
    const result = evaluateGate(NO_EVIDENCE, gate, previousMove({ stage: 'migrated' }, steps));
    expect(result).toMatchObject({ passed: true, conditions: [] });
  });

  it('lets --force override a gate that did not pass and says it was forced', () => {
    const result = evaluateGate(NO_EVIDENCE, gate, leaveShadow, { force: true });
    expect(result).toMatchObject({ passed: false, forced: true, proceed: true });
    expect(evaluateGate(good, gate, leaveShadow, { force: true }).forced).toBe(false);
  });
});

describe('applyGateOverrides', () => {
  it('replaces only the limits given', () => {
    expect(applyGateOverrides(gate, { minCompared: 10, maxErrorRate: undefined })).toEqual({
      ...gate,
      minCompared: 10,
    });
  });
});

describe('paired latency', () => {
  const paired = (median: number, upper95: number, pairs = 400) => ({
    ...good,
    legacyP50: 2,
    pairedLatency: { pairs, median, upper95 },
  });

  it('judges the bound of the median difference instead of the p95s once there is one', () => {
    // p95s twice apart (jitter of two servers), the same requests no slower.
    const twins = evaluateGate({ ...paired(0.01, 0.08), legacyP95: 2.4, serviceP95: 4.8 }, gate, leaveShadow);
    expect(byName(twins)['latency_ratio']).toBeUndefined();
    expect(byName(twins)['latency_difference']).toMatchObject({ ok: true, state: 'pass', actual: 0.08 });
    expect(byName(twins)['latency_difference']!.message).toBe(
      'service − legacy latency on the same requests: median +0.01 ms, 95% upper bound +0.08 ms (sign test, 400 pairs) ≤ +1 ms (0.5 × legacy median 2 ms)',
    );
  });

  it('fails only above both the relative allowance and the floor', () => {
    const withinFloor = evaluateGate(paired(1.9, 2.1), gate, leaveShadow);
    expect(byName(withinFloor)['latency_difference']).toMatchObject({ ok: true });
    expect(byName(withinFloor)['latency_difference']!.message).toContain('≤ 10 ms floor');
    const slower = evaluateGate({ ...paired(19.8, 20.1), serviceP95: 160 }, gate, leaveShadow);
    expect(slower.outcome).toBe('fail');
    expect(byName(slower)['latency_difference']).toMatchObject({ ok: false, state: 'fail', limit: 10 });
    expect(byName(slower)['latency_difference']!.message).toBe(
      'service − legacy latency on the same requests: median +19.8 ms, 95% upper bound +20.1 ms (sign test, 400 pairs) > +1 ms (0.5 × legacy median 2 ms) and > 10 ms floor',
    );
  });

  it('calls a route slower on the pairs only when its p95 is over the limits too', () => {
    // The mirror's side timed slower by queueing, the p95s within 1.5×.
    const queued = evaluateGate(paired(19.8, 20.1), gate, leaveShadow);
    expect(byName(queued)['latency_difference']).toMatchObject({ ok: true, state: 'pass' });
    expect(byName(queued)['latency_difference']!.message).toMatch(
      /> 10 ms floor, but service p95 120 ms is 1\.2× legacy p95 100 ms ≤ 1\.5×$/,
    );
  });

  it('keeps to the p95s while too few pairs bound the median', () => {
    const few = evaluateGate(
      { ...good, pairedLatency: { pairs: 4, median: 30, upper95: null } },
      gate,
      leaveShadow,
    );
    expect(byName(few)['latency_ratio']).toMatchObject({ ok: true });
    expect(byName(few)['latency_difference']).toBeUndefined();
  });
});

describe('mismatch rate against the monolith’s own noise', () => {
  // The monolith disagrees with itself on 10% of probes; the service mismatches on 10% of pairs.
  const noisy: RouteEvidence = {
    ...good,
    compared: 400,
    mismatched: 40,
    errors: 0,
    noiseBaseline: { probes: 400, disagreed: 40 },
  };

  it('passes a service that mismatches no more than the monolith disagrees with itself', () => {
    const result = evaluateGate(noisy, { ...gate, maxMismatchRate: 0.05 }, leaveShadow);
    expect(byName(result)['mismatch_rate']).toMatchObject({ ok: true, state: 'pass', actual: 0.1 });
    expect(byName(result)['mismatch_rate']!.bound).toMatchObject({ method: 'newcombe' });
    expect(byName(result)['mismatch_rate']!.message).toMatch(
      "mismatch rate 10% (40 of 400) against the monolith's own 10% (40 of 400 noise probes disagreed): excess over it, 95% upper bound 3.52% (Newcombe) ≤ 5%",
    );
  });

  it('still fails a service that mismatches well above that baseline', () => {
    const worse = evaluateGate(
      { ...noisy, mismatched: 120 },
      { ...gate, maxMismatchRate: 0.05 },
      leaveShadow,
    );
    expect(byName(worse)['mismatch_rate']).toMatchObject({ ok: false, state: 'fail' });
    expect(byName(worse)['mismatch_rate']!.message).toContain('(Newcombe) > 5%');
  });

  it('judges against zero when the probes never disagreed', () => {
    const quiet = evaluateGate({ ...noisy, noiseBaseline: { probes: 400, disagreed: 0 } }, gate, leaveShadow);
    expect(byName(quiet)['mismatch_rate']).toMatchObject({ state: 'fail' });
    expect(byName(quiet)['mismatch_rate']!.bound?.method).toBe('clopper-pearson');
  });
});

describe('evidenceFromReport', () => {
  it('maps a report entry (fallbacks are failed service requests), with unknown figures as null or zero', () => {
    expect(
      evidenceFromReport({
        compared: 10,
        mismatched: 1,
        errors: 2,
        latency: { legacy: { p50: 5, p95: 9 }, service: { p95: null } },
        served: { legacy: { requests: 70, errors: 0 }, service: { requests: 30, errors: 3 }, fallbacks: 2 },
      } as Parameters<typeof evidenceFromReport>[0]),
    ).toEqual({
      compared: 10,
      mismatched: 1,
      errors: 2,
      failedPairs: 2,
      serviceRequests: 32,
      serviceErrors: 5,
      legacyRequests: 70,
      legacyP95: 9,
      serviceP95: null,
      legacyP50: 5,
    });
    expect(evidenceFromReport({ compared: 0, mismatched: 0, errors: 0 })).toEqual({
      ...NO_EVIDENCE,
      legacyRequests: 0,
    });
  });

  it('accepts the report model’s route entry as it is (checked by the type checker)', () => {
    const adapt = (entry: RouteReport) => evidenceFromReport(entry);
    expect(adapt).toBeTypeOf('function');
  });
});
