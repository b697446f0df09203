import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket } from 'ws';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let harness: ProxyHarness;

const canaryRoutes = (percent: number, sticky = 'sticky: header:x-user-id') => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: canary
    canary: { percent: ${percent}${sticky ? `, ${sticky}` : ''} }
`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  harness = await startHarness(canaryRoutes(10));
});
afterAll(async () => {
  await harness.close();
  await legacy.close();
  await catalog.close();
});

async function servedBy(user: string): Promise<string> {
  const response = await fetch(`${harness.proxy.url}/api/products`, { headers: { 'x-user-id': user } });
  return ((await response.json()) as { upstream: string }).upstream;
}

const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);

describe('canary', () => {
  it('sends about percent of users to the service, each user always to the same side, and the cohort only grows', async () => {
    const at10 = new Map<string, string>();
    for (const user of users) at10.set(user, await servedBy(user));
    for (const user of users.slice(0, 50)) expect(await servedBy(user)).toBe(at10.get(user));
    const share10 = [...at10.values()].filter((side) => side === 'catalog').length / users.length;
    expect(share10).toBeGreaterThan(0.04);
    expect(share10).toBeLessThan(0.18);

    expect((await harness.rewrite(canaryRoutes(30))).ok).toBe(true);
    const at30 = new Map<string, string>();
    for (const user of users) at30.set(user, await servedBy(user));
    for (const user of users) if (at10.get(user) === 'catalog') expect(at30.get(user)).toBe('catalog');
    const share30 = [...at30.values()].filter((side) => side === 'catalog').length / users.length;
    expect(share30).toBeGreaterThan(0.22);
    expect(share30).toBeLessThan(0.38);
  });

  it('splits per request without a sticky key', async () => {
    expect((await harness.rewrite(canaryRoutes(50, ''))).ok).toBe(true);
    const sides = new Set<string>();
    for (let i = 0; i < 60; i += 1) sides.add(await servedBy('same-user'));
    expect(sides).toEqual(new Set(['legacy', 'catalog']));
  });
});

describe('hot reload', () => {
  it('keeps the last good table when the file is invalid, reports it, and recovers', async () => {
    expect((await harness.rewrite(canaryRoutes(100))).ok).toBe(true);
    expect(await servedBy('u1')).toBe('catalog');
    const broken = await harness.rewrite(canaryRoutes(100).replace('service: catalog', 'service: nowhere'));
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(
        broken.problems.some((problem) => problem.code === 'CONFIG_UNKNOWN_SERVICE' && problem.line > 0),
      ).toBe(true);
    expect(await servedBy('u1')).toBe('catalog');

    const admin = (await (await fetch(`${harness.proxy.adminUrl}/routes`)).json()) as {
      lastReload: { ok: boolean };
    };
    expect(admin.lastReload.ok).toBe(false);
    const metrics = await (await fetch(`${harness.proxy.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/strangler_reloads_total\{result="failure"\} [1-9]/);

    expect((await harness.rewrite(canaryRoutes(0))).ok).toBe(true);
    expect(await servedBy('u1')).toBe('legacy');
  });

  it('fails no request while reloading under load', async () => {
    let stop = false;
    const failures: number[] = [];
    let sent = 0;
    const load = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const response = await fetch(`${harness.proxy.url}/api/products`, {
          headers: { 'x-user-id': `u${sent}` },
        });
        await response.arrayBuffer();
        sent += 1;
        if (response.status !== 200) failures.push(response.status);
      }
    });
    for (let i = 0; i < 20; i += 1) {
      const valid = i % 3 !== 2;
      const result = await harness.rewrite(valid ? canaryRoutes(i * 5) : 'version: 1\nroutes: [ {');
      expect(result.ok).toBe(valid);
    }
    stop = true;
    await Promise.all(load);
    expect(sent).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });
});

describe('WebSocket and metrics', () => {
  let wsServer: Server;
  let wss: WebSocketServer;
  let wsHarness: ProxyHarness;

  beforeAll(async () => {
    wsServer = createServer();
    wss = new WebSocketServer({ server: wsServer });
    wss.on('connection', (socket) =>
      socket.on('message', (data) => socket.send(`echo:${(data as Buffer).toString()}`)),
    );
    await new Promise<void>((resolve) => wsServer.listen(0, '127.0.0.1', resolve));
    const wsUrl = `http://127.0.0.1:${(wsServer.address() as AddressInfo).port}`;
    wsHarness = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  live: ${wsUrl}
routes:
  - { id: live, path: /live, service: live, stage: migrated }
`);
  });
  afterAll(async () => {
    await wsHarness.close();
    wss.close();
    await new Promise<void>((resolve) => wsServer.close(() => resolve()));
  });

  it('passes a WebSocket upgrade through, even as the first request', async () => {
    const client = new WebSocket(`${wsHarness.proxy.url.replace('http', 'ws')}/live/socket`);
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const reply = new Promise<string>((resolve) =>
      client.once('message', (data) => resolve((data as Buffer).toString())),
    );
    client.send('hello');
    expect(await reply).toBe('echo:hello');
    client.close();
  });

  it('exposes request metrics by route, stage, upstream and status', async () => {
    await fetch(`${wsHarness.proxy.url}/elsewhere`).then((response) => response.arrayBuffer());
    const text = await (await fetch(`${wsHarness.proxy.adminUrl}/metrics`)).text();
    expect(text).toMatch(
      /strangler_requests_total\{route="unmatched",stage="legacy",upstream="legacy",status="200"\} 1/,
    );
    expect(text).toContain('strangler_request_duration_seconds_bucket');
  });

  it('serves health, readiness and the route table on the admin port only', async () => {
    const health = (await (await fetch(`${wsHarness.proxy.adminUrl}/health`)).json()) as {
      upstreams: Record<string, { healthy: boolean }>;
    };
    expect(Object.keys(health.upstreams).sort()).toEqual(['legacy', 'live']);
    expect((await fetch(`${wsHarness.proxy.adminUrl}/ready`)).status).toBe(200);
    const table = (await (await fetch(`${wsHarness.proxy.adminUrl}/routes`)).json()) as {
      routes: Array<{ id: string }>;
    };
    expect(table.routes.map((route) => route.id)).toEqual(['live']);
    const onProxyPort = await fetch(`${wsHarness.proxy.url}/metrics`);
    expect(((await onProxyPort.json()) as { upstream: string }).upstream).toBe('legacy');
  });
});
