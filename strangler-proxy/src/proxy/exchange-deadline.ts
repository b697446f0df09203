/**
 * The upstream timeout of one attempt, kept by a single timer and no event listener: total time until the
 * response head arrives, then idle time while its body streams (a slow body whose bytes keep coming is
 * not cut, a stalled one is).
 *
 * Listening for the head, the end and the socket's idle timeout cost every request four listeners, two
 * timer operations and three closures, although nearly every exchange ends long before its timeout. Here
 * the head is reported by the proxy's `proxyRes` hook that runs anyway, progress is read off the socket's
 * `bytesRead` only when the timer fires, and the owner stops the timer when the exchange is over.
 *
 * The total deadline is exact. The idle one is checked every quarter of the timeout once the first
 * deadline has passed, so a stalled body is cut between 1 and 1.25 timeouts after its last byte.
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
  #timer: NodeJS.Timeout;
  #response: IncomingMessage | null = null;
  #bytesRead = 0;
  #progressAt = 0;
  #stopped = false;

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
    this.#timer = setTimeout(ExchangeDeadline.#check, timeoutMs, this);
  }

  /** The response head arrived: from now on the deadline is idle time. */
  headArrived(response: IncomingMessage): void {
    this.#response = response;
    this.#bytesRead = response.socket.bytesRead;
    this.#progressAt = performance.now();
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

  /** Expires, or looks again later while bytes keep arriving. */
  #checkNow(): void {
    if (this.#stopped) return;
    const response = this.#response;
    if (response === null) return this.#expire(null);
    if (response.complete || response.destroyed) return this.stop();
    const now = performance.now();
    const bytesRead = response.socket.bytesRead;
    if (bytesRead !== this.#bytesRead) {
      this.#bytesRead = bytesRead;
      this.#progressAt = now;
    }
    const quietFor = now - this.#progressAt;
    if (quietFor >= this.#timeoutMs) return this.#expire(response);
    const step = this.#timeoutMs / 4;
    const wait = Math.max(1, Math.min(step, this.#timeoutMs - quietFor));
    this.#timer = setTimeout(ExchangeDeadline.#check, wait, this);
  }

  #expire(response: IncomingMessage | null): void {
    this.#stopped = true;
    this.#onExpired(this.#client, this.#request, response);
  }
}
