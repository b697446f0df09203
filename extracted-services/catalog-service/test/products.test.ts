import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyOf,
  countRows,
  createCatalogFixture,
  type CatalogFixture,
  type ListBody,
} from './support/catalog-fixture.ts';

interface Product {
  readonly id: number;
  readonly name: string;
  readonly slug: string;
  readonly price: string;
  readonly created_at: string;
  readonly category_name: string;
}

let fixture: CatalogFixture;
beforeAll(async () => {
  fixture = await createCatalogFixture();
});
afterAll(() => fixture.close());

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('GET /api/products', () => {
  it('pages through every active product once', async () => {
    const active = await countRows(fixture.catalogDb('products').where({ active: 1 }));
    const ids: number[] = [];
    for (let page = 1; page <= Math.ceil(active / 100); page++) {
      const response = await request(fixture.catalog).get(`/api/products?per_page=100&page=${page}`);
      expect(response.status).toBe(200);
      const body = bodyOf<ListBody<Product>>(response);
      expect(body.total).toBe(active);
      ids.push(...body.items.map((item) => item.id));
    }
    expect(new Set(ids).size).toBe(active);
  });

  it('sends the product contract with a slug and ISO-8601 creation dates', async () => {
    const response = await request(fixture.catalog).get('/api/products?per_page=1');
    const [product] = bodyOf<ListBody<Product>>(response).items;
    expect(Object.keys(product ?? {})).toEqual([
      'id',
      'sku',
      'name',
      'slug',
      'description',
      'brand',
      'price',
      'currency',
      'category_id',
      'category_name',
      'active',
      'created_at',
    ]);
    expect(product?.created_at).toMatch(ISO_MS);
    expect(product?.slug).toMatch(new RegExp(`-${product?.id}$`));
    expect(response.body).toMatchObject({ page: 1, per_page: 1, meta: { generated_at: expect.any(String) } });
  });

  it('sorts, searches and filters', async () => {
    const byPrice = bodyOf<ListBody<Product>>(
      await request(fixture.catalog).get('/api/products?sort=price&dir=desc&per_page=30'),
    );
    const prices = byPrice.items.map((item) => Number(item.price));
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    const newest = bodyOf<ListBody<Product>>(
      await request(fixture.catalog).get('/api/products?sort=created_at&dir=desc'),
    );
    const dates = newest.items.map((item) => item.created_at);
    expect(dates).toEqual([...dates].sort().reverse());
    const search = bodyOf<ListBody<Product>>(
      await request(fixture.catalog).get('/api/products?q=walnut&per_page=100'),
    );
    expect(search.total).toBeGreaterThan(0);
    for (const item of search.items) expect(JSON.stringify(item).toLowerCase()).toContain('walnut');
    const cookware = bodyOf<ListBody<Product>>(
      await request(fixture.catalog).get('/api/products?category_id=2&per_page=100'),
    );
    expect(new Set(cookware.items.map((item) => item.category_name))).toEqual(new Set(['Cookware']));
  });
});

describe('GET /api/products/:id', () => {
  it('returns a product, inactive included', async () => {
    const inactive = await fixture.catalogDb('products').where({ active: 0 }).first<{ id: number }>('id');
    const response = await request(fixture.catalog).get(`/api/products/${inactive.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: inactive.id, active: 0 });
  });

  it('answers unknown ids with 404 product_not_found', async () => {
    for (const id of ['99999', 'abc', '0']) {
      const response = await request(fixture.catalog).get(`/api/products/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        error: { code: 'product_not_found', message: `product ${id} not found` },
      });
    }
  });
});

describe('reviews and categories', () => {
  it('summarises reviews with the average rounded to two decimals', async () => {
    const [row] = await fixture
      .catalogDb('reviews')
      .groupBy('product_id')
      .select<Array<{ product_id: number }>>('product_id')
      .orderByRaw('count(*) desc');
    const productId = row!.product_id;
    const ratings = await fixture
      .catalogDb('reviews')
      .where({ product_id: productId })
      .pluck<number[]>('rating');
    const response = await request(fixture.catalog).get(`/api/products/${productId}/reviews?per_page=2`);
    expect(response.status).toBe(200);
    const mean = ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length;
    expect(response.body.summary).toEqual({
      count: ratings.length,
      average_rating: Math.round(mean * 100) / 100,
    });
    expect(response.body.items).toHaveLength(2);
    expect(response.body.items[0].author).toMatch(/^\S+ \S\.$/);
  });

  it('answers reviews of an unknown product with 404', async () => {
    const response = await request(fixture.catalog).get('/api/products/99999/reviews');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('product_not_found');
  });

  it('lists categories and finds one', async () => {
    const list = await request(fixture.catalog).get('/api/categories');
    expect(list.body.total).toBe(18);
    const one = await request(fixture.catalog).get('/api/categories/2');
    expect(one.body).toMatchObject({ id: 2, name: 'Cookware', parent_id: 1 });
    const missing = await request(fixture.catalog).get('/api/categories/404');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('category_not_found');
  });

  it('reports its health', async () => {
    const response = await request(fixture.catalog).get('/health');
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });
});
