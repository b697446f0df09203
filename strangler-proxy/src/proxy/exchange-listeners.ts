/**
 * Hands an exchange's events to the listeners its observers returned. The request's and the answer's
 * chunks are listened to only when a listener has a use for them: an untapped exchange pays nothing per
 * chunk, and an untapped answer's chunks are freed once written.
 */
import type { IncomingMessage } from 'node:http';
import type { ExchangeEnd, ExchangeListener, ExchangeObserver, ExchangeStart } from './exchange-observer.ts';
import type { RequestContext } from './request-context.ts';

/** Starts every observer on the exchange and attaches the taps its listeners need; returns the listeners. */
export function startObservers(
  observers: readonly ExchangeObserver[],
  exchange: ExchangeStart,
  context: RequestContext,
): readonly ExchangeListener[] {
  const listeners: ExchangeListener[] = [];
  for (const observer of observers) {
    const listener = observer.start(exchange);
    if (listener !== null) listeners.push(listener);
  }
  tapRequestBody(listeners, exchange.request, context);
  tapResponses(listeners, context);
  return listeners;
}

/** Tells every listener how the exchange ended: `completed` false when the client's response was cut short. */
export function endObservers(
  listeners: readonly ExchangeListener[],
  exchange: ExchangeStart,
  outcome: ExchangeEnd,
  completed: boolean,
): void {
  for (const listener of listeners) {
    if (completed) listener.end(exchange, outcome);
    else listener.abort(exchange, outcome);
  }
}

function tapRequestBody(
  listeners: readonly ExchangeListener[],
  req: IncomingMessage,
  context: RequestContext,
): void {
  if (!listeners.some(wantsRequestBytes)) return;
  const onChunk = (chunk: Buffer) => {
    for (const listener of listeners) {
      if (listener.requestBytes?.(chunk) === true) context.requestChunksHeld = true;
    }
  };
  let attached = false;
  // Called when an attempt's upstream request exists, in the tick the proxy starts piping the body, so no
  // chunk passes unseen; a retry pipes the same stream, already tapped.
  context.requestTap = () => {
    if (attached) return;
    attached = true;
    req.on('data', onChunk);
  };
}

function tapResponses(listeners: readonly ExchangeListener[], context: RequestContext): void {
  const wantsBytes = listeners.some(wantsResponseBytes);
  if (!wantsBytes && !listeners.some(wantsResponse)) return;
  const onChunk = (chunk: Buffer) => {
    for (const listener of listeners) listener.responseBytes?.(chunk);
  };
  const onEnd = () => {
    for (const listener of listeners) listener.responseEnd?.();
  };
  context.responseTap = {
    holdsChunks: wantsBytes,
    onResponse(response) {
      for (const listener of listeners) listener.responseHead?.(response.statusCode ?? 0, response.headers);
      if (wantsBytes) response.on('data', onChunk);
      response.once('end', onEnd);
    },
  };
}

// Predicates made once, not per exchange.
const wantsRequestBytes = (listener: ExchangeListener) => listener.requestBytes !== undefined;
const wantsResponseBytes = (listener: ExchangeListener) => listener.responseBytes !== undefined;
const wantsResponse = (listener: ExchangeListener) =>
  listener.responseHead !== undefined || listener.responseEnd !== undefined;
