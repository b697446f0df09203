/**
 * Sends one mirrored (or noise-probe) request and captures the answer, bounded in time and size.
 * It uses its own agents, so shadow traffic never takes a socket from the primary's pool.
 */
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CapturedResponse, FailureKind } from '../compare/verdict.ts';
import { createBodyCapture, type BodyCapture, type ByteBudget } from './body-capture.ts';

export interface ShadowRequest {
  readonly target: URL;
  readonly method: string;
  /** Path and query, exactly as forwarded to the primary. */
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
      /** The shadow path's memory budget ran out: not the upstream's failure. */
      readonly overBudget?: boolean;
    };

const agents = new Map<string, Agent>();

function agentFor(target: URL): Agent {
  let agent = agents.get(target.origin);
  if (!agent) {
    // As many idle sockets kept as may be busy: a burst of mirrors must not open and close connections
    // (each costs both sides far more CPU than the request itself).
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' as const };
    agent = target.protocol === 'https:' ? new HttpsAgent(options) : new Agent(options);
    agents.set(target.origin, agent);
  }
  return agent;
}

/** Closes the shadow agents' idle sockets (at shutdown). */
export function closeShadowAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

export function sendShadowRequest(shadow: ShadowRequest): Promise<ShadowOutcome> {
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  return new Promise((resolve) => {
    let settled = false;
    let capture: BodyCapture | null = null;
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
    const send = shadow.target.protocol === 'https:' ? httpsRequest : request;
    const outgoing = send({
      protocol: shadow.target.protocol,
      hostname: shadow.target.hostname,
      port: shadow.target.port,
      method: shadow.method,
      path: shadow.path,
      headers: shadow.headers,
      agent: agentFor(shadow.target),
    });
    const deadline = setTimeout(() => {
      fail('timeout', `no complete answer within ${shadow.timeout} ms`);
      outgoing.destroy();
    }, shadow.timeout);
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      fail(error.code?.startsWith('HPE_') ? 'bad_response' : 'connection_error', error.code ?? error.message);
    });
    outgoing.on('response', (response) => {
      const kept = createBodyCapture(shadow.maxResponseBytes, shadow.budget);
      capture = kept;
      const complete = (truncated: boolean) => {
        const answer = captured(response.statusCode ?? 0, response.headers, kept.body(), truncated);
        finish({ ok: true, response: answer, release: () => kept.release() });
      };
      response.on('data', (chunk: Buffer) => {
        kept.push(chunk);
        if (kept.overBudget) {
          fail('too_large', 'the shadow memory budget is used up', true);
          response.destroy();
        } else if (kept.overLimit) {
          complete(true);
          response.destroy();
        }
      });
      response.on('end', () => complete(false));
      response.on('error', (error) => fail('bad_response', error.message));
      response.on('close', () => {
        if (!response.complete) fail('bad_response', 'response cut short');
      });
    });
    outgoing.end(shadow.body ?? undefined);

    function captured(
      status: number,
      headers: IncomingHttpHeaders,
      body: Buffer,
      truncated: boolean,
    ): CapturedResponse {
      return { status, headers, body, truncated, latencyMs: elapsed() };
    }
  });
}
