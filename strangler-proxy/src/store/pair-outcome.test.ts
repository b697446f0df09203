import { describe, expect, it } from 'vitest';
import { failedVerdict } from '../compare/compare-responses.ts';
import type { Verdict } from '../compare/verdict.ts';
import { isFailureStatus, pairOutcome } from './pair-outcome.ts';

const match: Verdict = { outcome: 'match', differences: [], noisy: [], signature: '' };
const statusDiff: Verdict = {
  outcome: 'mismatch',
  differences: [{ path: 'status', kind: 'status', legacy: 200, service: 500 }],
  noisy: [],
  signature: 'status:status',
};

describe('pairOutcome', () => {
  it('keeps the comparison’s outcome when both sides answered below 500', () => {
    expect(pairOutcome({ verdict: match, legacy: { status: 404 }, service: { status: 404 } })).toEqual({
      outcome: 'match',
      legacyFailed: false,
      serviceFailed: false,
    });
  });

  it('counts two identical 500s as an error of both sides, not a match', () => {
    expect(pairOutcome({ verdict: match, legacy: { status: 500 }, service: { status: 500 } })).toEqual({
      outcome: 'error',
      legacyFailed: true,
      serviceFailed: true,
    });
  });

  it('names the side that answered 5xx', () => {
    expect(pairOutcome({ verdict: statusDiff, legacy: { status: 200 }, service: { status: 503 } })).toEqual({
      outcome: 'error',
      legacyFailed: false,
      serviceFailed: true,
    });
    expect(pairOutcome({ verdict: statusDiff, legacy: { status: 502 }, service: { status: 200 } })).toEqual({
      outcome: 'error',
      legacyFailed: true,
      serviceFailed: false,
    });
  });

  it('names the side that gave no answer, without blaming the other', () => {
    const verdict = failedVerdict('service', 'timeout', 'timed out');
    expect(pairOutcome({ verdict, legacy: { status: 200 } })).toEqual({
      outcome: 'error',
      legacyFailed: false,
      serviceFailed: true,
    });
  });

  it('treats a status no client could use as a failure', () => {
    expect([0, 99, 100, 499, 500, 599].map(isFailureStatus)).toEqual([true, true, false, false, true, true]);
  });
});
