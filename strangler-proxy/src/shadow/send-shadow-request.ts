/**
 * Sends one mirrored (or noise-probe) request and captures the answer, bounded in time and size.
 *
 * Mirrors go through undici (a pool per shadow origin), not node:http's client: a mirror is pure overhead
 * for the proxy, and undici's client costs it less CPU per request. Its own pools also mean shadow
 * traffic never takes a socket from the primary's.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { CapturedResponse, FailureKind } from '../compare/verdict.ts';
import { HOP_BY_HOP_HEADERS } from '../compare/hop-by-hop.ts';
import { createBodyCapture, type BodyCapture } from './body-capture.ts';
import type { ByteBudget } from './byte-budget.ts';

export interface ShadowRequest {
  /** `http://host:port`, as the job names it: a string, not a URL, whose `origin` getter builds a new one each read. */
  readonly origin: string;
  readonly method: string;
  /** Path and query on that origin (`upstream-path.ts`). */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Uint8Array | null;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  /** Shared with every capture in flight; when it runs out the mirror is abandoned (`overBudget`). */
  readonly budget?: ByteBudget;
}

export type ShadowOutcome =
  | { readonly ok: true; readonly response: CapturedResponse; release(): void }
  | {
      readonly ok: false;
      readonly kind: FailureKind;
      readonly message: string;
      readonly latencyMs: number;
      /** The shadow memory budget ran out: not the upstream's failure. */
      readonly overBudget?: boolean;
    };

const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    // As many connections kept as may be busy: a burst of mirrors must not open and close connections
    // (each costs both sides far more CPU than the request itself).
    pool = new Pool(origin, { connections: 64, pipelining: 1 });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes the pool of one origin (a warm-up's own listener, once it is done). */
export async function closeShadowPool(origin: string): Promise<void> {
  const pool = pools.get(origin);
  pools.delete(origin);
  await pool?.destroy();
}

/** Closes the shadow pools (at shutdown). */
export function closeShadowPools(): void {
  for (const pool of pools.values()) void pool.destroy();
  pools.clear();
}

// Not sent with a mirror: hop-by-hop headers, framing among them (undici sets its own framing and refuses
// these), and Expect (the mirror sends its whole body at once).
const NOT_FORWARDED: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'expect']);

function outgoingHeaders(headers: OutgoingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || NOT_FORWARDED.has(name.toLowerCase())) continue;
    result[name] = typeof value === 'number' ? String(value) : value;
  }
  return result;
}

class TimeoutError extends Error {}

const BACKUP_TIMEOUT_MS = 1_000;

export function sendShadowRequest(shadow: ShadowRequest): Promise<ShadowOutcome> {
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  return new Promise((resolve) => {
    let settled = false;
    let capture: BodyCapture | null = null;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let controller: Dispatcher.DispatchController | null = null;
    const finish = (outcome: ShadowOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      // Only a complete answer keeps its bytes (until the caller releases them).
      if (!outcome.ok) capture?.release();
      resolve(outcome);
    };
    const fail = (kind: FailureKind, message: string, overBudget = false) =>
      finish({ ok: false, kind, message, latencyMs: elapsed(), ...(overBudget ? { overBudget } : {}) });
    const complete = (kept: BodyCapture, truncated: boolean) => {
      const response: CapturedResponse = {
        status,
        headers,
        body: kept.body(),
        truncated,
        latencyMs: elapsed(),
      };
      finish({ ok: true, response, release: () => kept.release() });
    };
    const stop = () => {
      if (controller && !controller.aborted) controller.abort(new TimeoutError('mirror settled'));
    };
    const deadline = setTimeout(() => {
      fail('timeout', `no complete answer within ${shadow.timeout} ms`);
      stop();
    }, shadow.timeout);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) stop();
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        // 1xx informational answers come before the real one.
        if (statusCode < 200 || settled) return;
        status = statusCode;
        headers = responseHeaders;
        capture = createBodyCapture(shadow.maxResponseBytes, shadow.budget);
      },
      onResponseData(_controller, chunk) {
        const kept = capture;
        if (kept === null || settled) return;
        kept.push(chunk);
        if (kept.overBudget) {
          fail('too_large', 'the shadow memory budget is used up', true);
          stop();
        } else if (kept.overLimit) {
          complete(kept, true);
          stop();
        }
      },
      onResponseEnd() {
        if (capture !== null) complete(capture, false);
        else fail('bad_response', 'the answer ended before its status line');
      },
      onResponseError(_controller, error) {
        if (settled) return;
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
          fail('timeout', `no complete answer within ${shadow.timeout} ms`);
          return;
        }
        // A broken status line or headers, or an answer cut short once it had begun: the service answered
        // badly. Anything before that (refused, reset, closed) is a connection error.
        const parserError = error.name === 'HTTPParserError' || code.startsWith('HPE_');
        fail(capture !== null || parserError ? 'bad_response' : 'connection_error', code);
      },
    };
    try {
      poolFor(shadow.origin).dispatch(
        {
          origin: shadow.origin,
          path: shadow.path,
          method: shadow.method,
          headers: outgoingHeaders(shadow.headers),
          body: shadow.body,
          // The deadline above is the one that counts (total, not per phase); these only back it up.
          headersTimeout: shadow.timeout + BACKUP_TIMEOUT_MS,
          bodyTimeout: shadow.timeout + BACKUP_TIMEOUT_MS,
        },
        handler,
      );
    } catch (error) {
      // undici refuses some requests outright (an invalid header value, say): nothing was sent.
      fail('connection_error', error instanceof Error ? error.message : String(error));
    }
  });
}
