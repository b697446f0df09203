import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import type { ShadowSettled } from '../../src/shadow/shadow-mirror.ts';

const SECRET = 'edge-secret-0123456789abcdef0123456789';
const encode = (secret: string) => new TextEncoder().encode(secret);

function token(options: { secret?: string; audience?: string; expiresIn?: number; sub?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: options.sub ?? 'u-42' })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(options.audience ?? 'shop')
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(encode(options.secret ?? SECRET));
}

let legacy: TestUpstream;
let service: TestUpstream;
let harness: ProxyHarness;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('service');
  harness = await startHarness(
    `
version: 1
legacy: ${legacy.url}
services:
  orders: ${service.url}
defaults:
  auth:
    jwt: { secret: "\${EDGE_SECRET}", audience: shop }
    claimsHeaders: { x-user-id: $.sub }
routes:
  - id: orders
    path: /api/orders
    service: orders
    stage: shadow
    shadow: { noiseSample: 0 }
`,
    { env: { EDGE_SECRET: SECRET } },
  );
});
afterAll(async () => {
  await harness.close();
  await legacy.close();
  await service.close();
});

async function get(headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.proxy.url}/api/orders`, { headers });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

describe('token auth at the edge (auth.jwt)', () => {
  it.each([
    ['missing', () => Promise.resolve(''), 'AUTH_MISSING'],
    ['expired', () => token({ expiresIn: -120 }), 'AUTH_EXPIRED'],
    ['forged', () => token({ secret: 'not-the-edge-secret-0123456789abcdef' }), 'AUTH_BAD_SIGNATURE'],
    ['for another audience', () => token({ audience: 'admin' }), 'AUTH_WRONG_AUDIENCE'],
  ])('a %s token gets 401 naming the problem, and nothing is forwarded', async (_name, make, code) => {
    const before = legacy.received.length + service.received.length;
    const value = await make();
    const result = await get(value === '' ? {} : { authorization: `Bearer ${value}` });
    expect(result.status).toBe(401);
    expect(result.body.error?.code).toBe(code);
    expect(legacy.received.length + service.received.length).toBe(before);
  });

  it("a valid token's claims reach both sides as x-user-id; a client's own x-user-id never does", async () => {
    const settled = new Promise<ShadowSettled>((resolve) => {
      const stop = harness.proxy.mirror.onSettled((event) => {
        stop();
        resolve(event);
      });
    });
    const result = await get({ authorization: `Bearer ${await token()}`, 'x-user-id': 'admin' });
    expect(result.status).toBe(200);
    await settled;
    expect(legacy.received.at(-1)?.headers['x-user-id']).toBe('u-42');
    expect(service.received.at(-1)?.headers['x-user-id']).toBe('u-42');
  });

  it('a malformed token of any shape gets 401, and the proxy keeps serving', async () => {
    const before = legacy.received.length;
    const header = fc.oneof(
      fc.string(),
      fc.base64String(),
      fc
        .tuple(fc.base64String(), fc.base64String(), fc.base64String())
        .map((parts) => parts.join('.').replaceAll('=', '')),
      fc
        .tuple(fc.json(), fc.json())
        .map(
          ([head, body]) =>
            `${Buffer.from(head).toString('base64url')}.${Buffer.from(body).toString('base64url')}.x`,
        ),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const authorization = `Bearer ${value.replace(/[^\x21-\x7e]/g, 'A') || 'A'}`;
        const result = await get({ authorization });
        expect(result.status).toBe(401);
      }),
      { numRuns: 150 },
    );
    expect(legacy.received.length).toBe(before);
    expect((await get({ authorization: `Bearer ${await token()}` })).status).toBe(200);
  });
});
