/**
 * The demo's auth bridge hook (`services.orders.auth.hook` in routes.yaml): the monolith's bearer tokens
 * are opaque session ids that orders-service, which checks its own tokens, refuses. For each mirror or
 * canary request to the service, the proxy calls `bridge`: it asks the monolith who the token belongs to
 * (`GET /api/me`) and signs a short-lived token for orders-service with its key.
 *
 * The key comes from ORDERS_TOKEN_SECRET, which `npm start` sets to a demo-only value; a real system keeps
 * its key in a secret store. A request without a token gets no header; a token the monolith refuses is a
 * failure (the proxy counts `auth_bridge_failed` and the client never notices).
 */
import { SignJWT } from 'jose';

interface BridgeRequest {
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
}

/** How long a token signed for the service lives. */
const LIFETIME = '5m';

export async function bridge(request: BridgeRequest): Promise<Record<string, string>> {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return {};
  const secret = process.env.ORDERS_TOKEN_SECRET;
  if (!secret) throw new Error('ORDERS_TOKEN_SECRET is not set');
  const legacy = process.env.LEGACY_URL ?? 'http://127.0.0.1:3000';
  const answer = await fetch(`${legacy}/api/me`, { headers: { authorization } });
  if (answer.status !== 200) throw new Error(`the monolith answered ${answer.status} to a token check`);
  const me = (await answer.json()) as { id?: unknown; email?: unknown };
  if (typeof me.id !== 'number' || typeof me.email !== 'string')
    throw new Error('the monolith named no customer');
  const token = await new SignJWT({ email: me.email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(me.id))
    .setAudience('orders-service')
    .setIssuedAt()
    .setExpirationTime(LIFETIME)
    .sign(new TextEncoder().encode(secret));
  return { authorization: `Bearer ${token}` };
}
