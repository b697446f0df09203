/**
 * Bearer-token authentication: `Authorization: Bearer <token>` names a row in `sessions`. Tokens are
 * opaque; a session without `expires_at` never expires.
 */
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { CustomerRow } from '../db/rows.ts';
import { formatLegacyDate } from '../format/legacy-date.ts';
import { HttpError } from '../http/http-error.ts';

/** Resolves the request's customer or throws `unauthorized` / `invalid_token`. */
export type Authenticate = (req: Request) => Promise<CustomerRow>;

/** The token in an `Authorization: Bearer …` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function createAuthenticate(db: Knex, clock: () => Date): Authenticate {
  return async (req) => {
    const header = req.headers.authorization;
    if (header === undefined) throw new HttpError('unauthorized', 'missing bearer token');
    const token = bearerToken(header);
    if (token === undefined) throw new HttpError('unauthorized', 'authorization must be a bearer token');
    const now = formatLegacyDate(clock());
    const customer = await db('sessions as s')
      .join('customers as cu', 'cu.id', 's.customer_id')
      .where('s.token', token)
      // Legacy dates compare correctly as text.
      .andWhere((where) => where.whereNull('s.expires_at').orWhere('s.expires_at', '>', now))
      .first<CustomerRow | undefined>('cu.*');
    if (!customer) throw new HttpError('invalid_token', 'invalid or expired token');
    return customer;
  };
}
