/** Builders for store and recorder tests. */
import { emptyBatch, type ResultBatch, type StoredSample } from '../../src/store/result-store.ts';
import type { ComparisonEvent } from '../../src/store/types.ts';
import type { CapturedResponse, Difference, Verdict } from '../../src/compare/verdict.ts';

/** A batch with only the given parts filled in. */
export function batch(parts: Partial<ResultBatch>): ResultBatch {
  return { ...emptyBatch(), ...parts };
}

export function sample(overrides: Partial<StoredSample> = {}): StoredSample {
  return {
    routeId: 'orders',
    signature: 'sig-a',
    at: 1_000,
    request: { method: 'GET', url: '/orders/1', headers: { accept: 'application/json' }, body: null },
    legacy: { status: 200, headers: {}, body: '{"total":"12.50"}', truncated: false, latencyMs: 12 },
    service: { status: 200, headers: {}, body: '{"total":12.5}', truncated: false, latencyMs: 9 },
    differences: [{ path: '$.total', kind: 'type' }],
    ...overrides,
  };
}

const encoder = new TextEncoder();

export function response(
  status: number,
  body: unknown,
  overrides: Partial<CapturedResponse> = {},
): CapturedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: encoder.encode(typeof body === 'string' ? body : JSON.stringify(body)),
    truncated: false,
    latencyMs: 10,
    ...overrides,
  };
}

export function verdict(
  outcome: Verdict['outcome'],
  differences: Difference[] = [],
  signature?: string,
): Verdict {
  return {
    outcome,
    differences,
    noisy: [],
    signature:
      signature ?? (outcome === 'mismatch' ? differences.map((d) => `${d.path}:${d.kind}`).join('|') : ''),
  };
}

export function comparison(overrides: Partial<ComparisonEvent> = {}): ComparisonEvent {
  return {
    routeId: 'orders',
    stage: 'shadow',
    at: 1_700_000_000_000,
    request: { method: 'GET', url: '/orders/1', headers: { accept: 'application/json' }, requestId: 'r1' },
    legacy: response(200, { id: 1, total: '12.50' }),
    service: response(200, { id: 1, total: 12.5 }),
    verdict: verdict('mismatch', [{ path: '$.total', kind: 'type', legacy: '12.50', service: 12.5 }]),
    ...overrides,
  };
}
