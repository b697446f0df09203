/**
 * Several instances per upstream (a list of URLs): balancing, retries that move to another instance,
 * passive outlier ejection (never all at once), active health checks, the endpoints on /status and in the
 * metrics, mirrors balanced like requests, and a reload that changes the list under a request in flight.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { deadPort, jsonEcho, startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { endpointsOf, endpointsWhere } from '../support/endpoint-events.ts';

let harness: ProxyHarness | undefined;
const started: TestUpstream[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await Promise.all(started.splice(0).map((upstream) => upstream.close()));
});

async function instances(count: number): Promise<TestUpstream[]> {
  const made = await Promise.all(Array.from({ length: count }, (_, i) => startTestUpstream(`i${i}`)));
  started.push(...made);
  return made;
}

const get = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${harness!.proxy.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as { upstream?: string } };
};

const routes = (service: string, extra = '') => `
version: 1
legacy: ${started[0]!.url}
services:
  svc:
${service}
routes:
  - { id: things, path: /things, service: svc, stage: migrated }
${extra}`;

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${harness!.proxy.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('a list of instances', () => {
  it('round robin sends each instance its turn', async () => {
    const [legacy, a, b, c] = await instances(4);
    harness = await startHarness(
      routes(`    url: [${a!.url}, ${b!.url}, ${c!.url}]\n    balance: round-robin`),
    );
    for (let i = 0; i < 6; i++) expect((await get(`/things/${i}`)).status).toBe(200);
    expect([a!.received.length, b!.received.length, c!.received.length]).toEqual([2, 2, 2]);
    expect(legacy!.received).toHaveLength(0);
  });

  it('least outstanding sends nothing more to an instance busy with a request while others are idle', async () => {
    const [, a, b] = await instances(3);
    const held: ServerResponse[] = [];
    for (const upstream of [a!, b!]) {
      const echo = jsonEcho(upstream === a ? 'a' : 'b');
      upstream.setHandler((req, res, body) =>
        req.url === '/things/hold' ? held.push(res) : echo(req, res, body),
      );
    }
    harness = await startHarness(routes(`    url: [${a!.url}, ${b!.url}]`));
    const holding = get('/things/hold');
    const busy = await Promise.race([a!.nextRequest().then(() => a!), b!.nextRequest().then(() => b!)]);
    const idle = busy === a ? b! : a!;
    for (let i = 0; i < 4; i++) expect((await get(`/things/${i}`)).status).toBe(200);
    expect(busy.received).toHaveLength(1);
    expect(idle.received).toHaveLength(4);
    held[0]!.end('{}');
    expect((await holding).status).toBe(200);
  });

  it('moves a refused request to another instance, ejects the dead one and shows it on /status and in metrics', async () => {
    const [, live] = await instances(2);
    const dead = await deadPort();
    harness = await startHarness(
      routes(
        `    url: [${dead}, ${live!.url}]\n    balance: round-robin\n    outlier: { consecutiveFailures: 2, ejectFor: 1m }`,
      ),
    );
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await get(`/things/${i}`)).status);
    // A POST too: with the dead instance ejected, it goes to the live one (a body is never sent twice).
    answers.push((await get('/things/new', { method: 'POST', body: '{"a":1}' })).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(live!.received).toHaveLength(7);

    const status = (await (await fetch(`${harness.proxy.adminUrl}/status`)).json()) as {
      upstreams: Record<string, { endpoints: Array<{ url: string; state: string; ejections: number }> }>;
    };
    expect(status.upstreams.svc?.endpoints).toEqual([
      expect.objectContaining({ url: `${dead}/`, state: 'ejected', ejections: 1 }),
      expect.objectContaining({ url: `${live!.url}/`, state: 'healthy', ejections: 0 }),
    ]);
    expect(await metric('strangler_upstream_ejections_total', 'upstream="svc"')).toBe(1);
    expect(await metric('strangler_upstream_endpoints', 'upstream="svc",state="ejected"')).toBe(1);
    expect(await metric('strangler_upstream_endpoints', 'upstream="svc",state="healthy"')).toBe(1);
    // The instance's failures were moved on, not the service's: its breaker stays closed.
    expect(harness.proxy.snapshot().upstreams.get('svc')?.guard.breakerState).toBe('closed');
  });

  it('never ejects every instance, even when all of them fail', async () => {
    const [, a, b] = await instances(3);
    for (const upstream of [a!, b!])
      upstream.setHandler((_req, res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"upstream":"broken"}');
      });
    harness = await startHarness(
      routes(
        `    url: [${a!.url}, ${b!.url}]\n    outlier: { consecutiveFailures: 1, maxEjectedPercent: 100 }\n    breaker: { consecutiveFailures: 1000, minRequests: 1000 }`,
      ),
    );
    for (let i = 0; i < 8; i++) expect((await get(`/things/${i}`)).status).toBe(500);
    const states = endpointsOf(harness.proxy, 'svc').map((endpoint) => endpoint.state);
    expect(states.filter((state) => state === 'ejected')).toHaveLength(1);
    expect(states.filter((state) => state === 'healthy')).toHaveLength(1);
  });

  it('active health checks take a failing instance out of the balancing and bring it back', async () => {
    const [, a, b] = await instances(3);
    let bHealthy = true;
    const echoB = jsonEcho('b');
    b!.setHandler((req, res, body) => {
      if (req.url !== '/ready') return echoB(req, res, body);
      res.writeHead(bHealthy ? 200 : 503);
      res.end();
    });
    harness = await startHarness(
      routes(
        `    url: [${a!.url}, ${b!.url}]\n    balance: round-robin\n    healthCheck: { path: /ready, interval: 20ms, healthyThreshold: 2, unhealthyThreshold: 2 }`,
      ),
    );
    bHealthy = false;
    await endpointsWhere(harness.proxy, 'svc', (endpoints) => endpoints[1]?.state === 'unhealthy');
    const before = b!.received.filter((request) => request.url !== '/ready').length;
    for (let i = 0; i < 4; i++) expect((await get(`/things/${i}`)).body.upstream).toBe('i1');
    expect(b!.received.filter((request) => request.url !== '/ready').length).toBe(before);

    bHealthy = true;
    await endpointsWhere(harness.proxy, 'svc', (endpoints) => endpoints[1]?.state === 'healthy');
    const served = new Set<string | undefined>();
    for (let i = 0; i < 4; i++) served.add((await get(`/things/${i}`)).body.upstream);
    expect(served).toEqual(new Set(['i1', 'b']));
  });

  it('a reload that changes the list lets a request in flight to a removed instance finish', async () => {
    const [, a, b] = await instances(3);
    let release: (() => void) | undefined;
    const echoA = jsonEcho('a');
    a!.setHandler((req, res, body) => {
      if (req.url === '/things/slow') release = () => echoA(req, res, body);
      else echoA(req, res, body);
    });
    harness = await startHarness(routes(`    url: [${a!.url}]`));
    const slow = get('/things/slow');
    await a!.nextRequest();
    const reloaded = await harness.rewrite(routes(`    url: [${b!.url}]`));
    expect(reloaded.ok).toBe(true);
    expect((await get('/things/after')).body.upstream).toBe('i2');
    release!();
    expect(await slow).toEqual({ status: 200, body: expect.objectContaining({ upstream: 'a' }) });
  });
});

describe('mirrors', () => {
  it('go to the instances the balancing picks, as requests would', async () => {
    const [legacy, a, b] = await instances(3);
    harness = await startHarness(`
version: 1
legacy: ${legacy!.url}
services:
  svc: { url: [${a!.url}, ${b!.url}], balance: round-robin }
routes:
  - { id: things, path: /things, service: svc, stage: shadow, shadow: { noiseSample: 0 } }
`);
    for (let i = 0; i < 4; i++) {
      expect((await get(`/things/${i}`)).body.upstream).toBe('i0');
      await harness.proxy.mirror.idle();
    }
    expect([a!.received.length, b!.received.length]).toEqual([2, 2]);
  });
});

describe('the configuration', () => {
  it('refuses a list whose URLs differ in more than the address, and an upstream with url and discovery', async () => {
    const [legacy] = await instances(1);
    const { loadRoutes } = await import('../../src/runtime/load-routes.ts');
    const result = loadRoutes(
      `version: 1
legacy: ${legacy!.url}
services:
  a: { url: [http://127.0.0.1:1/x, http://127.0.0.1:2/y] }
  b: { url: http://127.0.0.1:1, discovery: { dns: svc.example, port: 80 } }
  c: { timeout: 1s }
`,
      { file: 'routes.yaml', env: {} },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['CONFIG_INVALID_VALUE', 'services.a.url'],
      ['CONFIG_INVALID_VALUE', 'services.b.discovery'],
      ['CONFIG_INVALID_VALUE', 'services.c'],
    ]);
  });
});
