/**
 * One client's request bytes must never travel in another client's mirror.
 *
 * The shadow service here answers as soon as it has a request's head and reads the body only later, as a
 * busy service may: the proxy has its answer (the mirror is over) while most of the body still waits to be
 * written to the connection. Whatever memory the body was sent from must stay the body's until the socket
 * has taken it all, however many later requests pass through meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';

interface MirroredBody {
  readonly path: string;
  readonly body: Buffer;
  /** The connection closed before the whole body came (the proxy gave the mirror up). */
  readonly cut: boolean;
}

/**
 * A keep-alive HTTP/1.1 server on raw sockets that answers requests on their heads, then stops reading
 * each connection until `release()`; after that it reads on, body after body, answering each next head
 * at once. The first answers wait until `together` heads have come, so that many requests are in flight
 * on connections of their own. Bodies must have a Content-Length (mirrors always do).
 */
interface LateReader {
  readonly url: string;
  readonly bodies: MirroredBody[];
  /** Request heads received so far. */
  readonly heads: number;
  /** Resolves once every request whose head came has its body read whole, or cut by a close. */
  allBodiesRead(): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

async function startLateReader(together: number): Promise<LateReader> {
  const bodies: MirroredBody[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<() => void> = [];
  let released = false;
  let heads = 0;
  const unanswered: Socket[] = [];
  const answer = (socket: Socket) =>
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok');
  const wake = () => {
    if (bodies.length === heads) for (const resolve of waiters.splice(0)) resolve();
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    let current: { path: string; length: number; parts: Buffer[]; got: number } | null = null;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (current === null) return;
      bodies.push({ path: current.path, body: Buffer.concat(current.parts), cut: true });
      current = null;
      wake();
    });
    const consume = () => {
      for (;;) {
        if (current === null) {
          const headEnd = pending.indexOf('\r\n\r\n');
          if (headEnd < 0) return;
          const head = pending.subarray(0, headEnd).toString('latin1');
          pending = pending.subarray(headEnd + 4);
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          current = { path: head.split(' ')[1] ?? '', length, parts: [], got: 0 };
          heads += 1;
          if (heads < together) unanswered.push(socket);
          else for (const waiting of [...unanswered.splice(0), socket]) answer(waiting);
          if (!released) {
            // Busy: the answer is out, the body waits in the connection.
            socket.pause();
            return;
          }
        }
        const take = Math.min(current.length - current.got, pending.length);
        current.parts.push(Buffer.from(pending.subarray(0, take)));
        current.got += take;
        pending = pending.subarray(take);
        if (current.got < current.length) return;
        bodies.push({ path: current.path, body: Buffer.concat(current.parts), cut: false });
        current = null;
        wake();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      consume();
    });
    socket.on('resume', () => setImmediate(consume));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    get heads() {
      return heads;
    },
    allBodiesRead: () =>
      new Promise((resolve) => {
        waiters.push(resolve);
        wake();
      }),
    release() {
      released = true;
      for (const socket of sockets) socket.resume();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const MiB = 1024 * 1024;

/** A body of one repeated byte value, so a foreign byte anywhere in it shows. */
function bodyOf(value: number, bytes: number): Buffer {
  return Buffer.alloc(bytes, value);
}

function foreignBytes(body: Buffer, value: number): number {
  let foreign = 0;
  for (const byte of body) if (byte !== value) foreign += 1;
  return foreign;
}

let legacy: TestUpstream | null = null;
let service: LateReader | null = null;
let harness: ProxyHarness | null = null;
afterEach(async () => {
  service?.release();
  await harness?.close();
  await service?.close();
  await legacy?.close();
  harness = null;
  service = null;
  legacy = null;
});

describe('mirrored request bodies', () => {
  it('carry only their own bytes when the shadow service answers before it reads them', async () => {
    legacy = await startTestUpstream('legacy');
    service = await startLateReader(4);
    harness = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  orders: ${service.url}
proxy: { maxBodyBytes: ${64 * MiB}, maxShadowBytesInFlight: ${64 * MiB} }
routes:
  - id: uploads
    path: /api/uploads
    methods: [POST]
    service: orders
    stage: shadow
    shadow: { percent: 100, unsafe: true, maxBodyBytes: ${16 * MiB}, timeout: 10s, noiseSample: 0 }
`);
    const proxyUrl = harness.proxy.url;
    const sent = new Map<string, { value: number; bytes: number }>();
    /** Four clients at once, each body one byte value of its own and 4 to 8 MiB long. */
    const round = async (first: number) => {
      const answers = [0, 1, 2, 3].map(async (i) => {
        const value = first + i;
        const bytes = 4 * MiB + ((value * 263_167) % (4 * MiB));
        const path = `/api/uploads/${value}`;
        sent.set(path, { value, bytes });
        return (await fetch(`${proxyUrl}${path}`, { method: 'POST', body: bodyOf(value, bytes) })).status;
      });
      expect(await Promise.all(answers)).toEqual([200, 200, 200, 200]);
    };

    await round(1);
    // The first round's mirrors are answered, so the proxy is done with them, while their bodies still wait
    // in the connections.
    await harness.proxy.mirror.idle();
    expect(service.heads).toBe(4);
    // The next clients' bodies pass through the proxy (their answers came back, so the proxy read them
    // whole) before the service reads on.
    await round(5);
    service.release();
    await harness.proxy.mirror.idle();
    await service.allBodiesRead();
    const received = service.bodies.map(({ path, body, cut }) => {
      const expected = sent.get(path);
      return {
        path,
        cut,
        short: body.length !== expected?.bytes,
        foreign: foreignBytes(body, expected?.value ?? -1),
      };
    });
    // No byte of another client's body, in any mirror, whole or cut.
    expect(received.filter((body) => body.foreign > 0)).toEqual([]);
    // And each mirror whole: the proxy gave none of them up.
    expect(received.filter((body) => body.cut || body.short)).toEqual([]);
  });
});
