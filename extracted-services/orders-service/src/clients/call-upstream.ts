/**
 * One HTTP call to another service, with a deadline, and the one table of how its failures reach our
 * client: no connection → 502 `upstream_unavailable`, no answer in time → 504 `upstream_timeout`, an answer
 * that is not JSON → 502 `upstream_unavailable`. Callers decide what the upstream's own statuses mean.
 */
import { error } from '../errors.ts';

export interface UpstreamAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface UpstreamCall {
  /** For messages and logs: "catalog-service", "the monolith". */
  readonly upstream: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

function isTimeout(failure: unknown): boolean {
  return (
    failure instanceof DOMException && (failure.name === 'TimeoutError' || failure.name === 'AbortError')
  );
}

export async function callUpstream(call: UpstreamCall): Promise<UpstreamAnswer> {
  let text: string;
  let status: number;
  try {
    const response = await fetch(call.url, {
      method: call.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...call.headers,
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      // Covers the body too: a service that sends headers and then stalls still times out.
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (failure) {
    if (isTimeout(failure))
      throw error('upstream_timeout', `${call.upstream} did not answer within ${call.timeoutMs} ms`);
    throw error('upstream_unavailable', `${call.upstream} is unreachable`);
  }
  try {
    return { status, body: JSON.parse(text) as unknown };
  } catch {
    throw error('upstream_unavailable', `${call.upstream} answered ${status} without JSON`);
  }
}

/** The `{ error: { code, message } }` of an upstream's answer, if it has one. */
export function upstreamError(body: unknown): { code: string; message: string } | undefined {
  const inner = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { code, message } = inner as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
}
