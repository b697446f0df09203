import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../src/config/schema.ts';
import {
  NO_EVIDENCE,
  applyGateOverrides,
  evaluateGate,
  evidenceFromReport,
  type RouteEvidence,
} from '../../src/promote/gate.ts';
import { nextMove, previousMove, type Position } from '../../src/promote/plan.ts';
import type { RouteReport } from '../../src/report/report-model.ts';

const gate = gateSchema.parse({}); // minCompared 100, 1%, 1%, 1.5×
const steps = [1, 5, 25, 50, 100];
const shadow: Position = { stage: 'shadow' };
const leaveShadow = nextMove(shadow, steps);
const canaryStep = nextMove({ stage: 'canary', percent: 5 }, steps);

// 500 pairs in which both sides answered, and one in which the service failed.
const good: RouteEvidence = {
  compared: 501,
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
  it('passes good evidence leaving shadow, with every condition and its figures', () => {
    const result = evaluateGate(good, gate, leaveShadow);
    expect(result).toMatchObject({ passed: true, forced: false, proceed: true });
    expect(result.conditions.map((condition) => condition.name)).toEqual([
      'min_compared',
      'mismatch_rate',
      'error_rate',
      'latency_ratio',
    ]);
    expect(byName(result)['mismatch_rate']).toMatchObject({ ok: true, actual: 0.004, limit: 0.01 });
    expect(byName(result)['mismatch_rate']!.message).toBe('mismatch rate 0.4% (2 of 500) ≤ 1%');
    expect(byName(result)['latency_ratio']).toMatchObject({ ok: true, actual: 1.2, limit: 1.5 });
  });

  it('needs minCompared pairs to leave shadow', () => {
    const result = evaluateGate({ ...good, compared: 99, mismatched: 0, errors: 0 }, gate, leaveShadow);
    expect(byName(result)['min_compared']).toMatchObject({ ok: false, actual: 99, limit: 100 });
    expect(byName(result)['min_compared']!.message).toBe('99 compared pairs < 100 needed');
    expect(result.passed).toBe(false);
  });

  it('asks no minimum of compared pairs between canary steps', () => {
    const result = evaluateGate(
      { ...good, compared: 0, mismatched: 0, errors: 0, serviceRequests: 40 },
      gate,
      canaryStep,
    );
    expect(result.conditions.map((condition) => condition.name)).not.toContain('min_compared');
    expect(result.passed).toBe(true);
    expect(byName(result)['mismatch_rate']).toMatchObject({ ok: true, actual: null });
  });

  it('fails a mismatch rate above the limit, and says so with the figures', () => {
    const result = evaluateGate({ ...good, mismatched: 12 }, gate, leaveShadow);
    expect(byName(result)['mismatch_rate']).toMatchObject({ ok: false, actual: 0.024 });
    expect(byName(result)['mismatch_rate']!.message).toBe('mismatch rate 2.4% (12 of 500) > 1%');
    expect(result).toMatchObject({ passed: false, proceed: false, forced: false });
  });

  it('counts failed shadow pairs and failed served requests in the service error rate', () => {
    const evidence = { ...good, compared: 100, errors: 1, serviceRequests: 100, serviceErrors: 2 };
    const condition = byName(evaluateGate(evidence, gate, canaryStep))['error_rate']!;
    expect(condition).toMatchObject({ ok: false, actual: 0.015, limit: 0.01 });
    expect(condition.message).toBe('service error rate 1.5% (1 of 100 shadow pairs, 2 of 100 served) > 1%');
  });

  it('fails the error rate when nothing of the service was observed', () => {
    const result = evaluateGate(undefined, gate, canaryStep);
    expect(byName(result)['error_rate']).toMatchObject({ ok: false, actual: null });
    expect(result.passed).toBe(false);
  });

  it('compares latency only when both p95 are known', () => {
    const slow = evaluateGate({ ...good, serviceP95: 160 }, gate, leaveShadow);
    expect(byName(slow)['latency_ratio']).toMatchObject({ ok: false, actual: 1.6 });
    expect(byName(slow)['latency_ratio']!.message).toBe(
      'service p95 160 ms is 1.6× legacy p95 100 ms > 1.5×',
    );
    const unknown = evaluateGate({ ...good, legacyP95: null }, gate, leaveShadow);
    expect(byName(unknown)['latency_ratio']).toMatchObject({ ok: true, actual: null });
    expect(byName(unknown)['latency_ratio']!.message).toContain('legacy p95 unknown');
  });

  it('handles a legacy p95 of zero', () => {
    const zero = { ...good, legacyP95: 0 };
    expect(byName(evaluateGate({ ...zero, serviceP95: 0 }, gate, leaveShadow))['latency_ratio']!.ok).toBe(
      true,
    );
    expect(byName(evaluateGate({ ...zero, serviceP95: 3 }, gate, leaveShadow))['latency_ratio']!.ok).toBe(
      false,
    );
  });

  it('does not gate legacy → shadow: it risks nothing', () => {
    const result = evaluateGate(NO_EVIDENCE, gate, nextMove({ stage: 'legacy' }, steps));
    expect(result).toMatchObject({ passed: true, proceed: true, conditions: [] });
    expect(result.note).toContain('risks nothing');
  });

  it('does not gate rollbacks', () => {
    const result = evaluateGate(NO_EVIDENCE, gate, previousMove({ stage: 'migrated' }, steps));
    expect(result).toMatchObject({ passed: true, conditions: [] });
  });

  it('lets --force override a failed gate and says it was forced', () => {
    const result = evaluateGate(NO_EVIDENCE, gate, leaveShadow, { force: true });
    expect(result).toMatchObject({ passed: false, forced: true, proceed: true });
    expect(evaluateGate(good, gate, leaveShadow, { force: true }).forced).toBe(false);
  });

  it('holds a rate exactly at its limit', () => {
    const result = evaluateGate({ ...good, compared: 101, mismatched: 1, errors: 1 }, gate, leaveShadow);
    expect(result.passed).toBe(true);
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
      legacyP95: 9,
      serviceP95: null,
    });
    expect(evidenceFromReport({ compared: 0, mismatched: 0, errors: 0 })).toEqual(NO_EVIDENCE);
  });

  it('accepts the report model’s route entry as it is (checked by the type checker)', () => {
    const adapt = (entry: RouteReport) => evidenceFromReport(entry);
    expect(adapt).toBeTypeOf('function');
  });
});
