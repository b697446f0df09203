/**
 * Hostile upstreams: refused connections, resets before and during the body, truncated bodies (framed by
 * length and by chunks), a status line dribbled byte by byte, a slow but live body, a body that stops, a
 * late head, a hang, garbage, and a status no response may carry.
 * Each gives the client a clean 502/504 (or the fallback's answer); the proxy stays healthy; and after
 * thousands of such requests the proxy's sockets, listeners and memory are back where they started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { startTestUpstream, deadPort, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import {
  startHostileUpstream,
  LATE_HEAD_TICKS,
  SLOW_BODY,
  TICK_MS,
  type Behaviour,
  type HostileUpstream,
} from './support/hostile-upstream.ts';
import { runLoad, send, tally } from './support/http-client.ts';
import { startChildProxy } from './support/child-proxy.ts';
import { NEVER_OPEN, writeRoutesFile } from './support/routes-file.ts';

const UPSTREAM_TIMEOUT = 300;

let legacy: TestUpstream;
let hostile: HostileUpstream;
let dead: string;

const routes = () => `
version: 1
legacy: ${legacy.url}
services:
  hostile:
    url: ${hostile.url}
    timeout: ${UPSTREAM_TIMEOUT}
    retry: { attempts: 0 }
    breaker: ${NEVER_OPEN}
  dead:
    url: ${dead}
    timeout: ${UPSTREAM_TIMEOUT}
    breaker: ${NEVER_OPEN}
routes:
  - { id: faults, path: /faults, service: hostile, stage: migrated }
  - { id: guarded, path: /guarded, service: hostile, stage: migrated, fallback: legacy }
  - { id: refused, path: /refused, service: dead, stage: migrated }
  - { id: refused-guarded, path: /refused-guarded, service: dead, stage: migrated, fallback: legacy }
`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  hostile = await startHostileUpstream();
  dead = await deadPort();
});
afterAll(async () => {
  await hostile.close();
  await legacy.close();
});

const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('each upstream fault, one at a time', () => {
  let harness: ProxyHarness;
  beforeAll(async () => {
    harness = await startHarness(routes());
  });
  afterAll(() => harness.close());

  it.each([
    ['/refused/x', 502, 'UPSTREAM_UNAVAILABLE'],
    ['/faults/reset-head', 502, 'UPSTREAM_RESET'],
    ['/faults/garbage', 502, 'UPSTREAM_BAD_RESPONSE'],
    ['/faults/bad-status', 502, 'UPSTREAM_BAD_RESPONSE'],
    ['/faults/hang', 504, 'UPSTREAM_TIMEOUT'],
    ['/faults/slow-head', 504, 'UPSTREAM_TIMEOUT'],
  ] as const)(
    '%s → a complete %i %s, from the upstream timeout at the latest',
    async (path, status, code) => {
      // The code says which deadline or failure ended the exchange; a hang the timeout missed never ends.
      const outcome = await send(harness.proxy.url, path);
      expect(outcome).toMatchObject({ status, error: null, complete: true });
      expect(errorCode(outcome.body)).toBe(code);
    },
  );

  it.each(['reset-body', 'truncated', 'truncated-chunked'] as const)(
    '/faults/%s (status already sent) → the client sees the body cut short, never a complete one',
    async (behaviour: Behaviour) => {
      const outcome = await send(harness.proxy.url, `/faults/${behaviour}`);
      expect(outcome.status).toBe(200);
      expect(outcome.complete).toBe(false);
      expect(outcome.error).not.toBeNull();
    },
  );

  it('passes a slow body whose bytes keep coming (the timeout is idle time, not total time)', async () => {
    // One byte a tick: longer than the timeout as a whole, never idle for it.
    expect(SLOW_BODY.length * TICK_MS).toBeGreaterThan(UPSTREAM_TIMEOUT);
    const outcome = await send(harness.proxy.url, '/faults/slow-body');
    expect(outcome).toMatchObject({ status: 200, body: SLOW_BODY, complete: true, error: null });
  });

  it('cuts a body that stops coming once it has been idle for the timeout', async () => {
    const outcome = await send(harness.proxy.url, '/faults/stalled-body');
    expect(outcome.status).toBe(200);
    expect(outcome.complete).toBe(false);
    expect(outcome.error).not.toBeNull();
  });

  it('gives a head that came late its own idle time for the body', async () => {
    // Head at 180 ms (the total deadline is 300 ms), the rest 180 ms later: 360 ms in all, never idle 300.
    expect(LATE_HEAD_TICKS * TICK_MS).toBeLessThan(UPSTREAM_TIMEOUT);
    expect(LATE_HEAD_TICKS * TICK_MS * 2).toBeGreaterThan(UPSTREAM_TIMEOUT);
    const outcome = await send(harness.proxy.url, '/faults/late-head');
    expect(outcome).toMatchObject({ status: 200, body: 'late', complete: true, error: null });
  });

  it.each(['/guarded/hang', '/guarded/reset-head', '/guarded/garbage', '/refused-guarded/x'])(
    '%s → the monolith answers instead (fallback)',
    async (path) => {
      const outcome = await send(harness.proxy.url, path);
      expect(outcome).toMatchObject({ status: 200, complete: true, error: null });
      expect(JSON.parse(outcome.body)).toMatchObject({ upstream: 'legacy' });
    },
  );

  it('stays healthy and ready, and leaves no upstream socket busy', async () => {
    expect((await send(harness.proxy.url, '/faults/ok')).status).toBe(200);
    expect((await send(harness.proxy.adminUrl ?? '', '/ready')).status).toBe(200);
    const agent = harness.proxy.snapshot().upstreams.get('hostile')?.agent;
    const busy = Object.values(agent?.sockets ?? {}).flat().length;
    expect(busy).toBe(0);
    const free = Object.values(agent?.freeSockets ?? {}).flat().length;
    // The upstream sees exactly the proxy's idle keep-alive sockets: hung and dribbling ones were closed.
    expect(await hostile.socketsClosed(2_000, free)).toBe(true);
  });
});

describe('a fallback after a timeout', () => {
  let harness: ProxyHarness;
  let resetting: Server;
  beforeAll(async () => {
    // A monolith that resets every connection as soon as a request arrives.
    resetting = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.resetAndDestroy());
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const { port } = resetting.address() as AddressInfo;
    harness = await startHarness(`
version: 1
legacy: { url: 'http://127.0.0.1:${port}', retry: { attempts: 0 }, breaker: ${NEVER_OPEN} }
services:
  hostile: { url: ${hostile.url}, timeout: ${UPSTREAM_TIMEOUT}, breaker: ${NEVER_OPEN} }
routes:
  - { id: guarded, path: /guarded, service: hostile, stage: migrated, fallback: legacy }
`);
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => resetting.close(resolve));
  });

  it('reports what the fallback itself ran into, not the timeout of the service before it', async () => {
    const outcome = await send(harness.proxy.url, '/guarded/hang');
    expect(outcome).toMatchObject({ status: 502, complete: true, error: null });
    expect(errorCode(outcome.body)).toBe('UPSTREAM_RESET');
  });
});

describe('thousands of faulty requests', () => {
  it(
    'end in clean answers; sockets, listeners and heap return to baseline; RSS stays bounded',
    { timeout: 150_000 },
    async () => {
      const { dir, file } = await writeRoutesFile(routes());
      const proxy = await startChildProxy(file);
      try {
        const mix = [
          '/faults/ok',
          '/refused/x',
          '/faults/reset-head',
          '/faults/reset-body',
          '/faults/truncated',
          '/faults/truncated-chunked',
          '/faults/garbage',
          '/faults/bad-status',
          '/faults/hang',
          '/faults/slow-head',
          '/faults/stalled-body',
          '/guarded/hang',
          '/refused-guarded/x',
          '/guarded/ok',
        ];
        const pick = (index: number) => ({ path: mix[index % mix.length] as string });
        expect(await runLoad(proxy.url, 1_200, 24, pick)).toHaveLength(1_200);
        const baseline = await proxy.measure();

        // Every kind of the mix the same number of times per round.
        const round = mix.length * 200;
        const first = await runLoad(proxy.url, round, 24, pick, 60_000);
        const middle = await proxy.measure();
        const second = await runLoad(proxy.url, round, 24, pick, 60_000);
        const after = await proxy.measure();
        const outcomes = [...first, ...second];
        const counts = tally(outcomes);
        const tcp = (m: typeof baseline) => m.resources.TCPSocketWrap ?? 0;
        console.info(
          `[figures] ${outcomes.length} faulty requests after 1200 warm-up: ${JSON.stringify(counts)}; ` +
            `heapUsed ${mb(baseline.heapUsed)} → ${mb(middle.heapUsed)} → ${mb(after.heapUsed)} MB; ` +
            `rss ${mb(baseline.rss)} → ${mb(middle.rss)} → ${mb(after.rss)} MB; ` +
            `TCP sockets ${tcp(baseline)} → ${tcp(after)}; agents ${JSON.stringify(after.agents)}`,
        );

        expect(outcomes).toHaveLength(2 * round);
        // Nobody hangs; every answer is a clean status, or (mid-body faults only) a 200 the client sees cut.
        const cut = outcomes.filter((outcome) => outcome.error !== null);
        expect(
          cut.every(
            (outcome) => outcome.status === 200 && !outcome.complete && outcome.error !== 'CLIENT_BOUND',
          ),
        ).toBe(true);
        // Only the four kinds that fail mid-body may be cut (reset-body, truncated, truncated-chunked,
        // stalled-body): at most as many as were sent of them.
        const perKind = outcomes.length / mix.length;
        expect(cut.length).toBeLessThanOrEqual(perKind * 4);
        const clean = outcomes.filter((outcome) => outcome.error === null);
        expect(
          clean.every((outcome) => outcome.complete && [200, 502, 504].includes(outcome.status ?? 0)),
        ).toBe(true);
        // The fallback routes always answer from the monolith (whatever the service does under load).
        expect(counts['200']).toBeGreaterThanOrEqual(perKind * 3);
        expect(counts['504']).toBeGreaterThanOrEqual(perKind * 2);

        const status = (await (await fetch(`${proxy.adminUrl}/status`)).json()) as { inFlight: number };
        expect(status.inFlight).toBe(0);
        for (const agent of after.agents) {
          expect(agent.busy, agent.name).toBe(0);
          expect(agent.maxTimeoutListeners, `${agent.name} timeout listeners per socket`).toBeLessThanOrEqual(
            2,
          );
        }
        // What a leak would leave behind, counted: sockets, busy agents, timeout listeners, requests in
        // flight. Memory is the bench's to measure, not a test's to bound.
        expect(tcp(after)).toBeLessThanOrEqual(tcp(baseline) + 4);
      } finally {
        await proxy.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
