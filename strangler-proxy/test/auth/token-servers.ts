/**
 * A monolith and a service that each sign and check their own tokens, with different keys and claim
 * shapes, as in a real extraction: the monolith's tokens carry `{ user: { id } }` under its key, the
 * service wants `{ sub }` under its own and an audience. Real servers on 127.0.0.1.
 */
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';

export const MONOLITH_SECRET = 'monolith-signing-secret-0123456789abcdef';
export const SERVICE_SECRET = 'service-signing-secret-fedcba9876543210';
const encode = (secret: string) => new TextEncoder().encode(secret);

/** A token the monolith issues: its key, its claim shape. */
export function monolithToken(
  userId: number,
  options: { expiresIn?: number; secret?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ user: { id: userId, name: `user ${userId}` } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setIssuer('monolith')
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(encode(options.secret ?? MONOLITH_SECRET));
}

type Check = (token: string) => Promise<string | null>;

const checkMonolith: Check = async (token) => {
  try {
    const { payload } = await jwtVerify(token, encode(MONOLITH_SECRET), { issuer: 'monolith' });
    const id = (payload.user as { id?: unknown } | undefined)?.id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  } catch {
    return null;
  }
};

const checkService: Check = async (token) => {
  try {
    const { payload }: { payload: JWTPayload } = await jwtVerify(token, encode(SERVICE_SECRET), {
      audience: 'orders',
    });
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
};

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `GET /api/me` → `{ id, orders }` for the token's user; 401 without a token this side accepts. */
function accountHandler(check: Check, name: string) {
  return (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    void (token ? check(token) : Promise.resolve(null)).then((user) => {
      if (user === null) return json(res, 401, { error: 'unauthorized' });
      if (req.method === 'POST') return json(res, 201, { owner: user, note: body.toString() });
      return json(res, 200, { id: user, orders: 3, token: `${name}-session-${user}-0123456789abcdef` });
    });
  };
}

export async function startTokenServers(): Promise<{ monolith: TestUpstream; service: TestUpstream }> {
  return {
    monolith: await startTestUpstream('monolith', accountHandler(checkMonolith, 'monolith')),
    service: await startTestUpstream('service', accountHandler(checkService, 'service')),
  };
}

/** routes.yaml's bridge from the monolith's tokens to the service's. */
export const JWT_BRIDGE = `
      jwt:
        verify: { secret: "\${MONOLITH_SECRET}", issuer: monolith }
        claims: { sub: $.user.id, role: { const: customer } }
        sign: { secret: "\${SERVICE_SECRET}", audience: orders, lifetime: 2m }`;

export const BRIDGE_ENV = { MONOLITH_SECRET, SERVICE_SECRET };
