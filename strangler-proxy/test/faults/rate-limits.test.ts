/**
 * Rate limits at the edge: 429 with Retry-After and the JSON error beyond a client's bucket, in one
 * proxy's memory and shared by two proxies through Redis; and a Redis that stops mid-test, after which
 * the local bucket decides (still limiting), the metrics and the log say so, and no request waits on it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startRedisProcess, type RedisProcess } from '../support/redis-process.ts';
import { collector } from '../support/log-collector.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { loadRoutes } from '../../src/runtime/load-routes.ts';

const SHARED_REDIS = 'redis://127.0.0.1:6379';

let legacy: TestUpstream;
let service: TestUpstream;
const harnesses: ProxyHarness[] = [];

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('service');
});
afterAll(async () => {
  await Promise.all([legacy.close(), service.close()]);
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

/** A route limited to `burst` requests per minute per x-api-key (refills too slowly to matter here). */
const routes = (store: string, burst: number) => `
version: 1
legacy: ${legacy.url}
services:
  svc: ${service.url}
defaults:
  rateLimit: { requests: ${burst}, per: 1m, key: header:x-api-key, store: "${store}", timeout: 500ms }
routes:
  - { id: limited, path: /limited, service: svc, stage: migrated }
  - { id: other, path: /other, service: svc, stage: migrated, rateLimit: { requests: 100 } }
`;

async function start(yaml: string, logger?: ReturnType<typeof createLogger>): Promise<ProxyHarness> {
  const harness = await startHarness(yaml, logger ? { logger } : {});
  harnesses.push(harness);
  return harness;
}

const call = (harness: ProxyHarness, key: string, path = '/limited/1') =>
  fetch(`${harness.proxy.url}${path}`, { headers: { 'x-api-key': key } });

async function metric(harness: ProxyHarness, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${harness.proxy.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('in one proxy', () => {
  it('answers 429 with Retry-After and the JSON error beyond the bucket, per client, per route', async () => {
    const harness = await start(routes('memory', 2));
    const before = service.received.length;
    expect((await call(harness, 'alice')).status).toBe(200);
    expect((await call(harness, 'alice')).status).toBe(200);
    const refused = await call(harness, 'alice');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // Another client, and another route, have buckets of their own.
    expect((await call(harness, 'bob')).status).toBe(200);
    expect((await call(harness, 'alice', '/other/1')).status).toBe(200);
    expect(service.received.length - before).toBe(4);
    expect(await metric(harness, 'strangler_rate_limited_total', 'route="limited"')).toBe(1);
  });

  it('is validated: a bad key or store is reported where it is written', () => {
    const result = loadRoutes(
      `version: 1
legacy: http://127.0.0.1:1
services: { svc: http://127.0.0.1:2 }
routes:
  - id: r
    path: /r
    service: svc
    stage: migrated
    rateLimit: { requests: 5, key: cookie:session, store: "http://cache:6379" }
`,
      { file: 'routes.yaml', env: {} },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['CONFIG_INVALID_VALUE', 'routes[0].rateLimit.key'],
      ['CONFIG_INVALID_VALUE', 'routes[0].rateLimit.store'],
    ]);
  });
});

describe('shared through Redis', () => {
  it('two proxies take from one bucket', async () => {
    const first = await start(routes(SHARED_REDIS, 3));
    const second = await start(routes(SHARED_REDIS, 3));
    const key = randomUUID();
    const statuses = [
      (await call(first, key)).status,
      (await call(second, key)).status,
      (await call(first, key)).status,
      (await call(second, key)).status,
      (await call(first, key)).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await metric(second, 'strangler_rate_limit_store_up', `store="${SHARED_REDIS}"`)).toBe(1);
  });

  it('falls back to the local bucket when Redis stops: still limited, never blocked, and said so', async () => {
    const redis: RedisProcess = await startRedisProcess();
    const log = collector();
    try {
      const harness = await start(routes(redis.url, 2), createLogger({ destination: log.stream }));
      const key = randomUUID();
      expect((await call(harness, key)).status).toBe(200);
      expect(await metric(harness, 'strangler_rate_limit_store_up', `store="${redis.url}"`)).toBe(1);

      await redis.stop();
      // The local bucket starts full: two more are served, the next one is refused.
      const statuses = [(await call(harness, key)).status, (await call(harness, key)).status];
      statuses.push((await call(harness, key)).status);
      expect(statuses).toEqual([200, 200, 429]);
      await log.reached(1, (line) => line.includes('rate limit store unavailable'));
      expect(await metric(harness, 'strangler_rate_limit_fallbacks_total', `store="${redis.url}"`)).toBe(3);
      expect(await metric(harness, 'strangler_rate_limit_store_up', `store="${redis.url}"`)).toBe(0);
    } finally {
      await redis.stop();
    }
  });
});
