/**
 * With its own token key (TOKEN_SECRET), orders-service accepts only the JWTs signed with it: the
 * monolith's session tokens are refused without asking the monolith (none runs here).
 */
import request from 'supertest';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createApp } from '../src/app.ts';
import { migrateDatabase, openDatabase } from '../src/db/open-database.ts';
import { TOKEN_AUDIENCE } from '../src/clients/token-auth.ts';

interface ErrorBody {
  readonly error: { readonly code: string };
}

const SECRET = 'test-only-orders-token-key-0123456789';
let db: Knex;
let app: Express;

beforeAll(async () => {
  db = openDatabase(':memory:');
  await migrateDatabase(db);
  // Nothing listens at either URL: token checks must not need the monolith.
  app = createApp({
    db,
    catalogUrl: 'http://127.0.0.1:9',
    legacyUrl: 'http://127.0.0.1:9',
    tokenSecret: SECRET,
  });
});
afterAll(() => db.destroy());

const sign = (claims: { sub: string; email?: string }, secret = SECRET, audience = TOKEN_AUDIENCE) =>
  new SignJWT({ email: claims.email ?? 'demo@example.com' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setAudience(audience)
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(secret));

describe('orders-service with its own token key', () => {
  it('accepts a token it signed', async () => {
    const answer = await request(app)
      .get('/api/orders')
      .set({ authorization: `Bearer ${await sign({ sub: '1' })}` });
    expect(answer.status).toBe(200);
  });

  it('refuses the monolith token, a forged one and one for another audience', async () => {
    for (const token of [
      'demo-token-7c1e4b2a9f3d',
      await sign({ sub: '1' }, 'someone-elses-key-0123456789abcdef'),
      await sign({ sub: '1' }, SECRET, 'catalog'),
      await sign({ sub: 'not-a-number' }),
    ]) {
      const answer = await request(app)
        .get('/api/orders')
        .set({ authorization: `Bearer ${token}` });
      expect(answer.status, token).toBe(401);
      expect((answer.body as ErrorBody).error.code, token).toBe('invalid_token');
    }
    const missing = await request(app).get('/api/orders');
    expect(missing.status).toBe(401);
    expect((missing.body as ErrorBody).error.code).toBe('unauthorized');
  });
});
