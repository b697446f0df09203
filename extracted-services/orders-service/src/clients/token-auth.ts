/**
 * Authentication by this service's own tokens: a JWT signed with its key (HS256) for its audience, whose
 * `sub` is the customer id. Set `TOKEN_SECRET` to use it; then the monolith's opaque session tokens are
 * refused here, and the strangler proxy's auth bridge presents mirrors and canary requests with a token
 * this service accepts. Missing or malformed headers are refused with the monolith's codes.
 */
import { jwtVerify } from 'jose';
import { error } from '../errors.ts';
import type { Authenticate } from './legacy-auth.ts';

/** The audience this service's tokens are issued for. */
export const TOKEN_AUDIENCE = 'orders-service';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i;

export function createTokenAuthenticate(options: { secret: string }): Authenticate {
  const key = new TextEncoder().encode(options.secret);
  return async (req) => {
    const header = req.headers.authorization;
    if (header === undefined) throw error('unauthorized', 'missing bearer token');
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw error('unauthorized', 'authorization must be a bearer token');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key, { audience: TOKEN_AUDIENCE, algorithms: ['HS256'] }));
    } catch {
      throw error('invalid_token', 'invalid or expired token');
    }
    const id = Number(payload.sub);
    const email = payload.email;
    if (!Number.isSafeInteger(id) || typeof email !== 'string')
      throw error('invalid_token', 'the token names no customer');
    return { id, email };
  };
}
