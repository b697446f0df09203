import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyOf,
  countRows,
  createTestShop,
  type ListBody,
  type ProductBody,
  type TestShop,
} from './support/test-shop.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await createTestShop();
});
afterAll(() => shop.close());

const LEGACY_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const GENERATED_AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

describe('GET /api/products', () => {
  it('pages through every active product exactly once', async () => {
    const first = await request(shop.app).get('/api/products?per_page=100');
    expect(first.status).toBe(200);
    const { total, total_pages: totalPages } = bodyOf<ListBody<ProductBody>>(first);
    expect(total).toBe(await countRows(shop.db('products').where({ active: 1 })));
    expect(total).toBeGreaterThan(400);
    const ids: number[] = [];
    for (let page = 1; page <= totalPages; page++) {
      const response = await request(shop.app).get(`/api/products?per_page=100&page=${page}`);
      ids.push(...bodyOf<ListBody<ProductBody>>(response).items.map((item) => item.id));
    }
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });

  it('sends products in the legacy shape', async () => {
    const response = await request(shop.app).get('/api/products?per_page=1');
    const [product] = bodyOf<ListBody<ProductBody>>(response).items;
    expect(Object.keys(product!)).toEqual([
      'id',
      'sku',
      'name',
      'description',
      'brand',
      'price',
      'currency',
      'category_id',
      'category_name',
      'active',
      'created_at',
    ]);
    expect(product?.price).toMatch(/^\d+\.\d{2}$/);
    expect(product?.created_at).toMatch(LEGACY_DATE);
    expect(response.body).toMatchObject({ items: [{ active: 1 }] });
    expect(response.body).toMatchObject({ page: 1, per_page: 1 });
  });

  it('sorts by price both ways, ties broken by id', async () => {
    const asc = await request(shop.app).get('/api/products?sort=price&per_page=100');
    const ascItems = bodyOf<ListBody<ProductBody>>(asc).items;
    const prices = ascItems.map((item) => Number(item.price));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const desc = await request(shop.app).get('/api/products?sort=price&dir=desc&per_page=5');
    expect(Number(desc.body.items[0].price)).toBeGreaterThanOrEqual(Number(desc.body.items[4].price));
    for (let i = 1; i < ascItems.length; i++) {
      const [before, after] = [ascItems[i - 1]!, ascItems[i]!];
      if (before.price === after.price) expect(before.id).toBeLessThan(after.id);
    }
  });

  it('sorts by name and by creation date', async () => {
    const byName = await request(shop.app).get('/api/products?sort=name&per_page=50');
    const names = bodyOf<ListBody<ProductBody>>(byName).items.map((item) => item.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
    const newest = await request(shop.app).get('/api/products?sort=created_at&dir=desc&per_page=50');
    const dates = bodyOf<ListBody<ProductBody>>(newest).items.map((item) => item.created_at);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('searches names and descriptions, case-insensitively, with % taken literally', async () => {
    const response = await request(shop.app).get('/api/products?q=PEPPER%20MILL&per_page=100');
    expect(response.body.total).toBeGreaterThan(0);
    for (const item of response.body.items)
      expect(`${item.name} ${item.description}`.toLowerCase()).toContain('pepper mill');
    const literal = await request(shop.app).get('/api/products?q=%25');
    expect(literal.body.total).toBe(0);
  });

  it('filters by category', async () => {
    const response = await request(shop.app).get('/api/products?category_id=2&per_page=100');
    expect(response.body.total).toBeGreaterThan(0);
    for (const item of response.body.items) expect(item.category_name).toBe('Cookware');
    const none = await request(shop.app).get('/api/products?category_id=999');
    expect(none.body).toMatchObject({ items: [], total: 0, total_pages: 1 });
  });

  it('returns an empty page past the end', async () => {
    const response = await request(shop.app).get('/api/products?page=999');
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([]);
  });

  it('stamps meta.generated_at with a new value on every response', async () => {
    const a = await request(shop.app).get('/api/products?per_page=1');
    const b = await request(shop.app).get('/api/products?per_page=1');
    expect(a.body.meta.generated_at).toMatch(GENERATED_AT);
    expect(b.body.meta.generated_at).not.toBe(a.body.meta.generated_at);
    expect({ ...a.body, meta: null }).toEqual({ ...b.body, meta: null });
  });
});

describe('GET /api/products/:id', () => {
  it('returns one product, inactive ones included', async () => {
    const inactive = await shop.db('products').where({ active: 0 }).first('id', 'sku');
    const response = await request(shop.app).get(`/api/products/${inactive.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: inactive.id, sku: inactive.sku, active: 0 });
  });

  it('answers unknown ids with 404 product_not_found', async () => {
    for (const id of ['99999', '0', 'abc', '-1']) {
      const response = await request(shop.app).get(`/api/products/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        error: { code: 'product_not_found', message: `product ${id} not found` },
      });
    }
  });
});

describe('GET /api/products/:id/reviews', () => {
  it('summarises all reviews and pages them newest first', async () => {
    const [busiest] = await shop
      .db('reviews')
      .groupBy('product_id')
      .select<Array<{ product_id: number }>>('product_id')
      .orderByRaw('count(*) desc');
    const productId = busiest!.product_id;
    const response = await request(shop.app).get(`/api/products/${productId}/reviews?per_page=3`);
    expect(response.status).toBe(200);
    const ratings = await shop.db('reviews').where({ product_id: productId }).pluck<number[]>('rating');
    const mean = ratings.reduce((sum, r) => sum + r, 0) / ratings.length;
    expect(response.body.summary).toEqual({
      count: ratings.length,
      average_rating: Math.round(mean * 10) / 10,
    });
    expect(response.body.items).toHaveLength(3);
    expect(response.body.total).toBe(ratings.length);
    const items = bodyOf<ListBody<{ created_at: string }>>(response).items;
    const dates = items.map((item) => item.created_at);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(Object.keys(items[0]!)).toEqual([
      'id',
      'product_id',
      'author',
      'rating',
      'title',
      'body',
      'created_at',
    ]);
    expect(response.body.items[0].author).toMatch(/^\S+ \S\.$/);
  });

  it('reports a null average for a product without reviews', async () => {
    const unreviewed = await shop
      .db('products')
      .whereNotIn('id', shop.db('reviews').select('product_id'))
      .first('id');
    const response = await request(shop.app).get(`/api/products/${unreviewed.id}/reviews`);
    expect(response.body.summary).toEqual({ count: 0, average_rating: null });
    expect(response.body.items).toEqual([]);
  });

  it('answers an unknown product with 404', async () => {
    const response = await request(shop.app).get('/api/products/99999/reviews');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('product_not_found');
  });
});

describe('categories', () => {
  it('lists categories with counts of active products', async () => {
    const response = await request(shop.app).get('/api/categories');
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(18);
    const cookware = bodyOf<ListBody<{ id: number; name: string; parent_id: number; product_count: number }>>(
      response,
    ).items.find((item) => item.name === 'Cookware');
    expect(cookware?.parent_id).toBe(1);
    expect(cookware?.product_count).toBe(
      await countRows(shop.db('products').where({ category_id: cookware?.id, active: 1 })),
    );
    expect(response.body.meta.generated_at).toMatch(GENERATED_AT);
  });

  it('returns one category, or 404', async () => {
    const found = await request(shop.app).get('/api/categories/1');
    expect(found.body).toMatchObject({ id: 1, name: 'Kitchen', parent_id: null });
    const missing = await request(shop.app).get('/api/categories/77');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('category_not_found');
  });
});

describe('GET /api/inventory/:product_id', () => {
  it('reports stock on hand', async () => {
    const row = await shop.db('inventory').where({ product_id: 5 }).first();
    const response = await request(shop.app).get('/api/inventory/5');
    expect(response.body).toMatchObject({
      product_id: 5,
      qty_on_hand: row.qty_on_hand,
      warehouse: row.warehouse,
    });
    const missing = await request(shop.app).get('/api/inventory/99999');
    expect(missing.status).toBe(404);
  });
});
