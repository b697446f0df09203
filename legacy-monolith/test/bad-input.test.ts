import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/http/http-error.ts';
import { bearer, createTestShop, DEMO_TOKEN, type TestShop } from './support/test-shop.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await createTestShop();
});
afterAll(() => shop.close());

function expectJsonError(response: request.Response, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
}

describe('malformed requests', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await request(shop.app)
      .post('/api/orders')
      .set('authorization', bearer(DEMO_TOKEN))
      .set('content-type', 'application/json')
      .send('{"items": [{"product_id": 1,');
    expectJsonError(response, 400, 'invalid_json');
  });

  it('answers a JSON scalar body with 400 invalid_json', async () => {
    const response = await request(shop.app)
      .post('/api/login')
      .set('content-type', 'application/json')
      .send('"demo"');
    expectJsonError(response, 400, 'invalid_json');
  });

  it('answers a body that is not JSON with 400 validation_failed', async () => {
    const response = await request(shop.app)
      .post('/api/orders')
      .set('authorization', bearer(DEMO_TOKEN))
      .set('content-type', 'text/plain')
      .send('items=1');
    expectJsonError(response, 400, 'validation_failed');
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const response = await request(shop.app)
      .post('/api/orders')
      .set('authorization', bearer(DEMO_TOKEN))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ items: [], padding: 'x'.repeat(150_000) }));
    expectJsonError(response, 413, 'payload_too_large');
  });

  it('answers missing and invalid order fields with 400 validation_failed', async () => {
    for (const body of [
      {},
      { items: [] },
      { items: [{ product_id: 1 }] },
      { items: [{ product_id: 'one', quantity: 1 }] },
    ]) {
      const response = await request(shop.app)
        .post('/api/orders')
        .set('authorization', bearer(DEMO_TOKEN))
        .send(body);
      expectJsonError(response, 400, 'validation_failed');
    }
  });

  it('answers bad list parameters with 400 invalid_parameter', async () => {
    for (const query of [
      'page=0',
      'per_page=1000',
      'sort=rating',
      'dir=sideways',
      'page=1&page=2',
      'category_id=x',
    ]) {
      expectJsonError(await request(shop.app).get(`/api/products?${query}`), 400, 'invalid_parameter');
    }
    expectJsonError(
      await request(shop.app).get('/api/products/1/reviews?per_page=0'),
      400,
      'invalid_parameter',
    );
    expectJsonError(await request(shop.app).get('/?page=x'), 400, 'invalid_parameter');
  });

  it('answers unknown routes and methods with 404 not_found', async () => {
    expectJsonError(await request(shop.app).get('/api/nothing-here'), 404, 'not_found');
    expectJsonError(await request(shop.app).delete('/api/products/1'), 404, 'not_found');
  });

  it('never answers a GET with a 5xx, whatever the path and query', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'api',
        'products',
        'reviews',
        'categories',
        'orders',
        'inventory',
        '1',
        '0',
        '-1',
        '99999',
        '%25',
        '..',
      ),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
    );
    const query = fc.dictionary(
      fc.constantFrom('page', 'per_page', 'sort', 'dir', 'q', 'category_id', 'x'),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), query, async (segments, params) => {
        const search = Object.entries(params)
          .map(([key, value]) => `${key}=${value}`)
          .join('&');
        const response = await request(shop.app)
          .get(`/${segments.join('/')}?${search}`)
          .set('authorization', bearer(DEMO_TOKEN));
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(Object.keys(ERROR_STATUS)).toContain(response.body.error.code);
      }),
      { numRuns: 150 },
    );
  });
});
