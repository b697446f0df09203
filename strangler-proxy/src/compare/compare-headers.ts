/**
 * Response headers compared by name (case-insensitive) and value (case-sensitive, repeated values joined
 * with `, ` in order). Headers that belong to one hop or one server rather than to the answer are skipped:
 * they differ between any two deployments and would drown the real differences.
 */
import type { CompiledRules } from './compile-rules.ts';
import type { DifferenceCollector } from './collect-differences.ts';
import { REDACTED, SENSITIVE_HEADERS } from './redact.ts';
import type { CapturedResponse } from './verdict.ts';

/**
 * Never compared: hop-by-hop headers (RFC 9110 §7.6.1), `date`, and headers naming the implementation,
 * which a migration changes by definition.
 */
export const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'date',
  'server',
  'x-powered-by',
  'via',
]);

/** Header names in lower case, each with its value as one string. */
export type HeaderMap = ReadonlyMap<string, string>;

export function normalizeHeaders(headers: CapturedResponse['headers']): HeaderMap {
  const map = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = typeof raw === 'string' ? raw : raw.join(', ');
    const lower = name.toLowerCase();
    const previous = map.get(lower);
    map.set(lower, previous === undefined ? value : `${previous}, ${value}`);
  }
  return map;
}

/**
 * Records a `header` difference at `header:<name>` for each compared header that differs, is missing or
 * is extra. `content-length` is compared only when a body was truncated: otherwise the bodies themselves
 * are compared, and a length differing with them (JSON spacing, key order) is not a difference.
 */
export function compareHeaders(
  legacy: HeaderMap,
  service: HeaderMap,
  rules: CompiledRules,
  bodyTruncated: boolean,
  sink: DifferenceCollector,
): void {
  const hopByHop = connectionTokens(legacy, service);
  const skip = (name: string): boolean =>
    TRANSPORT_HEADERS.has(name) ||
    rules.ignoreHeaders.has(name) ||
    (name === 'content-length' && !bodyTruncated) ||
    (hopByHop !== undefined && hopByHop.has(name));
  for (const [name, value] of legacy) {
    if (skip(name)) continue;
    const other = service.get(name);
    if (other !== value) record(sink, name, value, other);
  }
  for (const [name, value] of service) {
    if (!legacy.has(name) && !skip(name)) record(sink, name, undefined, value);
  }
}

// `Connection: close, x-trace` also makes x-trace hop-by-hop (RFC 9110 §7.6.1). The commonest value,
// `keep-alive`, names only a header that is never compared: nothing to split then.
function connectionTokens(legacy: HeaderMap, service: HeaderMap): Set<string> | undefined {
  const values = [legacy.get('connection'), service.get('connection')].filter(
    (value): value is string => value !== undefined && !isKeepAlive(value),
  );
  if (values.length === 0) return undefined;
  return new Set(values.flatMap((value) => value.split(',').map((token) => token.trim().toLowerCase())));
}

/** `keep-alive`, however it is spelled: the commonest Connection value, checked without allocating. */
export function isKeepAlive(connection: string): boolean {
  return (
    connection === 'keep-alive' ||
    connection === 'Keep-Alive' ||
    (connection.length === 10 && connection.toLowerCase() === 'keep-alive')
  );
}

function record(sink: DifferenceCollector, name: string, legacy?: string, service?: string): void {
  const path = `header:${name}`;
  const sensitive = SENSITIVE_HEADERS.has(name);
  sink.add('header', path, () => {
    const difference: { path: string; kind: 'header'; legacy?: string; service?: string } = {
      path,
      kind: 'header',
    };
    if (legacy !== undefined) difference.legacy = sensitive ? REDACTED : legacy;
    if (service !== undefined) difference.service = sensitive ? REDACTED : service;
    return difference;
  });
}
