/**
 * Response headers compared by name (case-insensitive) and value (case-sensitive, repeated values joined
 * with `, ` in order). By default only the headers that change what a client does with the answer are
 * compared ({@link DEFAULT_COMPARED_HEADERS}, plus the route's `compareHeaders` list): security headers
 * one side adds, CORS on the other, timings and trace ids would otherwise fill a first report. With
 * `compareHeaders: all`, every header is, except those that belong to one hop or one server rather than
 * to the answer: they differ between any two deployments and would drown the real differences.
 */
import type { CompiledRules } from './compile-rules.ts';
import type { DifferenceCollector } from './collect-differences.ts';
import { HOP_BY_HOP_HEADERS, isKeepAlive } from './hop-by-hop.ts';
import { REDACTED, SENSITIVE_HEADERS } from './redact.ts';
import type { CapturedResponse } from './verdict.ts';

/**
 * Never compared: hop-by-hop headers ({@link HOP_BY_HOP_HEADERS}), `date`, and headers naming the
 * implementation, which a migration changes by definition.
 */
export const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP_HEADERS,
  'date',
  'server',
  'x-powered-by',
  'via',
]);

/**
 * Compared unless `compareHeaders: all` says every header is: what a client acts on. `set-cookie` by the
 * cookies' names only: their values are sessions, different on every answer.
 */
export const DEFAULT_COMPARED_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'cache-control',
  'location',
  'set-cookie',
  'content-encoding',
  'vary',
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
  const listed = rules.comparedHeaders;
  const hopByHop = connectionTokens(legacy, service);
  const skip = (name: string): boolean =>
    (listed !== null && !listed.has(name) && !(name === 'content-length' && bodyTruncated)) ||
    TRANSPORT_HEADERS.has(name) ||
    rules.ignoreHeaders.has(name) ||
    (name === 'content-length' && !bodyTruncated) ||
    (hopByHop !== undefined && hopByHop.has(name));
  // Listed, set-cookie is compared by cookie names: values are per-session by nature.
  const valueOf = (name: string, value: string | undefined): string | undefined =>
    listed !== null && name === 'set-cookie' && value !== undefined ? cookieNames(value) : value;
  for (const [name, raw] of legacy) {
    if (skip(name)) continue;
    const value = valueOf(name, raw);
    const other = valueOf(name, service.get(name));
    if (other !== value) record(sink, name, value, other, listed !== null);
  }
  for (const [name, value] of service) {
    if (!legacy.has(name) && !skip(name))
      record(sink, name, undefined, valueOf(name, value), listed !== null);
  }
}

/**
 * The names of the cookies a joined `set-cookie` value sets, sorted: `sid=1; Path=/, theme=dark` gives
 * `sid, theme`. A comma starts a new cookie only where a `name=` follows (an `Expires` date has commas).
 */
export function cookieNames(joined: string): string {
  const names = joined
    .split(/,\s*(?=[^;=,\s]+=)/)
    .map((cookie) => cookie.slice(0, Math.max(0, cookie.indexOf('='))).trim())
    .filter((name) => name !== '');
  return [...new Set(names)].sort().join(', ');
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

function record(
  sink: DifferenceCollector,
  name: string,
  legacy: string | undefined,
  service: string | undefined,
  namesOnly: boolean,
): void {
  const path = `header:${name}`;
  // Cookie names compared without their values carry no secret.
  const sensitive = SENSITIVE_HEADERS.has(name) && !(namesOnly && name === 'set-cookie');
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
