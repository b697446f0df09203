/**
 * The shadow path never affects the client: with the shadowed service dead, hanging, resetting or
 * answering garbage, the client gets byte-for-byte the same status and body as with shadowing off, and
 * without waiting for the mirror. Each mirror ends in exactly one settled event carrying the failure;
 * past `proxy.maxShadowsInFlight` mirrors are dropped and counted as `over_capacity`, never queued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, deadPort, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import type { ShadowSettled } from '../../src/shadow/shadow-mirror.ts';
import { startHostileUpstream, type HostileUpstream } from './support/hostile-upstream.ts';
import { send, type Outcome } from './support/http-client.ts';

const SHADOW_TIMEOUT = 600;
const MAX_SHADOWS = 2;

let legacy: TestUpstream;
let hostile: HostileUpstream;
let shadowed: ProxyHarness;
let plain: ProxyHarness;

const routes = (stage: 'shadow' | 'legacy', dead: string) => `
version: 1
legacy: ${legacy.url}
services:
  dead: ${dead}
  hostile: ${hostile.url}
proxy:
  maxShadowsInFlight: ${MAX_SHADOWS}
routes:
  - id: dead
    path: /dead
    service: dead
    stage: ${stage}
    shadow: { timeout: ${SHADOW_TIMEOUT}, noiseSample: 0, unsafe: true, pauseAfterFailures: 0 }
  - id: hostile
    path: /hostile
    service: hostile
    stage: ${stage}
    shadow: { timeout: ${SHADOW_TIMEOUT}, noiseSample: 0, unsafe: true, pauseAfterFailures: 0 }
`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  hostile = await startHostileUpstream();
  const dead = await deadPort();
  shadowed = await startHarness(routes('shadow', dead));
  plain = await startHarness(routes('legacy', dead));
});
afterAll(async () => {
  await shadowed.close();
  await plain.close();
  await legacy.close();
  await hostile.close();
});

/** Resolves with the settled event of the mirror of `requestId` (bounded). */
function settledFor(requestId: string, timeoutMs = SHADOW_TIMEOUT + 3_000): Promise<ShadowSettled | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(null);
    }, timeoutMs);
    const off = shadowed.proxy.mirror.onSettled((event) => {
      if (event.requestId !== requestId) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

const comparable = (outcome: Outcome) => ({
  status: outcome.status,
  body: outcome.body,
  error: outcome.error,
  complete: outcome.complete,
  contentType: outcome.headers['content-type'],
  contentLength: outcome.headers['content-length'],
});

describe('a failing shadow never affects the client', () => {
  it.each([
    ['GET', '/dead/products/1', 'connection_error'],
    ['GET', '/hostile/products/hang', 'timeout'],
    ['GET', '/hostile/products/slow-head', 'timeout'],
    ['GET', '/hostile/products/garbage', 'bad_response'],
    ['GET', '/hostile/products/reset-head', 'connection_error'],
    ['GET', '/hostile/products/reset-body', 'bad_response'],
    ['GET', '/hostile/products/truncated', 'bad_response'],
    ['GET', '/hostile/products/truncated-chunked', 'bad_response'],
    ['POST', '/hostile/orders/hang', 'timeout'],
  ])(
    '%s %s: same answer as without shadowing, not delayed; mirror settles as %s',
    async (method, path, kind) => {
      const requestId = `shadow-${method}-${path.replaceAll('/', '_')}`;
      const options = {
        method,
        headers: { 'x-request-id': requestId, 'content-type': 'text/plain' },
        body: method === 'POST' ? 'order=1' : undefined,
      };
      const settled = settledFor(requestId);
      const withShadow = await send(shadowed.proxy.url, path, options);
      const without = await send(plain.proxy.url, path, options);
      expect(comparable(withShadow)).toEqual(comparable(without));
      expect(withShadow).toMatchObject({ status: 200, complete: true });
      expect(JSON.parse(withShadow.body)).toMatchObject({
        upstream: 'legacy',
        bodyBytes: method === 'POST' ? 7 : 0,
      });

      const event = await settled;
      expect(event?.verdict?.outcome).toBe('error');
      expect(event?.verdict?.error).toMatchObject({ side: 'service', kind });
    },
  );

  it('a healthy shadow compares and matches (the mirror is really sent)', async () => {
    const settled = settledFor('shadow-ok');
    await send(shadowed.proxy.url, '/hostile/products/ok', { headers: { 'x-request-id': 'shadow-ok' } });
    const event = await settled;
    // hostile answers a different body than legacy: a real comparison, so a mismatch.
    expect(event?.verdict?.outcome).toBe('mismatch');
  });
});

describe('the in-flight cap', () => {
  it(`drops and counts mirrors beyond maxShadowsInFlight (${MAX_SHADOWS}) instead of queueing them`, async () => {
    await shadowed.proxy.mirror.idle();
    const events: ShadowSettled[] = [];
    let highest = 0;
    const off = shadowed.proxy.mirror.onSettled((event) => {
      events.push(event);
      highest = Math.max(highest, shadowed.proxy.mirror.inFlight);
    });
    try {
      // Two mirrors that hang until the shadow timeout hold both slots...
      const holders = await Promise.all(
        [1, 2].map((i) =>
          send(shadowed.proxy.url, `/hostile/cap/${i}/hang`, {
            headers: { 'x-request-id': `cap-hold-${i}` },
          }),
        ),
      );
      expect(holders.map((outcome) => outcome.status)).toEqual([200, 200]);
      expect(shadowed.proxy.mirror.inFlight).toBe(MAX_SHADOWS);
      // ...so the next ones are served normally and their mirrors dropped at once.
      const extra = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          send(shadowed.proxy.url, `/hostile/cap/extra-${i}/hang`, {
            headers: { 'x-request-id': `cap-extra-${i}` },
          }),
        ),
      );
      expect(extra.map((outcome) => outcome.status)).toEqual(Array(8).fill(200));
      const dropped = events.filter((event) => event.skipped === 'over_capacity');
      expect(dropped.map((event) => event.requestId).sort()).toEqual(
        Array.from({ length: 8 }, (_, i) => `cap-extra-${i}`).sort(),
      );
      expect(shadowed.proxy.mirror.inFlight).toBe(MAX_SHADOWS);

      await shadowed.proxy.mirror.idle();
      expect(
        events
          .filter((event) => event.requestId.startsWith('cap-hold-'))
          .map((event) => event.verdict?.error?.kind),
      ).toEqual(['timeout', 'timeout']);
      expect(highest).toBeLessThanOrEqual(MAX_SHADOWS);
      const metrics = await (await fetch(`${shadowed.proxy.adminUrl}/metrics`)).text();
      expect(metrics).toMatch(/strangler_shadow_skipped_total\{route="hostile",reason="over_capacity"\} 8\b/);
    } finally {
      off();
    }
  });
});
