/**
 * Instances found by DNS, asked of a DNS server the test runs (`discovery.resolver`): A records with a
 * port, SRV records with theirs, answers that change (re-resolution within the TTL) under a request in
 * flight, and a DNS outage that keeps the instances last known.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startDnsServer, type DnsServer } from '../support/dns-server.ts';
import { endpointsOf, endpointsWhere } from '../support/endpoint-events.ts';

let dns: DnsServer;
let legacy: TestUpstream;
let harness: ProxyHarness | undefined;
const servers: Server[] = [];

beforeAll(async () => {
  dns = await startDnsServer();
  legacy = await startTestUpstream('legacy');
});
afterAll(async () => {
  await dns.close();
  await legacy.close();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** An instance on `host:port` answering with its name; `hold` keeps a request open until released. */
async function instance(name: string, host: string, port = 0) {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url?.endsWith('/hold')) {
      held.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ upstream: name }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, held, server };
}

const routes = (discovery: string) => `
version: 1
legacy: ${legacy.url}
services:
  svc:
    discovery: { ${discovery}, resolver: "${dns.address}", minRefresh: 20ms }
routes:
  - { id: things, path: /things, service: svc, stage: migrated }
`;

const served = async (path: string) => {
  const response = await fetch(`${harness!.proxy.url}${path}`);
  return ((await response.json()) as { upstream: string }).upstream;
};

describe('discovery by DNS', () => {
  it('A records with a port: the addresses are the instances, and a new answer moves the traffic', async () => {
    const first = await instance('first', '127.0.0.1');
    const second = await instance('second', '127.0.0.2', first.port);
    dns.set('svc.strangler.test', { a: ['127.0.0.1'] });
    harness = await startHarness(routes(`dns: svc.strangler.test, port: ${first.port}`));
    expect(await served('/things/1')).toBe('first');

    // A request in flight to the instance that leaves the answer completes.
    const holding = fetch(`${harness.proxy.url}/things/hold`);
    await new Promise((resolve) => first.server.once('request', resolve));
    dns.set('svc.strangler.test', { a: ['127.0.0.2'] });
    await endpointsWhere(harness.proxy, 'svc', (endpoints) =>
      endpoints.every((endpoint) => endpoint.url === `http://127.0.0.2:${first.port}/`),
    );
    expect(await served('/things/2')).toBe('second');
    first.held[0]!.end('{"upstream":"first, late"}');
    expect(await (await holding).json()).toEqual({ upstream: 'first, late' });
    expect(second.held).toHaveLength(0);
  });

  it('SRV records give each instance its port', async () => {
    const a = await instance('a', '127.0.0.1');
    const b = await instance('b', '127.0.0.1');
    dns.set('_http._tcp.svc.strangler.test', {
      srv: [
        { target: 'a.strangler.test', port: a.port },
        { target: 'b.strangler.test', port: b.port },
      ],
    });
    dns.set('a.strangler.test', { a: ['127.0.0.1'] });
    dns.set('b.strangler.test', { a: ['127.0.0.1'] });
    harness = await startHarness(routes('dns: _http._tcp.svc.strangler.test'));
    expect(endpointsOf(harness.proxy, 'svc').map((endpoint) => endpoint.url)).toEqual(
      [`http://127.0.0.1:${a.port}/`, `http://127.0.0.1:${b.port}/`].sort(),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(await served(`/things/${i}`));
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('keeps the instances last known when the name stops resolving, and says so on /status', async () => {
    const only = await instance('only', '127.0.0.1');
    dns.set('gone.strangler.test', { a: ['127.0.0.1'] });
    harness = await startHarness(routes(`dns: gone.strangler.test, port: ${only.port}`));
    dns.set('gone.strangler.test', undefined);
    // Three rounds of questions (A and AAAA) since the name went away: a round starts only once the one
    // before was handled, so the second, whole after the change, has been.
    await new Promise<void>((resolve) => {
      let asked = 0;
      const count = (name: string) => {
        if (name !== 'gone.strangler.test' || ++asked < 6) return;
        dns.events.off('query', count);
        resolve();
      };
      dns.events.on('query', count);
    });
    expect(await served('/things/1')).toBe('only');
    const status = (await (await fetch(`${harness.proxy.adminUrl}/status`)).json()) as {
      upstreams: Record<string, { url: string; discoveryError?: string; endpoints: unknown[] }>;
    };
    expect(status.upstreams.svc).toMatchObject({
      url: `dns gone.strangler.test (A/AAAA, port ${only.port})`,
      discoveryError: 'ENOTFOUND',
      endpoints: [expect.objectContaining({ url: `http://127.0.0.1:${only.port}/`, state: 'healthy' })],
    });
  });
});
