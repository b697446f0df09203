import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/storefront/render-storefront.ts';
import { createTestShop, type TestShop } from './support/test-shop.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await createTestShop();
});
afterAll(() => shop.close());

describe('GET /', () => {
  it('renders the newest products as HTML with prices and stock', async () => {
    const response = await request(shop.app).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const newest = await shop
      .db('products')
      .where({ active: 1 })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first<{ id: number; name: string; price_cents: number }>();
    expect(response.text).toContain(`data-id="${newest.id}"`);
    expect(response.text).toContain(escapeHtml(newest.name));
    expect(response.text).toContain(`$${(newest.price_cents / 100).toFixed(2)}`);
    expect(response.text.match(/class="product"/g)).toHaveLength(24);
    expect(response.text).toMatch(/Page 1 of \d+/);
    expect(response.text).toContain('rel="next" href="/?page=2"');
  });

  it('escapes names with markup characters', async () => {
    await shop
      .db('products')
      .where({ id: 1 })
      .update({ name: '<script>alert("x")</script> & Co', created_at: '2030-01-01 00:00:00' });
    const response = await request(shop.app).get('/');
    expect(response.text).not.toContain('<script>alert');
    expect(response.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
  });

  it('filters by category and keeps the filter in the page links', async () => {
    const response = await request(shop.app).get('/?category_id=2');
    expect(response.text).toContain('aria-current="page">Cookware</a>');
    const names = [...response.text.matchAll(/<p class="brand">[^·]+· ([^<]+)<\/p>/g)].map(
      (match) => match[1],
    );
    expect(new Set(names)).toEqual(new Set(['Cookware']));
    expect(response.text).toContain('href="/?page=2&amp;category_id=2"');
  });

  it('shows an empty page past the end', async () => {
    const response = await request(shop.app).get('/?page=500');
    expect(response.status).toBe(200);
    expect(response.text).toContain('No products here.');
  });
});
