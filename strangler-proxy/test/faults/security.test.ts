/**
 * Security: the admin listener is loopback-only unless a token is set (and then checked for every
 * endpoint), answers only requests that name its own address in Host, and refuses cross-site writes; the proxy port never serves admin data; the proxy is not an open proxy (absolute-form,
 * CONNECT, `*`, Host tricks, `//host` paths never reach anything but the configured upstreams); client
 * hop-by-hop and internal headers are stripped; X-Forwarded-* are replaced for untrusted peers and
 * appended for trusted ones; the upstream's hop-by-hop response headers do not reach the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { rawExchange, statuses } from './support/raw-client.ts';
import { send } from './support/http-client.ts';
import { writeRoutesFile } from './support/routes-file.ts';
import { startProxy } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { LISTENING, startArgs, startCli } from './support/cli.ts';

let legacy: TestUpstream;
/** A server the proxy must never reach: the would-be target of open-proxy tricks. */
let elsewhere: Server;
let elsewhereConnections = 0;
let elsewherePort: number;
let harness: ProxyHarness;
let trustedHarness: ProxyHarness;

const routes = (extra = '') => `
version: 1
legacy: ${legacy.url}
${extra}
`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  elsewhere = createServer((_req, res) => res.end('elsewhere'));
  elsewhere.on('connection', () => {
    elsewhereConnections += 1;
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewherePort = (elsewhere.address() as AddressInfo).port;
  harness = await startHarness(routes());
  trustedHarness = await startHarness(routes('proxy:\n  trustedProxies: [127.0.0.1]'));
});
afterAll(async () => {
  await harness.close();
  await trustedHarness.close();
  await legacy.close();
  await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
});

describe('the admin listener', () => {
  it('binds to 127.0.0.1 by default', () => {
    expect(new URL(harness.proxy.adminUrl ?? '').hostname).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '127.attacker.example', '127.0.0.1.nip.io'])(
    'refuses to bind to %s without a token',
    async (host) => {
      const { file } = await writeRoutesFile(routes());
      const attempt = startProxy({
        configFile: file,
        port: 0,
        admin: { port: 0, host },
        logger: silentLogger,
      });
      await expect(attempt).rejects.toMatchObject({ code: 'ADMIN_TOKEN_REQUIRED' });
    },
  );

  describe('bound elsewhere with a token', () => {
    const token = 's3cret-admin-token-0123456789';
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let adminPort: number;
    beforeAll(async () => {
      const { file } = await writeRoutesFile(routes());
      proxy = await startProxy({
        configFile: file,
        port: 0,
        admin: { port: 0, host: '0.0.0.0', token },
        logger: silentLogger,
        reloadInterval: 0,
      });
      adminPort = Number(new URL(proxy.adminUrl ?? '').port);
    });
    afterAll(() => proxy.close());

    const admin = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      send(`http://127.0.0.1:${adminPort}`, path, { headers, method });

    it.each(['/health', '/ready', '/metrics', '/routes', '/status'])('%s needs the token', async (path) => {
      expect((await admin(path)).status).toBe(401);
      expect((await admin(path, { authorization: `Bearer ${token}` })).status).toBe(200);
      expect((await admin(path, { 'x-admin-token': token })).status).toBe(200);
    });

    it('POST /reload needs the token', async () => {
      expect((await admin('/reload', {}, 'POST')).status).toBe(401);
      expect((await admin('/reload', { authorization: `Bearer ${token}` }, 'POST')).status).toBe(200);
    });

    it.each([
      ['empty', ''],
      ['a prefix', token.slice(0, -1)],
      ['longer', `${token}x`],
      ['very long', 'x'.repeat(4_000)],
      ['other case', token.toUpperCase()],
      ['without Bearer', token],
    ])('a wrong token (%s) gets 401, never an error', async (name, given) => {
      const header = name === 'without Bearer' ? given : `Bearer ${given}`;
      const outcome = await admin('/status', { authorization: header });
      expect(outcome.status).toBe(401);
      expect(outcome.body).not.toContain('inFlight');
    });
  });

  it('the CLI refuses a non-loopback admin host without a token, and starts with one from the environment', async () => {
    const { dir, file } = await writeRoutesFile(routes());
    const args = startArgs(file, '--admin-host', '0.0.0.0', '--store', 'none', '--log-level', 'silent');
    const refused = startCli(args, { cwd: dir, env: { STRANGLER_ADMIN_TOKEN: '' } });
    expect(await refused.exited(15_000)).toBe(1);
    expect(refused.stderr()).toMatch(/token/i);

    const started = startCli(args, { cwd: dir, env: { STRANGLER_ADMIN_TOKEN: 'from-env-token' } });
    const [, , adminUrl] = await started.waitFor(LISTENING, 15_000);
    const port = new URL(adminUrl ?? '').port;
    expect((await send(`http://127.0.0.1:${port}`, '/status')).status).toBe(401);
    expect(
      (
        await send(`http://127.0.0.1:${port}`, '/status', {
          headers: { authorization: 'Bearer from-env-token' },
        })
      ).status,
    ).toBe(200);
    started.child.kill('SIGTERM');
    expect(await started.exited(15_000)).toBe(0);
  });
});

describe('the admin listener against DNS rebinding and cross-site requests', () => {
  const adminPort = () => Number(new URL(harness.proxy.adminUrl ?? '').port);
  /** One raw request to the admin port with exactly these header lines; `Connection: close` added. */
  const adminRaw = async (method: string, path: string, headers: Record<string, string>) => {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    const exchange = await rawExchange(
      adminPort(),
      `${method} ${path} HTTP/1.1\r\n${lines.join('')}Content-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    const body = exchange.text.slice(exchange.text.indexOf('\r\n\r\n') + 4);
    return { status: statuses(exchange.text)[0], body };
  };
  const reloads = async () =>
    (JSON.parse((await send(harness.proxy.adminUrl ?? '', '/routes')).body) as { version: number }).version;

  it.each([
    ['a rebound name', () => `attacker.example:${adminPort()}`],
    ['a name under localhost’s', () => `localhost.attacker.example:${adminPort()}`],
    ['the right address on another port', () => `127.0.0.1:${adminPort() + 1}`],
    ['no port (80)', () => '127.0.0.1'],
    ['garbage', () => 'a b'],
  ])('refuses %s in Host with 421 and a JSON error, on every endpoint', async (_name, host) => {
    for (const path of ['/status', '/routes', '/health', '/metrics']) {
      const answer = await adminRaw('GET', path, { Host: host() });
      expect([path, answer.status]).toEqual([path, 421]);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'ADMIN_HOST_NOT_ALLOWED' } });
      expect(answer.body).not.toMatch(/inFlight|lastReload|strangler_/);
    }
    const before = await reloads();
    const reload = await adminRaw('POST', '/reload', { Host: host() });
    expect(reload.status).toBe(421);
    expect(await reloads()).toBe(before);
  });

  it.each([
    ['the bound address', () => `127.0.0.1:${adminPort()}`],
    ['localhost', () => `localhost:${adminPort()}`],
    ['LOCALHOST', () => `LOCALHOST:${adminPort()}`],
  ])('serves %s in Host', async (_name, host) => {
    const answer = await adminRaw('GET', '/status', { Host: host() });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('inFlight');
  });

  it.each([
    ['a foreign Origin', { Origin: 'http://attacker.example' }],
    ['Origin: null', { Origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
    ['a form’s content type', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['a multipart form', { 'Content-Type': 'multipart/form-data; boundary=x' }],
    ['text/plain', { 'Content-Type': 'Text/Plain;charset=utf-8' }],
  ])('refuses POST /reload with %s: 403, nothing reloaded', async (_name, headers) => {
    const before = await reloads();
    const answer = await adminRaw('POST', '/reload', { Host: `127.0.0.1:${adminPort()}`, ...headers });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'ADMIN_CROSS_SITE' } });
    expect(await reloads()).toBe(before);
  });

  it('reloads on a same-origin POST, or one with no browser headers at all', async () => {
    const host = `127.0.0.1:${adminPort()}`;
    const before = await reloads();
    const variants: Array<Record<string, string>> = [
      { Host: host },
      { Host: host, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' },
      { Host: host, 'Content-Type': 'application/json' },
    ];
    for (const headers of variants) {
      expect((await adminRaw('POST', '/reload', headers)).status).toBe(200);
    }
    expect(await reloads()).toBe(before + 3);
  });

  it('accepts a name the operator allowed, and still refuses others', async () => {
    const { file } = await writeRoutesFile(routes());
    const proxy = await startProxy({
      configFile: file,
      port: 0,
      admin: { port: 0, allowedHosts: ['Admin.Internal'] },
      logger: silentLogger,
      reloadInterval: 0,
    });
    try {
      const port = Number(new URL(proxy.adminUrl ?? '').port);
      const get = (host: string) =>
        rawExchange(port, `GET /ready HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(statuses((await get(`admin.internal:${port}`)).text)).toEqual([200]);
      expect(statuses((await get(`other.internal:${port}`)).text)).toEqual([421]);
    } finally {
      await proxy.close();
    }
  });
});

describe('the proxy port', () => {
  it.each([
    ['GET', '/metrics'],
    ['GET', '/status'],
    ['GET', '/routes'],
    ['GET', '/health'],
    ['GET', '/ready'],
    ['POST', '/reload'],
  ])('%s %s is the monolith’s, never admin data', async (method, path) => {
    const outcome = await send(harness.proxy.url, path, { method });
    expect(JSON.parse(outcome.body)).toMatchObject({ upstream: 'legacy', url: path });
    expect(outcome.body).not.toMatch(/strangler_|inFlight|lastReload/);
  });
});

describe('not an open proxy', () => {
  const target = () => `127.0.0.1:${elsewherePort}`;

  it.each([
    ['absolute-form', () => `GET http://${target()}/ HTTP/1.1\r\nHost: ${target()}\r\n\r\n`, 400],
    ['absolute-form https', () => `GET https://${target()}/ HTTP/1.1\r\nHost: ${target()}\r\n\r\n`, 400],
    ['CONNECT', () => `CONNECT ${target()} HTTP/1.1\r\nHost: ${target()}\r\n\r\n`, 400],
    ['asterisk-form', () => `OPTIONS * HTTP/1.1\r\nHost: shop\r\n\r\n`, 400],
    ['a /\\host path', () => `GET /\\${target()}/x HTTP/1.1\r\nHost: shop\r\n\r\n`, 400],
    [
      'absolute-form upgrade',
      () =>
        `GET http://${target()}/ws HTTP/1.1\r\nHost: ${target()}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      400,
    ],
  ])('%s is refused', async (_name, request, status) => {
    const exchange = await rawExchange(harness.proxy.port, request(), { timeoutMs: 3_000 });
    expect(statuses(exchange.text)).toEqual([status]);
    expect(elsewhereConnections).toBe(0);
  });

  it.each([
    ['a foreign Host header', '/x', 'HOST'],
    ['a //host path', '//HOST/x', 'shop'],
    ['an encoded //host path', '/%2F%2FHOST/x', 'shop'],
    ['an @host path', '/@HOST/x', 'shop'],
  ])('%s still goes to the configured upstream', async (_name, path, host) => {
    // Raw bytes: a URL-parsing client would itself resolve `//host` against the host given.
    const exchange = await rawExchange(
      harness.proxy.port,
      `GET ${path.replace('HOST', target())} HTTP/1.1\r\nHost: ${host.replace('HOST', target())}\r\nConnection: close\r\n\r\n`,
    );
    expect(statuses(exchange.text)).toEqual([200]);
    expect(exchange.text).toContain('"upstream":"legacy"');
    expect(elsewhereConnections).toBe(0);
  });
});

/** The last request the monolith received for `path` (it records before answering). */
function lastReceived(path: string) {
  const found = legacy.received.findLast((request) => request.url === path);
  if (!found) throw new Error(`the monolith received no ${path}`);
  return found;
}

/** Sends a GET with exactly these header lines (no client library filtering) and closes. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<unknown> {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return rawExchange(port, `GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`, {
    until: (text) => /\r\n\r\n[\s\S]*\}$/.test(text),
  });
}

describe('request headers', () => {
  const hostile = {
    connection: 'close, x-secret-hop',
    'x-secret-hop': 'should not pass',
    'keep-alive': 'timeout=999',
    te: 'trailers',
    trailer: 'x-late',
    'proxy-authorization': 'Basic Zm9vOmJhcg==',
    'proxy-connection': 'keep-alive',
    'x-strangler-shadow': '1',
    'x-strangler-route': 'admin',
    'X-Strangler-Internal': 'yes',
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'bank.example',
    'x-forwarded-port': '443',
    'x-forwarded-prefix': '/admin',
    forwarded: 'for=6.6.6.6;proto=https;host=bank.example',
    'x-real-ip': '6.6.6.6',
  };

  it('from an untrusted client: hop-by-hop and internal ones stripped, forwarding ones replaced', async () => {
    await rawGet(harness.proxy.port, '/headers', { host: 'shop.example', ...hostile });
    const { headers } = lastReceived('/headers');
    for (const name of [
      'x-secret-hop',
      'keep-alive',
      'te',
      'trailer',
      'proxy-authorization',
      'proxy-connection',
    ]) {
      expect(headers[name], name).toBeUndefined();
    }
    expect(Object.keys(headers).filter((name) => name.startsWith('x-strangler-'))).toEqual([]);
    expect(headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'shop.example',
      host: 'shop.example',
    });
    // Anything else claiming where the request came from is the client's invention: dropped.
    for (const name of ['x-forwarded-port', 'x-forwarded-prefix', 'forwarded', 'x-real-ip']) {
      expect(headers[name], name).toBeUndefined();
    }
  });

  it('from a trusted proxy: X-Forwarded-For appended, the others kept', async () => {
    await rawGet(trustedHarness.proxy.port, '/headers', { host: 'shop.example', ...hostile });
    const { headers } = lastReceived('/headers');
    expect(headers).toMatchObject({
      'x-forwarded-for': '6.6.6.6, 127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'bank.example',
      'x-forwarded-port': '443',
      forwarded: 'for=6.6.6.6;proto=https;host=bank.example',
    });
    // Hop-by-hop and internal headers are stripped whoever sends them: the shadow marker passes only on
    // the proxy's own mirrors (routing-targets.test.ts).
    expect(headers['x-secret-hop']).toBeUndefined();
    expect(headers['x-strangler-route']).toBeUndefined();
    expect(headers['x-strangler-shadow']).toBeUndefined();
  });

  it('repeated X-Forwarded-For lines from a trusted proxy are kept in order', async () => {
    await rawExchange(
      trustedHarness.proxy.port,
      'GET /xff HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\nConnection: close\r\n\r\n',
    );
    expect(lastReceived('/xff').headers['x-forwarded-for']).toBe('1.1.1.1, 2.2.2.2, 127.0.0.1');
  });

  it('a keep-alive client, however it spells it: its Keep-Alive terms do not pass, nor does a close', async () => {
    for (const spelling of ['keep-alive', 'Keep-Alive', 'KEEP-ALIVE']) {
      await rawGet(harness.proxy.port, '/ka', {
        host: 'shop',
        connection: spelling,
        'keep-alive': 'timeout=999',
      });
      const { headers } = lastReceived('/ka');
      expect(headers['keep-alive'], spelling).toBeUndefined();
      // What the proxy's pooled connection says anyway, if anything.
      expect([undefined, 'keep-alive'], spelling).toContain(headers.connection?.toLowerCase());
    }
    await rawGet(harness.proxy.port, '/close', { host: 'shop', connection: 'close' });
    expect(lastReceived('/close').headers.connection).not.toBe('close');
  });

  it('an unsafe X-Request-Id is replaced, a sane one kept', async () => {
    await send(harness.proxy.url, '/id-1', { headers: { 'x-request-id': 'abc def <script>' } });
    expect(lastReceived('/id-1').headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await send(harness.proxy.url, '/id-2', { headers: { 'x-request-id': 'req-123.abc' } });
    expect(lastReceived('/id-2').headers['x-request-id']).toBe('req-123.abc');
  });
});

describe('response headers', () => {
  it('the upstream’s hop-by-hop headers do not reach the client', async () => {
    legacy.setHandler((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        connection: 'x-internal-hop',
        'x-internal-hop': 'upstream secret',
        'keep-alive': 'timeout=600',
        'content-length': 2,
      });
      res.end('ok');
    });
    try {
      const exchange = await rawExchange(harness.proxy.port, 'GET /r HTTP/1.1\r\nHost: shop\r\n\r\n', {
        until: (text) => text.endsWith('ok'),
      });
      expect(statuses(exchange.text)).toEqual([200]);
      expect(exchange.text.toLowerCase()).not.toMatch(/x-internal-hop|keep-alive: timeout=600/);
      // The commonest case: `Connection: keep-alive` with the upstream's own timeout.
      for (const spelling of ['keep-alive', 'Keep-Alive']) {
        legacy.setHandler((_req, res) => {
          res.writeHead(200, {
            'content-type': 'text/plain',
            connection: spelling,
            'keep-alive': 'timeout=600',
            'content-length': 2,
          });
          res.end('ok');
        });
        const kept = await rawExchange(harness.proxy.port, 'GET /r HTTP/1.1\r\nHost: shop\r\n\r\n', {
          until: (text) => text.endsWith('ok'),
        });
        expect(statuses(kept.text)).toEqual([200]);
        expect(kept.text.toLowerCase()).not.toMatch(/keep-alive: timeout=600/);
      }
    } finally {
      legacy.setHandler((req, res, body) => {
        const text = JSON.stringify({
          upstream: 'legacy',
          method: req.method,
          url: req.url,
          bodyBytes: body.length,
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    }
  });
});
