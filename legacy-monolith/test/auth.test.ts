import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  bodyOf,
  createTestShop,
  DEMO_CUSTOMER,
  DEMO_TOKEN,
  type TestShop,
} from './support/test-shop.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await createTestShop();
});
afterAll(() => shop.close());

describe('login and tokens', () => {
  it('logs in, knows who the token belongs to, and logs out', async () => {
    const login = await request(shop.app)
      .post('/api/login')
      .send({ email: 'DEMO@example.com ', password: DEMO_CUSTOMER.password });
    expect(login.status).toBe(200);
    expect(login.body.token).toMatch(/^[0-9a-f]{48}$/);
    expect(login.body.expires_at).toBe('2024-10-31 12:00:00');
    expect(login.body.customer).toEqual(expect.objectContaining({ id: 1, email: DEMO_CUSTOMER.email }));
    expect(login.body.customer).not.toHaveProperty('password_hash');

    const me = await request(shop.app)
      .get('/api/me')
      .set('authorization', bearer(bodyOf<{ token: string }>(login).token));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(1);

    const logout = await request(shop.app)
      .post('/api/logout')
      .set('authorization', bearer(bodyOf<{ token: string }>(login).token));
    expect(logout.status).toBe(204);
    const after = await request(shop.app)
      .get('/api/me')
      .set('authorization', bearer(bodyOf<{ token: string }>(login).token));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
  });

  it('accepts the seeded demo token', async () => {
    const me = await request(shop.app).get('/api/me').set('authorization', bearer(DEMO_TOKEN));
    expect(me.body).toMatchObject({ id: 1, first_name: 'Dana', last_name: 'Demo' });
  });

  it('refuses a wrong password or unknown e-mail with 401 invalid_credentials', async () => {
    for (const body of [
      { email: DEMO_CUSTOMER.email, password: 'guess' },
      { email: 'nobody@example.com', password: 'guess' },
    ]) {
      const response = await request(shop.app).post('/api/login').send(body);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        error: { code: 'invalid_credentials', message: 'email or password is wrong' },
      });
    }
  });

  it('refuses incomplete credentials with 400 validation_failed', async () => {
    for (const body of [
      {},
      { email: 'a@b.c' },
      { email: 42, password: 'x' },
      { email: 'a@b.c', password: '' },
    ]) {
      const response = await request(shop.app).post('/api/login').send(body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
  });

  it('expires sessions after 30 days', async () => {
    const login = await request(shop.app)
      .post('/api/login')
      .send({ email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password });
    shop.setNow(new Date('2024-11-01T00:00:00Z'));
    const me = await request(shop.app)
      .get('/api/me')
      .set('authorization', bearer(bodyOf<{ token: string }>(login).token));
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('invalid_token');
    shop.setNow(new Date('2024-10-01T12:00:00Z'));
  });

  it.each([
    ['no header', undefined, 'unauthorized'],
    ['basic auth', 'Basic ZGVtbzpkZW1v', 'unauthorized'],
    ['bearer without token', 'Bearer ', 'unauthorized'],
    ['token with spaces', 'Bearer abc def', 'unauthorized'],
    ['unknown token', 'Bearer 0123456789abcdef', 'invalid_token'],
  ])('answers %s with 401 %s', async (_label, header, code) => {
    const call = request(shop.app).get('/api/me');
    const response = await (header === undefined ? call : call.set('authorization', header));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe(code);
  });
});

describe('POST /api/products/:id/reviews', () => {
  it('adds a review that shows up first in the list', async () => {
    const response = await request(shop.app)
      .post('/api/products/10/reviews')
      .set('authorization', bearer(DEMO_TOKEN))
      .send({ rating: 5, title: 'Great', body: 'Really <great> & sturdy.' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      product_id: 10,
      author: 'Dana D.',
      rating: 5,
      created_at: '2024-10-01 12:00:00',
    });
    const list = await request(shop.app).get('/api/products/10/reviews');
    expect(list.body.items[0].id).toBe(response.body.id);
  });

  it('validates the review and the product', async () => {
    const bad = await request(shop.app)
      .post('/api/products/10/reviews')
      .set('authorization', bearer(DEMO_TOKEN))
      .send({ rating: 6, title: 'x', body: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const unknown = await request(shop.app)
      .post('/api/products/99999/reviews')
      .set('authorization', bearer(DEMO_TOKEN))
      .send({ rating: 4, title: 'x', body: '' });
    expect(unknown.status).toBe(404);
    const anonymous = await request(shop.app)
      .post('/api/products/10/reviews')
      .send({ rating: 4, title: 'x', body: '' });
    expect(anonymous.status).toBe(401);
  });
});
