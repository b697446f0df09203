/**
 * The upstream timeout of one attempt, kept by a single timer and no event listener: total time until the
 * response head arrives, then idle time on the connection while the body streams (a slow body whose
 * bytes keep coming is not cut, a stalled one is; bytes of a request body still going up count too).
 *
 * Listening for the head, the end and the socket's idle timeout cost every request four listeners, two
 * timer operations and three closures, although nearly every exchange ends long before its timeout. Here
 * the head is reported by the proxy's `proxyRes` hook that runs anyway, progress is read off the socket's
 * byte counters only when the timer fires, and the owner stops the timer when the exchange is over.
 *
 * The timer fires every quarter of the timeout (an exchange that ends sooner, nearly all of them, never
 * sees it fire). The total deadline is exact: the last wait before it is cut to land on it. A stalled body
 * is cut between 1 and 1.25 timeouts after its last byte, since a byte is noticed at the next check.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';

/** Called once when the deadline passes: `response` is null when no head had arrived. */
export type DeadlineExpired = (
  client: IncomingMessage,
  request: ClientRequest,
  response: IncomingMessage | null,
) => void;

export class ExchangeDeadline {
  readonly #client: IncomingMessage;
  readonly #request: ClientRequest;
  readonly #timeoutMs: number;
  readonly #onExpired: DeadlineExpired;
  readonly #startedAt: number;
  #timer: NodeJS.Timeout;
  #response: IncomingMessage | null = null;
  #bytesMoved = 0;
  #progressAt = 0;
  #stopped = false;
  #expired = false;

  /** `client` is the request being proxied, `request` this attempt's request to the upstream. */
  constructor(
    client: IncomingMessage,
    request: ClientRequest,
    timeoutMs: number,
    onExpired: DeadlineExpired,
  ) {
    this.#client = client;
    this.#request = request;
    this.#timeoutMs = timeoutMs;
    this.#onExpired = onExpired;
    this.#startedAt = performance.now();
    this.#timer = setTimeout(ExchangeDeadline.#check, this.#step(timeoutMs), this);
  }

  /** The response head arrived: from now on the deadline is idle time. */
  headArrived(response: IncomingMessage): void {
    this.#response = response;
    this.#bytesMoved = bytesMoved(response);
    this.#progressAt = performance.now();
  }

  /** Whether this deadline passed (and had the attempt destroyed). */
  get expired(): boolean {
    return this.#expired;
  }

  /** The exchange is over (answered, failed or abandoned): the timer goes, and nothing expires any more. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  static #check(this: void, deadline: ExchangeDeadline): void {
    deadline.#checkNow();
  }

  /** Expires, or looks again later: before the head until the total deadline, after it while bytes move. */
  #checkNow(): void {
    if (this.#stopped) return;
    const now = performance.now();
    const response = this.#response;
    if (response === null) {
      const left = this.#timeoutMs - (now - this.#startedAt);
      if (left <= 0) return this.#expire(null);
      this.#timer = setTimeout(ExchangeDeadline.#check, this.#step(left), this);
      return;
    }
    if (response.complete || response.destroyed) return this.stop();
    const moved = bytesMoved(response);
    if (moved !== this.#bytesMoved) {
      this.#bytesMoved = moved;
      this.#progressAt = now;
    }
    const left = this.#timeoutMs - (now - this.#progressAt);
    if (left <= 0) return this.#expire(response);
    this.#timer = setTimeout(ExchangeDeadline.#check, this.#step(left), this);
  }

  /** The next wait: a quarter of the timeout, or what is left when that is less (at least 1 ms). */
  #step(left: number): number {
    return Math.max(1, Math.min(this.#timeoutMs / 4, left));
  }

  #expire(response: IncomingMessage | null): void {
    this.#stopped = true;
    this.#expired = true;
    this.#onExpired(this.#client, this.#request, response);
  }
}

/** Bytes read and written on the response's connection so far (both count as progress). */
function bytesMoved(response: IncomingMessage): number {
  const socket = response.socket;
  return socket.bytesRead + socket.bytesWritten;
}
