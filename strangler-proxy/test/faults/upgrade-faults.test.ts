/**
 * Upgrade requests (WebSocket handshakes) get what every request gets: the upstream's guard, a deadline
 * until the upstream answers, an access-log line and the request metric with what the client got. They
 * run on connections of their own, never the keep-alive agent's that ordinary requests need, and a
 * client that goes away takes the upstream side with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../../src/logging/logger.ts';
import { collector } from '../support/log-collector.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startHostileUpstream, type HostileUpstream } from './support/hostile-upstream.ts';
import { send } from './support/http-client.ts';
import { closedWithin, openSocket, rawExchange, statuses } from './support/raw-client.ts';

const TIMEOUT = 500;
const MAX_CONCURRENT = 4;

let legacy: TestUpstream;
let slow: HostileUpstream;
let wsServer: Server;
let wss: WebSocketServer;
let harness: ProxyHarness;
const log = collector();

beforeAll(async () => {
  // Without an upgrade handler (as an Express app): it answers an upgrade request as a plain GET.
  legacy = await startTestUpstream('legacy');
  slow = await startHostileUpstream();
  wsServer = createServer();
  wss = new WebSocketServer({ server: wsServer });
  wss.on('connection', (socket) =>
    socket.on('message', (data) => socket.send(`echo:${(data as Buffer).toString()}`)),
  );
  await new Promise<void>((resolve) => wsServer.listen(0, '127.0.0.1', resolve));
  const wsUrl = `http://127.0.0.1:${(wsServer.address() as AddressInfo).port}`;
  harness = await startHarness(
    `
version: 1
legacy: ${legacy.url}
services:
  live: ${wsUrl}
  slow: { url: ${slow.url}, timeout: ${TIMEOUT}, maxConcurrent: ${MAX_CONCURRENT} }
  patient: { url: ${slow.url}, timeout: 60s }
routes:
  - { id: live, path: /live, service: live, stage: migrated }
  - { id: slow, path: /slow, service: slow, stage: migrated }
  # The same upstream with a deadline no test reaches: only the client's leaving can end its upgrades.
  - { id: patient, path: /patient, service: patient, stage: migrated }
`,
    { logger: createLogger({ destination: log.stream }) },
  );
});
afterAll(async () => {
  await harness.close();
  await legacy.close();
  await slow.close();
  wss.close();
  await new Promise<void>((resolve) => wsServer.close(() => resolve()));
});

const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: shop\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

interface RequestLine {
  readonly msg: string;
  readonly path: string;
  readonly route: string;
  readonly upstream: string;
  readonly status: number;
}

/** Resolves with the access-log line of `path` once it is written (bounded). */
async function loggedFor(path: string): Promise<RequestLine | undefined> {
  const parse = (line: string) => JSON.parse(line) as RequestLine;
  const matches = (line: string) => parse(line).msg === 'request' && parse(line).path === path;
  await Promise.race([log.reached(1, matches), new Promise((resolve) => setTimeout(resolve, 3_000))]);
  const line = log.lines.find(matches);
  return line === undefined ? undefined : parse(line);
}

async function requestsCounted(route: string, status: number): Promise<number> {
  const text = await harness.proxy.metrics.registry.metrics();
  const series = new RegExp(
    `^strangler_requests_total\\{route="${route}",[^}]*status="${status}"\\} (\\d+)$`,
    'm',
  );
  return Number(series.exec(text)?.[1] ?? 0);
}

/** Resolves with the next `count` requests the slow upstream receives, or those seen within 3 s. */
function slowRequests(count: number): Promise<IncomingMessage[]> {
  return new Promise((resolve) => {
    const seen: IncomingMessage[] = [];
    const done = () => {
      clearTimeout(bound);
      slow.server.off('request', onRequest);
      resolve(seen);
    };
    const onRequest = (req: IncomingMessage) => {
      seen.push(req);
      if (seen.length >= count) done();
    };
    const bound = setTimeout(done, 3_000);
    slow.server.on('request', onRequest);
  });
}

describe('upgrade requests', () => {
  it('a WebSocket is passed through end to end, logged and counted as 101, and closed on both sides', async () => {
    const upstreamSide = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`${harness.proxy.url.replace('http', 'ws')}/live/socket-1`);
    await once(client, 'open');
    const reply = once(client, 'message') as Promise<[Buffer]>;
    client.send('hello');
    expect((await reply)[0].toString()).toBe('echo:hello');
    expect(await loggedFor('/live/socket-1')).toMatchObject({ route: 'live', upstream: 'live', status: 101 });
    expect(await requestsCounted('live', 101)).toBe(1);
    const [server] = await upstreamSide;
    const serverClosed = once(server, 'close');
    client.terminate();
    await serverClosed;
  });

  it('a server without WebSocket support: its plain answer reaches the client, logged and counted', async () => {
    const exchange = await rawExchange(harness.proxy.port, upgradeRequest('/plain-1'), { timeoutMs: 3_000 });
    expect(statuses(exchange.text)).toEqual([200]);
    expect(exchange.text).toContain('"upstream":"legacy"');
    expect(exchange.closedByServer).toBe(true);
    expect(await loggedFor('/plain-1')).toMatchObject({
      route: 'unmatched',
      upstream: 'legacy',
      status: 200,
    });
    expect(await requestsCounted('unmatched', 200)).toBe(1);
  });

  it(`hanging upgrades fill the bulkhead (${MAX_CONCURRENT}) but never the agent's connections, and get 504 at the deadline`, async () => {
    const arrived = slowRequests(MAX_CONCURRENT);
    const upgrades = Array.from({ length: MAX_CONCURRENT }, (_, i) =>
      rawExchange(harness.proxy.port, upgradeRequest(`/slow/upgrade-${i}/hang`), { timeoutMs: 5_000 }),
    );
    expect(await arrived).toHaveLength(MAX_CONCURRENT);
    const agent = harness.proxy.snapshot().upstreams.get('slow')?.agent;
    expect(Object.values(agent?.sockets ?? {}).flat()).toEqual([]);
    // The bulkhead is full: an ordinary request is refused at once rather than queued behind them.
    const refused = await send(harness.proxy.url, '/slow/ordinary-1', { timeoutMs: 3_000 });
    expect([refused.status, JSON.parse(refused.body).error?.code]).toEqual([503, 'UPSTREAM_OVER_CAPACITY']);
    for (const exchange of await Promise.all(upgrades)) {
      expect(statuses(exchange.text)).toEqual([504]);
      expect(exchange.text).toContain('UPSTREAM_TIMEOUT');
      expect(exchange.closedByServer).toBe(true);
    }
    expect(await loggedFor('/slow/upgrade-0/hang')).toMatchObject({ route: 'slow', status: 504 });
    expect(await requestsCounted('slow', 504)).toBe(MAX_CONCURRENT);
    const served = await Promise.all(
      Array.from({ length: MAX_CONCURRENT }, (_, i) =>
        send(harness.proxy.url, `/slow/ordinary-${i + 2}`, { timeoutMs: 3_000 }),
      ),
    );
    expect(served.map((outcome) => outcome.status)).toEqual(Array(MAX_CONCURRENT).fill(200));
  });

  it.each([
    ['closes its connection', (socket: Socket) => socket.destroy()],
    ['only ends its side', (socket: Socket) => socket.end()],
  ])('a client that %s before the answer leaves no upstream connection open', async (name, leave) => {
    const path = `/patient/abandoned-${name.replaceAll(' ', '-')}/hang`;
    const arrived = slowRequests(1);
    const socket = await openSocket(harness.proxy.port);
    socket.on('error', () => undefined);
    socket.write(upgradeRequest(path));
    const [upstreamRequest] = await arrived;
    expect(upstreamRequest).toBeDefined();
    leave(socket);
    expect(upstreamRequest && (await closedWithin(upstreamRequest.socket, 3_000))).toBe(true);
    expect(await loggedFor(path)).toMatchObject({ route: 'patient', status: 499 });
    socket.destroy();
  });
});
