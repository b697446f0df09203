/**
 * How a compared pair counts. The comparison itself only says whether two answers are alike; a pair in
 * which either side failed (no answer, or a 5xx) is an error whatever the comparison said: two identical
 * 500s are not evidence that the service works. Pure.
 */
import type { CapturedResponse, Outcome, Verdict } from '../compare/verdict.ts';

export interface PairOutcome {
  /** `error` when either side failed; the comparison's outcome otherwise. */
  readonly outcome: Outcome;
  readonly legacyFailed: boolean;
  readonly serviceFailed: boolean;
}

/** A status a side failed with: a 5xx, or none a client could use. */
export function isFailureStatus(status: number): boolean {
  return status >= 500 || status < 100;
}

export function pairOutcome(pair: {
  readonly verdict: Verdict;
  readonly legacy?: Pick<CapturedResponse, 'status'> | undefined;
  readonly service?: Pick<CapturedResponse, 'status'> | undefined;
}): PairOutcome {
  const failed = (side: 'legacy' | 'service') => {
    const answer = pair[side];
    return pair.verdict.error?.side === side || (answer !== undefined && isFailureStatus(answer.status));
  };
  const legacyFailed = failed('legacy');
  const serviceFailed = failed('service');
  const outcome = legacyFailed || serviceFailed ? 'error' : pair.verdict.outcome;
  return { outcome, legacyFailed, serviceFailed };
}
