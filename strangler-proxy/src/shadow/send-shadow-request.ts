/**
 * Sends one mirrored (or noise-probe) request and captures the answer, bounded in time and size.
 * It uses its own agents, so shadow traffic never takes a socket from the primary's pool.
 */
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CapturedResponse, FailureKind } from '../compare/verdict.ts';
import { createBodyCapture } from './body-capture.ts';

export interface ShadowRequest {
  readonly target: URL;
  readonly method: string;
  /** Path and query, exactly as forwarded to the primary. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | null;
  readonly timeout: number;
  readonly maxResponseBytes: number;
}

export type ShadowOutcome =
  | { readonly ok: true; readonly response: CapturedResponse }
  | { readonly ok: false; readonly kind: FailureKind; readonly message: string; readonly latencyMs: number };

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
    const finish = (outcome: ShadowOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
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
      finish({
        ok: false,
        kind: 'timeout',
        message: `no complete answer within ${shadow.timeout} ms`,
        latencyMs: elapsed(),
      });
      outgoing.destroy();
    }, shadow.timeout);
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const kind: FailureKind = error.code?.startsWith('HPE_') ? 'bad_response' : 'connection_error';
      finish({ ok: false, kind, message: error.code ?? error.message, latencyMs: elapsed() });
    });
    outgoing.on('response', (response) => {
      const capture = createBodyCapture(shadow.maxResponseBytes);
      response.on('data', (chunk: Buffer) => {
        capture.push(chunk);
        if (capture.overLimit) {
          finish({
            ok: true,
            response: captured(response.statusCode ?? 0, response.headers, capture.body(), true),
          });
          response.destroy();
        }
      });
      response.on('end', () => {
        finish({
          ok: true,
          response: captured(response.statusCode ?? 0, response.headers, capture.body(), false),
        });
      });
      response.on('error', (error) => {
        finish({ ok: false, kind: 'bad_response', message: error.message, latencyMs: elapsed() });
      });
      response.on('close', () => {
        if (!response.complete)
          finish({ ok: false, kind: 'bad_response', message: 'response cut short', latencyMs: elapsed() });
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
