/**
 * Authentication through the monolith: customers and their bearer tokens stay there, so a token is valid
 * when the monolith's `GET /api/me` accepts it. One call per request, no cache: logging out in the
 * monolith takes effect here at once. Missing or malformed headers are refused without a call, with the
 * monolith's codes and messages.
 */
import type { Request } from 'express';
import { error } from '../errors.ts';
import { callUpstream } from './call-upstream.ts';

export interface Customer {
  readonly id: number;
  readonly email: string;
}

/** Resolves the request's customer or throws `unauthorized`, `invalid_token` or an upstream error. */
export type Authenticate = (req: Request) => Promise<Customer>;

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i;

export function createLegacyAuthenticate(options: { legacyUrl: string; timeoutMs: number }): Authenticate {
  return async (req) => {
    const header = req.headers.authorization;
    if (header === undefined) throw error('unauthorized', 'missing bearer token');
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw error('unauthorized', 'authorization must be a bearer token');
    const answer = await callUpstream({
      upstream: 'the monolith',
      url: `${options.legacyUrl}/api/me`,
      timeoutMs: options.timeoutMs,
      headers: { authorization: `Bearer ${token}` },
    });
    if (answer.status === 401) throw error('invalid_token', 'invalid or expired token');
    const { id, email } = (answer.body ?? {}) as { id?: unknown; email?: unknown };
    if (answer.status !== 200 || typeof id !== 'number' || typeof email !== 'string') {
      throw error('upstream_unavailable', `the monolith answered ${answer.status} to a token check`);
    }
    return { id, email };
  };
}
