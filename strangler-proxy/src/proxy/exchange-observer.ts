/**
 * What the proxy tells whoever watches its exchanges: the shadow, the metrics, the recorder and the access
 * log subscribe here, and the proxy knows none of them beyond this interface (skipper's filters, hpm's
 * plugins). An observer can watch; it cannot change or delay the client's exchange.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Side } from '../config/side.ts';
import type { SideDecision } from '../routing/choose-side.ts';
import type { RequestTrace } from '../tracing/tracing.ts';
import type { ProxyFailure } from './failure-status.ts';
import type { RoutingRoute } from './routing-snapshot.ts';

/** An exchange as it starts: routed and given a side, not yet forwarded. */
export interface ExchangeStart {
  readonly requestId: string;
  readonly method: string;
  /** The normalised path, without the query. */
  readonly path: string;
  /** Null: no route matched (the monolith serves it). */
  readonly route: RoutingRoute | null;
  readonly decision: SideDecision;
  /**
   * The client's request, its `url` the normalised path and query as forwarded. Its head is for reading;
   * its body reaches observers through {@link ExchangeListener.requestBytes} only.
   */
  readonly request: IncomingMessage;
  /** The request carries this proxy's own shadow mark: one of its mirrors came back (a loop). */
  readonly ownMirror: boolean;
  /** The request's span when tracing is on. */
  readonly trace: RequestTrace | null;
}

/** How an exchange ended, told once. */
export interface ExchangeEnd {
  /** The status the client was sent; 499 when it was sent none. */
  readonly status: number;
  readonly durationMs: number;
  /** Who served the client in the end (legacy after a fallback). */
  readonly side: Side;
  readonly fellBack: boolean;
  /** The last attempt's failure, if it failed. */
  readonly failure: ProxyFailure | null;
  /** An attempt of this exchange ran past its upstream's timeout. */
  readonly timedOut: boolean;
  /** The upstream last tried; '' when none was. */
  readonly upstream: string;
}

/**
 * One observer's interest in one exchange. The byte events are optional: the proxy listens to a body's
 * chunks only when some listener has them, so an exchange nobody taps costs nothing per chunk.
 */
export interface ExchangeListener {
  /**
   * A chunk of the request body, as it is piped upstream. True: the listener keeps the chunk by reference,
   * so the proxy must not free its memory once written (`release-written-chunks.ts`).
   */
  requestBytes?(chunk: Buffer): boolean;
  /** An upstream answered (once per attempt that got an answer). */
  responseHead?(status: number, headers: IncomingHttpHeaders): void;
  /** A chunk of that answer, as it is sent on to the client. */
  responseBytes?(chunk: Buffer): void;
  /** That answer arrived in full. */
  responseEnd?(): void;
  /** The client's response was sent in full. */
  end(exchange: ExchangeStart, outcome: ExchangeEnd): void;
  /** The exchange closed before the client's response was sent in full (client gone, answer cut). */
  abort(exchange: ExchangeStart, outcome: ExchangeEnd): void;
}

export interface ExchangeObserver {
  /** Called for every routed exchange before it is forwarded; null: nothing to watch in this one. */
  start(exchange: ExchangeStart): ExchangeListener | null;
}
