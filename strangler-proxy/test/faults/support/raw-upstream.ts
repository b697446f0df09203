/**
 * An upstream that keeps the exact bytes of every request it receives, to see what the proxy forwards
 * (framing headers, folded lines) rather than what a parser made of it. It reads one request per
 * connection (head, then a Content-Length or chunked body), answers 200 and closes.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';

export interface RawUpstream {
  readonly url: string;
  readonly server: Server;
  /** Raw bytes of each connection, latin1. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startRawUpstream(): Promise<RawUpstream> {
  const received: string[] = [];
  const server = createServer((socket) => {
    let text = '';
    const index = received.push('') - 1;
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      clearTimeout(bound);
      socket.end(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
      );
    };
    // Whatever arrives, answer within a second: a body the proxy never finishes must not hang the test.
    const bound = setTimeout(answer, 1_000);
    socket.on('error', () => undefined);
    socket.on('close', () => clearTimeout(bound));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      received[index] = text;
      const headEnd = text.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = text.slice(0, headEnd).toLowerCase();
      const body = text.slice(headEnd + 4);
      const length = /\r\ncontent-length: *(\d+)/.exec(head);
      if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
        if (body.includes('0\r\n\r\n')) answer();
      } else if (!length || body.length >= Number(length[1])) answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Header lines of a raw request (between the request line and the blank line), lower-cased names. */
export function headerLines(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return head.split('\r\n').slice(1);
}
