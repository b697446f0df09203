/**
 * Finds where each HTTP/1.1 answer on a keep-alive connection ends, for the paced load's raw sockets.
 *
 * The pacer only needs each answer's status and its end (to stop the clock and reuse the connection),
 * so this reads the head's status line and its framing headers and counts body bytes (Content-Length,
 * chunked, or until the connection closes), keeping no body. It exists because node:http's client costs
 * the bench's own process much more CPU per request, on the cores the servers under test share.
 */

export interface FramedResponse {
  readonly status: number;
  /** The server will close the connection after this answer (`Connection: close`, or HTTP/1.0 without keep-alive). */
  readonly closes: boolean;
}

export class FramingError extends Error {
  override readonly name = 'FramingError';
}

/** A head larger than this is not an answer from any of the servers under test. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');

type State =
  | { readonly kind: 'head' }
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunk-size' }
  | { readonly kind: 'chunk-data'; remaining: number }
  | { readonly kind: 'chunk-end' }
  | { readonly kind: 'trailers' }
  | { readonly kind: 'until-close' };

export class ResponseFramer {
  #state: State = { kind: 'head' };
  /** Bytes of a head or of a chunk-size or trailer line not yet complete. */
  #partial: Buffer | null = null;
  #current: FramedResponse | null = null;
  readonly #onResponse: (response: FramedResponse) => void;

  /** `onResponse` is called once per complete answer, in order; interim (1xx) heads are skipped. */
  constructor(onResponse: (response: FramedResponse) => void) {
    this.#onResponse = onResponse;
  }

  /** True between an answer's first byte and its end. */
  get inResponse(): boolean {
    return this.#state.kind !== 'head' || this.#partial !== null;
  }

  /** Feeds the bytes read from the connection; throws FramingError on bytes that are not HTTP/1.x answers. */
  push(chunk: Buffer): void {
    const data = this.#partial ? Buffer.concat([this.#partial, chunk]) : chunk;
    this.#partial = null;
    let at = 0;
    while (at < data.length) {
      const state = this.#state;
      switch (state.kind) {
        case 'head': {
          const end = data.indexOf(CRLF_CRLF, at);
          if (end < 0) {
            if (data.length - at > MAX_HEAD_BYTES) throw new FramingError('answer head over 64 KiB');
            this.#partial = data.subarray(at);
            return;
          }
          this.#startBody(data.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case 'length': {
          const taken = Math.min(state.remaining, data.length - at);
          state.remaining -= taken;
          at += taken;
          if (state.remaining === 0) this.#complete();
          break;
        }
        case 'chunk-size':
        case 'chunk-end':
        case 'trailers': {
          const lineEnd = data.indexOf('\r\n', at, 'latin1');
          if (lineEnd < 0) {
            if (data.length - at > MAX_HEAD_BYTES) throw new FramingError('chunk line over 64 KiB');
            this.#partial = data.subarray(at);
            return;
          }
          const line = data.toString('latin1', at, lineEnd);
          at = lineEnd + 2;
          this.#line(state.kind, line);
          break;
        }
        case 'chunk-data': {
          const taken = Math.min(state.remaining, data.length - at);
          state.remaining -= taken;
          at += taken;
          if (state.remaining === 0) this.#state = { kind: 'chunk-end' };
          break;
        }
        case 'until-close':
          return;
      }
    }
  }

  /** The connection ended: an answer framed by the close ends here; any other unfinished answer was cut. */
  end(): 'complete' | 'cut' | 'idle' {
    if (this.#state.kind === 'until-close') {
      this.#complete();
      return 'complete';
    }
    return this.inResponse ? 'cut' : 'idle';
  }

  #startBody(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!statusLine)
      throw new FramingError(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
    const status = Number(statusLine[2]);
    let length: number | null = null;
    let chunked = false;
    let connection = '';
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index] ?? '';
      const colon = line.indexOf(':');
      if (colon <= 0) throw new FramingError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value)) throw new FramingError(`bad Content-Length: ${JSON.stringify(value)}`);
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        chunked = value.split(',').at(-1)?.trim() === 'chunked';
      } else if (name === 'connection') {
        connection = value;
      }
    }
    if (status >= 100 && status < 200 && status !== 101) return; // interim answer: the real one follows
    const closes =
      /\bclose\b/.test(connection) || (statusLine[1] === '0' && !/\bkeep-alive\b/.test(connection));
    this.#current = { status, closes };
    // RFC 9112 §6.3: no body for 204 and 304 (the pacer sends only GETs); chunked wins over a length.
    if (status === 204 || status === 304) this.#complete();
    else if (chunked) this.#state = { kind: 'chunk-size' };
    else if (length !== null) {
      this.#state = { kind: 'length', remaining: length };
      if (length === 0) this.#complete();
    } else this.#state = { kind: 'until-close' };
  }

  #line(kind: 'chunk-size' | 'chunk-end' | 'trailers', line: string): void {
    if (kind === 'chunk-end') {
      if (line !== '') throw new FramingError('chunk not followed by CRLF');
      this.#state = { kind: 'chunk-size' };
      return;
    }
    if (kind === 'trailers') {
      if (line === '') this.#complete();
      return;
    }
    const size = /^([0-9a-fA-F]{1,8})(?:[ \t]*;.*)?$/.exec(line);
    if (!size) throw new FramingError(`bad chunk size line: ${JSON.stringify(line.slice(0, 80))}`);
    const bytes = Number.parseInt(size[1] ?? '', 16);
    this.#state = bytes === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: bytes };
  }

  #complete(): void {
    const response = this.#current;
    this.#state = { kind: 'head' };
    this.#current = null;
    if (response) this.#onResponse(response);
  }
}
