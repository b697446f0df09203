/**
 * The comparison the shadow path runs for every mirrored request: a pure function of the two captured
 * responses, the route's compiled rules and the noise learned so far, returning an immutable verdict.
 * A pair is always oriented legacy → service (`missing` = present in legacy only).
 */
import { DifferenceCollector } from './collect-differences.ts';
import { compareBodies } from './compare-bodies.ts';
import { compareHeaders, normalizeHeaders } from './compare-headers.ts';
import { isAcceptedStatus, type CompiledRules } from './compile-rules.ts';
import type { NoiseModel } from './noise-model.ts';
import type { Correspondence } from './correspondence.ts';
import type { CapturedResponse, FailureKind, Verdict } from './verdict.ts';
import type { Side } from '../config/side.ts';

/**
 * Compares status, headers and body. The verdict is `match` when no difference counts (differences at
 * learned noise go to `noisy`), `mismatch` otherwise; it is frozen, holds bounded copies of the values it
 * reports (never values under a `redact` rule) and nothing of the responses. Never throws on any body.
 *
 * To learn noise, the runtime compares two legacy answers with the same function (without `noise`) and
 * hands the verdict to `learnNoise`.
 *
 * @example
 * const rules = compileCompareRules(route.compare); // once, at config load
 * const verdict = compareResponses(legacy, service, rules, noise);
 *
 * `correspondence`: identifiers known to name the same record on both sides (learned from mirrored
 * writes); a JSON value pair it knows is equal.
 */
export function compareResponses(
  legacy: CapturedResponse,
  service: CapturedResponse,
  rules: CompiledRules,
  noise?: NoiseModel,
  correspondence?: Correspondence,
): Verdict {
  const sink = new DifferenceCollector(rules.maxDifferences, noise);
  if (!isAcceptedStatus(rules, legacy.status, service.status)) {
    sink.add('status', 'status', () => ({
      path: 'status',
      kind: 'status',
      legacy: legacy.status,
      service: service.status,
    }));
  }
  const legacyHeaders = normalizeHeaders(legacy.headers);
  const serviceHeaders = normalizeHeaders(service.headers);
  compareHeaders(legacyHeaders, serviceHeaders, rules, legacy.truncated || service.truncated, sink);
  const bodyMode = compareBodies(
    legacy,
    service,
    legacyHeaders,
    serviceHeaders,
    rules,
    noise,
    sink,
    correspondence,
  );
  return sink.toVerdict(bodyMode);
}

const NONE: readonly never[] = Object.freeze([]);

/** The verdict for a pair where one side produced no comparable answer (timeout, refused, too large...). */
export function failedVerdict(side: Side, kind: FailureKind, message: string): Verdict {
  return Object.freeze({
    outcome: 'error',
    differences: NONE,
    noisy: NONE,
    error: Object.freeze({ side, kind, message }),
    signature: '',
  });
}
