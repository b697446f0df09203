import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../src/errors.ts';
import { createCatalogFixture, type CatalogFixture } from './support/catalog-fixture.ts';

let fixture: CatalogFixture;
beforeAll(async () => {
  fixture = await createCatalogFixture();
});
afterAll(() => fixture.close());

describe('bad input', () => {
  it('answers bad list parameters with 400 invalid_parameter', async () => {
    for (const query of [
      'page=0',
      'per_page=101',
      'sort=stars',
      'dir=up',
      'sort=id&sort=name',
      'category_id=-3',
    ]) {
      const response = await request(fixture.catalog).get(`/api/products?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('invalid_parameter');
    }
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    for (const call of [
      request(fixture.catalog).get('/api/orders'),
      request(fixture.catalog).put('/api/products/1'),
    ]) {
      const response = await call;
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const response = await request(fixture.catalog)
      .post('/internal/stock/reserve')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ reservation_id: 'big', padding: 'x'.repeat(150_000) }));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('never answers a GET with a 5xx, whatever the path and query', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'api',
        'products',
        'reviews',
        'categories',
        'internal',
        'stock',
        '1',
        '0',
        '99999',
        '%25',
      ),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
    );
    const query = fc.dictionary(
      fc.constantFrom('page', 'per_page', 'sort', 'dir', 'q', 'category_id'),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), query, async (segments, params) => {
        const search = Object.entries(params)
          .map(([key, value]) => `${key}=${value}`)
          .join('&');
        const response = await request(fixture.catalog).get(`/${segments.join('/')}?${search}`);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(Object.keys(ERROR_CATALOGUE)).toContain(response.body.error.code);
      }),
      { numRuns: 150 },
    );
  });
});
