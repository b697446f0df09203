import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import type { TestUpstream } from '../support/test-upstream.ts';
import type { ShadowSettled } from '../../src/shadow/shadow-mirror.ts';
import { BRIDGE_ENV, JWT_BRIDGE, SERVICE_SECRET, monolithToken, startTokenServers } from './token-servers.ts';

let monolith: TestUpstream;
let service: TestUpstream;
let hooks: string;

beforeAll(async () => {
  ({ monolith, service } = await startTokenServers());
  hooks = await mkdtemp(path.join(tmpdir(), 'strangler-hooks-'));
  await writeFile(path.join(hooks, 'throws.mjs'), `export function bridge() { throw new Error('boom'); }\n`);
  await writeFile(
    path.join(hooks, 'hangs.mjs'),
    `export function bridge() { return new Promise(() => {}); }\n`,
  );
  await writeFile(
    path.join(hooks, 'session.mjs'),
    `export async function bridge(request) {
  const user = /^session=u(\\d+)$/.exec(request.headers.cookie ?? '')?.[1];
  if (!user) return {};
  const { SignJWT } = await import(${JSON.stringify(import.meta.resolve('jose'))});
  const token = await new SignJWT({ sub: user }).setProtectedHeader({ alg: 'HS256' }).setAudience('orders')
    .setExpirationTime('1m').sign(new TextEncoder().encode(${JSON.stringify(SERVICE_SECRET)}));
  return { authorization: 'Bearer ' + token };
}\n`,
  );
});
afterAll(async () => {
  await monolith.close();
  await service.close();
});

function routesFile(auth: string, stage = 'shadow', extra = ''): string {
  return `
version: 1
legacy: ${monolith.url}
services:
  orders:
    url: ${service.url}${auth === '' ? '' : `\n    auth:${auth}`}
routes:
  - id: me
    path: /api/me
    service: orders
    stage: ${stage}${stage === 'canary' ? '\n    canary: { percent: 100 }' : ''}
    shadow: { unsafe: true, noiseSample: 0, timeout: 2s${extra} }
`;
}

/** Sends one request through the proxy and waits for its mirror to settle. */
async function throughProxy(
  harness: ProxyHarness,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; settled: ShadowSettled }> {
  const settled = new Promise<ShadowSettled>((resolve) => {
    const stop = harness.proxy.mirror.onSettled((event) => {
      stop();
      resolve(event);
    });
  });
  const response = await fetch(`${harness.proxy.url}/api/me`, init);
  const body = await response.text();
  return { status: response.status, body, settled: await settled };
}

async function withProxy<T>(yaml: string, run: (harness: ProxyHarness) => Promise<T>): Promise<T> {
  const harness = await startHarness(yaml, { env: { ...process.env, ...BRIDGE_ENV } });
  try {
    return await run(harness);
  } finally {
    await harness.close();
  }
}

describe('the auth bridge for mirrors (services.X.auth.jwt)', () => {
  it('authenticated GETs and writes compare as matches through the bridge', async () => {
    await withProxy(routesFile(JWT_BRIDGE), async (harness) => {
      const authorization = `Bearer ${await monolithToken(7)}`;
      const read = await throughProxy(harness, { headers: { authorization } });
      expect(read.status).toBe(200);
      expect(read.settled.verdict?.outcome).toBe('match');
      const write = await throughProxy(harness, { method: 'POST', headers: { authorization }, body: 'hi' });
      expect(write.status).toBe(201);
      expect(write.settled.verdict?.outcome).toBe('match');
      const seen = service.received.at(-1);
      expect(seen?.headers.authorization).not.toBe(authorization);
    });
  });

  it('without the bridge the same requests mismatch (the service refuses the monolith token)', async () => {
    await withProxy(routesFile(''), async (harness) => {
      const authorization = `Bearer ${await monolithToken(7)}`;
      const read = await throughProxy(harness, { headers: { authorization } });
      expect(read.status).toBe(200);
      expect(read.settled.verdict?.outcome).toBe('mismatch');
    });
  });

  it('a credential the bridge cannot verify is skipped as auth_bridge_failed; the client is served', async () => {
    await withProxy(routesFile(JWT_BRIDGE), async (harness) => {
      const forged = await monolithToken(7, { secret: 'someone-elses-secret-0123456789abcdef' });
      const result = await throughProxy(harness, { headers: { authorization: `Bearer ${forged}` } });
      expect(result.status).toBe(401);
      expect(result.settled.skipped).toBe('auth_bridge_failed');
      const expired = await monolithToken(7, { expiresIn: -60 });
      const late = await throughProxy(harness, { headers: { authorization: `Bearer ${expired}` } });
      expect(late.settled.skipped).toBe('auth_bridge_failed');
    });
  });
});

describe('a bridge hook (services.X.auth.hook)', () => {
  it('presents a session cookie user to the service with its own token', async () => {
    const hook = `\n      hook: { module: ${JSON.stringify(path.join(hooks, 'session.mjs'))}, timeout: 2s }`;
    // The monolith here takes its own token; the cookie is what the hook reads.
    await withProxy(routesFile(hook), async (harness) => {
      const authorization = `Bearer ${await monolithToken(9)}`;
      const result = await throughProxy(harness, { headers: { authorization, cookie: 'session=u9' } });
      expect(result.status).toBe(200);
      expect(result.settled.verdict?.outcome).toBe('match');
    });
  });

  it.each(['throws', 'hangs'])('a hook that %s costs the client nothing and is counted', async (name) => {
    const hook = `\n      hook: { module: ${JSON.stringify(path.join(hooks, `${name}.mjs`))}, timeout: 200ms }`;
    await withProxy(routesFile(hook), async (harness) => {
      const authorization = `Bearer ${await monolithToken(7)}`;
      const result = await throughProxy(harness, { headers: { authorization } });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ id: '7' });
      expect(result.settled.skipped).toBe('auth_bridge_failed');
    });
  });
});

describe('the auth bridge for requests the service serves (canary)', () => {
  it('the service serves the monolith token holder through the bridge; its mirror to the monolith keeps the original', async () => {
    await withProxy(routesFile(JWT_BRIDGE, 'canary'), async (harness) => {
      const authorization = `Bearer ${await monolithToken(5)}`;
      const result = await throughProxy(harness, { headers: { authorization } });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ id: '5', token: expect.stringMatching(/^service-/) });
      expect(monolith.received.at(-1)?.headers.authorization).toBe(authorization);
      expect(result.settled.verdict?.outcome).toBe('match');
    });
  });

  it('a bridge that fails sends the client to the monolith', async () => {
    const hook = `\n      hook: { module: ${JSON.stringify(path.join(hooks, 'throws.mjs'))}, timeout: 200ms }`;
    await withProxy(routesFile(hook, 'canary'), async (harness) => {
      const authorization = `Bearer ${await monolithToken(5)}`;
      const result = await throughProxy(harness, { headers: { authorization } });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ id: '5', token: expect.stringMatching(/^monolith-/) });
    });
  });
});

describe('mirror request rewriting (shadow.request)', () => {
  it('only: anonymous keeps authenticated requests from the service; drop, map and set rewrite the rest', async () => {
    const rule =
      ', request: { only: anonymous, drop: [cookie], map: { x-tenant: x-org }, set: { x-mirror: "yes" } }';
    await withProxy(routesFile('', 'shadow', rule), async (harness) => {
      const authorization = `Bearer ${await monolithToken(7)}`;
      const before = service.received.length;
      const skipped = await throughProxy(harness, { headers: { authorization } });
      expect(skipped.status).toBe(200);
      expect(skipped.settled.skipped).toBe('filtered_out');
      expect(service.received.length).toBe(before);
      const anonymous = await throughProxy(harness, { headers: { cookie: 'a=b', 'x-tenant': 'acme' } });
      expect(anonymous.settled.verdict).toBeDefined();
      const seen = service.received.at(-1);
      expect(seen?.headers.cookie).toBeUndefined();
      expect(seen?.headers['x-org']).toBe('acme');
      expect(seen?.headers['x-tenant']).toBeUndefined();
      expect(seen?.headers['x-mirror']).toBe('yes');
      expect(monolith.received.at(-1)?.headers.cookie).toBe('a=b');
    });
  });
});
