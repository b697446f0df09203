/**
 * `shadow.request`: what a mirror sent to the service carries instead of the client's request as it was.
 * Headers are dropped, renamed and set (in that order), and `only` keeps the mirrors a service can take
 * (say, anonymous ones until it accepts the monolith's credentials). Pure: runs on either thread.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { MirrorOnly, MirrorRequestRule } from '../config/auth-schema.ts';
import type { DeepReadonly } from '../config/routes-config.ts';

/** A request carries a credential when it has an `Authorization` header (a token, Basic, a key). */
export function hasCredential(headers: IncomingHttpHeaders | OutgoingHttpHeaders): boolean {
  const value = headers.authorization;
  return value !== undefined && value !== '';
}

/** Whether a request is one `only` lets through to the service. */
export function isMirrorEligible(
  only: MirrorOnly | undefined,
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
): boolean {
  if (only === undefined || only === 'all') return true;
  return hasCredential(headers) === (only === 'authenticated');
}

/** The headers of a mirror after the rule: a new object, the input untouched. */
export function rewriteMirrorHeaders(
  headers: OutgoingHttpHeaders,
  rule: DeepReadonly<MirrorRequestRule> | null,
): OutgoingHttpHeaders {
  if (rule === null) return headers;
  const result: OutgoingHttpHeaders = { ...headers };
  for (const name of rule.drop) delete result[name];
  for (const [from, to] of Object.entries(rule.map)) {
    const value = result[from];
    delete result[from];
    if (value !== undefined) result[to] = value;
  }
  for (const [name, value] of Object.entries(rule.set)) result[name] = value;
  return result;
}
