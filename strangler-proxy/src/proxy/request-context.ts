/**
 * Per-request state, attached to the request object under a symbol so the proxy's event handlers
 * (which only receive req/res) find it without a lookup table.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Side } from '../config/side.ts';
import type { RoutingRoute } from './routing-snapshot.ts';
import type { ProxyFailure } from './failure-status.ts';
import type { ExchangeDeadline } from './exchange-deadline.ts';
import type { Endpoint } from './endpoint-set.ts';
import type { Settle } from './upstream-guard.ts';
import type { AttemptTrace, RequestTrace } from '../tracing/tracing.ts';

export interface ResponseTap {
  /** Called with the upstream response before it is piped to the client (same tick: no byte is missed). */
  onResponse(response: IncomingMessage): void;
  /** The tap keeps the answer's chunks by reference: they must not be freed once written. */
  readonly holdsChunks: boolean;
}

/**
 * Told once that an attempt failed. `recoverable` false: the failure must be answered at once, with no
 * retry or fallback. That is the case when an upstream answer arrived that cannot be sent on: httpxy goes
 * on with it after the proxy's hook returns (copying its headers onto the client's response, destroying
 * that response when the answer closes), so nothing else may use the response in the meantime.
 */
export type UpstreamFailureHandler = (failure: ProxyFailure, error: unknown, recoverable: boolean) => void;

export interface RequestContext {
  readonly requestId: string;
  readonly startedAt: number;
  readonly route: RoutingRoute | null;
  /** Which side serves the client; may change to legacy by fallback. */
  side: Side;
  fellBack: boolean;
  /**
   * Set when our own deadline destroyed an upstream request of this exchange, and kept: the shadow's
   * evidence that the side that failed (the service, before a fallback) timed out. A failure is classified
   * by its own attempt's deadline instead.
   */
  timedOut: boolean;
  /** The current attempt's timeout (null until its upstream request exists); stopped when it fails and when the exchange closes. */
  deadline: ExchangeDeadline | null;
  failure: ProxyFailure | null;
  attempts: number;
  /** Endpoints this request was sent to (null before the first): a retry goes to another one. */
  triedEndpoints: Endpoint[] | null;
  /** Settles the current attempt's endpoint (its requests in flight, its outlier state). */
  endpointSettle: Settle | null;
  /**
   * The current attempt went out on a kept-alive connection and no answer has come: a reset then means
   * the endpoint closed that idle connection as the request was sent (or stopped), not that it failed it.
   */
  reusedSocketUnanswered: boolean;
  /** The current attempt's failure handler; taken (set to null) by whoever reports the failure first. */
  onUpstreamFailure: UpstreamFailureHandler | null;
  /** Taps the request body as it is piped upstream (exchange observers, the streamed-body limit). */
  requestTap: ((proxyRequest: ClientRequest) => void) | null;
  /**
   * A tap keeps references to request-body chunks (an observer said so of a chunk): they must not be
   * freed once written upstream (`release-written-chunks.ts`).
   */
  requestChunksHeld: boolean;
  /** Taps each upstream answer (exchange observers). */
  responseTap: ResponseTap | null;
  /** The request's span when tracing is on (null: off, and nothing else is paid). */
  readonly trace: RequestTrace | null;
  /** The current attempt's span, ended with its outcome. */
  attemptTrace: AttemptTrace | null;
}

const CONTEXT = Symbol('strangler.context');

export function setContext(req: IncomingMessage, context: RequestContext): void {
  (req as IncomingMessage & { [CONTEXT]?: RequestContext })[CONTEXT] = context;
}

export function getContext(req: IncomingMessage): RequestContext | undefined {
  return (req as IncomingMessage & { [CONTEXT]?: RequestContext })[CONTEXT];
}
