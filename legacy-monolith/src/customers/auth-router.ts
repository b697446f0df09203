/** `POST /api/login`, `POST /api/logout` and `GET /api/me`. */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Knex } from 'knex';
import type { CustomerRow } from '../db/rows.ts';
import { formatLegacyDate } from '../format/legacy-date.ts';
import { HttpError } from '../http/http-error.ts';
import { bearerToken, type Authenticate } from './authenticate.ts';
import { isPasswordCorrect } from './passwords.ts';

export const SESSION_DAYS = 30;

export interface CustomerJson {
  readonly id: number;
  readonly email: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly created_at: string;
}

export function presentCustomer(row: CustomerRow): CustomerJson {
  return {
    id: row.id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    created_at: row.created_at,
  };
}

function readCredentials(body: unknown): { email: string; password: string } {
  const { email, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof email !== 'string' || email.length === 0 || email.length > 200) {
    throw new HttpError('validation_failed', 'email must be a non-empty string');
  }
  if (typeof password !== 'string' || password.length === 0 || password.length > 200) {
    throw new HttpError('validation_failed', 'password must be a non-empty string');
  }
  return { email: email.trim().toLowerCase(), password };
}

export interface AuthRouterDeps {
  readonly db: Knex;
  readonly authenticate: Authenticate;
  readonly clock: () => Date;
}

export function createAuthRouter({ db, authenticate, clock }: AuthRouterDeps): Router {
  const router = Router();

  router.post('/api/login', async (req, res) => {
    const { email, password } = readCredentials(req.body);
    const customer = await db<CustomerRow>('customers').where({ email }).first();
    if (!customer || !isPasswordCorrect(customer.password_salt, customer.password_hash, password)) {
      throw new HttpError('invalid_credentials', 'email or password is wrong');
    }
    const now = clock();
    const token = randomBytes(24).toString('hex');
    const expiresAt = formatLegacyDate(new Date(now.getTime() + SESSION_DAYS * 86_400_000));
    await db('sessions').insert({
      token,
      customer_id: customer.id,
      created_at: formatLegacyDate(now),
      expires_at: expiresAt,
    });
    res.json({ token, expires_at: expiresAt, customer: presentCustomer(customer) });
  });

  router.post('/api/logout', async (req, res) => {
    await authenticate(req);
    await db('sessions')
      .where({ token: bearerToken(req.headers.authorization) })
      .delete();
    res.status(204).end();
  });

  router.get('/api/me', async (req, res) => {
    res.json(presentCustomer(await authenticate(req)));
  });

  return router;
}
