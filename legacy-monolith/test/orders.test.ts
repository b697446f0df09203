import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  bodyOf,
  countRows,
  createTestShop,
  DEMO_TOKEN,
  seededPassword,
  type ListBody,
  type TestShop,
} from './support/test-shop.ts';

let shop: TestShop;
let otherToken: string;
beforeAll(async () => {
  shop = await createTestShop();
  const customer = await shop.db('customers').where({ id: 2 }).first('email');
  const login = await request(shop.app)
    .post('/api/login')
    .send({ email: customer.email, password: seededPassword(2) });
  otherToken = bodyOf<{ token: string }>(login).token;
});
afterAll(() => shop.close());

async function stockOf(productId: number): Promise<number> {
  const response = await request(shop.app).get(`/api/inventory/${productId}`);
  return bodyOf<{ qty_on_hand: number }>(response).qty_on_hand;
}

/** An active product with at least `minimum` in stock, not used by another test. */
const used = new Set<number>();
async function productWithStock(minimum: number): Promise<{ id: number; price_cents: number; qty: number }> {
  const row = await shop
    .db('products as p')
    .join('inventory as i', 'i.product_id', 'p.id')
    .where('p.active', 1)
    .andWhere('i.qty_on_hand', '>=', minimum)
    .whereNotIn('p.id', [...used])
    .orderBy('p.id')
    .first<{ id: number; price_cents: number; qty: number }>('p.id', 'p.price_cents', 'i.qty_on_hand as qty');
  used.add(row.id);
  return row;
}

function placeOrder(body: unknown, token = DEMO_TOKEN) {
  return request(shop.app)
    .post('/api/orders')
    .set('authorization', bearer(token))
    .send(body as object);
}

describe('POST /api/orders', () => {
  it('creates the order, computes totals and takes the stock', async () => {
    const product = await productWithStock(3);
    const response = await placeOrder({ items: [{ product_id: product.id, quantity: 2 }] });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/orders/${response.body.id}`);
    const subtotal = product.price_cents * 2;
    const tax = Math.round((subtotal * 825) / 10_000);
    const shipping = subtotal >= 5000 ? 0 : 499;
    expect(response.body).toMatchObject({
      customer_id: 1,
      status: 'placed',
      coupon_code: null,
      subtotal: (subtotal / 100).toFixed(2),
      discount: '0.00',
      tax: (tax / 100).toFixed(2),
      shipping: (shipping / 100).toFixed(2),
      total: ((subtotal + tax + shipping) / 100).toFixed(2),
      currency: 'USD',
      created_at: '2024-10-01 12:00:00',
      cancelled_at: null,
    });
    expect(response.body.items).toEqual([
      expect.objectContaining({
        product_id: product.id,
        quantity: 2,
        line_total: (subtotal / 100).toFixed(2),
      }),
    ]);
    expect(await stockOf(product.id)).toBe(product.qty - 2);
  });

  it('applies a coupon', async () => {
    const product = await productWithStock(1);
    const response = await placeOrder({
      items: [{ product_id: product.id, quantity: 1 }],
      coupon_code: 'FREESHIP',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ coupon_code: 'FREESHIP', shipping: '0.00' });
  });

  it('refuses more than the stock with 409 out_of_stock and changes nothing', async () => {
    const plenty = await productWithStock(1);
    const scarce = await shop
      .db('products as p')
      .join('inventory as i', 'i.product_id', 'p.id')
      .where('p.active', 1)
      .whereBetween('i.qty_on_hand', [1, 5])
      .first<{ id: number; qty: number }>('p.id', 'i.qty_on_hand as qty');
    const ordersBefore = await countRows(shop.db('orders'));
    const response = await placeOrder({
      items: [
        { product_id: plenty.id, quantity: 1 },
        { product_id: scarce.id, quantity: scarce.qty + 1 },
      ],
    });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      error: {
        code: 'out_of_stock',
        message: `not enough stock for product ${scarce.id} (requested ${scarce.qty + 1}, available ${scarce.qty})`,
      },
    });
    expect(await stockOf(plenty.id)).toBe(plenty.qty);
    expect(await countRows(shop.db('orders'))).toBe(ordersBefore);
  });

  it('refuses a sold-out product', async () => {
    const soldOut = await shop
      .db('inventory as i')
      .join('products as p', 'p.id', 'i.product_id')
      .where({ 'i.qty_on_hand': 0, 'p.active': 1 })
      .first('p.id');
    const response = await placeOrder({ items: [{ product_id: soldOut.id, quantity: 1 }] });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('out_of_stock');
  });

  it('refuses unknown and inactive products with 422 unknown_product', async () => {
    const inactive = await shop.db('products').where({ active: 0 }).first('id');
    for (const productId of [99_999, inactive.id]) {
      const response = await placeOrder({ items: [{ product_id: productId, quantity: 1 }] });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        error: { code: 'unknown_product', message: `product ${productId} does not exist` },
      });
    }
  });

  it('refuses unknown coupons and unmet coupon minimums with 422 invalid_coupon', async () => {
    const cheap = await shop
      .db('products as p')
      .join('inventory as i', 'i.product_id', 'p.id')
      .where('p.active', 1)
      .andWhere('p.price_cents', '<', 2000)
      .andWhere('i.qty_on_hand', '>', 0)
      .first('p.id');
    for (const coupon of ['BOGUS', 'WELCOME5']) {
      const response = await placeOrder({
        items: [{ product_id: cheap.id, quantity: 1 }],
        coupon_code: coupon,
      });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('invalid_coupon');
    }
  });

  it('requires a valid token', async () => {
    const missing = await request(shop.app)
      .post('/api/orders')
      .send({ items: [{ product_id: 1, quantity: 1 }] });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    const wrong = await placeOrder({ items: [{ product_id: 1, quantity: 1 }] }, 'not-a-real-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_token');
  });
});

describe('reading orders', () => {
  it('returns the customer own order and hides other customers orders', async () => {
    const product = await productWithStock(1);
    const placed = await placeOrder({ items: [{ product_id: product.id, quantity: 1 }] });
    const own = await request(shop.app)
      .get(`/api/orders/${placed.body.id}`)
      .set('authorization', bearer(DEMO_TOKEN));
    expect(own.status).toBe(200);
    expect(own.body).toEqual(placed.body);
    const foreign = await request(shop.app)
      .get(`/api/orders/${placed.body.id}`)
      .set('authorization', bearer(otherToken));
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({
      error: { code: 'order_not_found', message: `order ${placed.body.id} not found` },
    });
  });

  it('lists the customer orders newest first, paged', async () => {
    const n = await countRows(shop.db('orders').where({ customer_id: 1 }));
    const response = await request(shop.app)
      .get('/api/orders?per_page=5')
      .set('authorization', bearer(DEMO_TOKEN));
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(n);
    expect(response.body.items).toHaveLength(5);
    for (const order of response.body.items) expect(order.customer_id).toBe(1);
    const dates = bodyOf<ListBody<{ created_at: string }>>(response).items.map((order) => order.created_at);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(response.body.meta.generated_at).toEqual(expect.any(String));
  });
});

describe('POST /api/orders/:id/cancel', () => {
  it('cancels a placed order and puts the stock back', async () => {
    const product = await productWithStock(4);
    const placed = await placeOrder({ items: [{ product_id: product.id, quantity: 4 }] });
    expect(await stockOf(product.id)).toBe(product.qty - 4);
    shop.setNow(new Date('2024-10-01T13:30:00Z'));
    const cancelled = await request(shop.app)
      .post(`/api/orders/${placed.body.id}/cancel`)
      .set('authorization', bearer(DEMO_TOKEN));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled_at: '2024-10-01 13:30:00' });
    expect(await stockOf(product.id)).toBe(product.qty);

    const again = await request(shop.app)
      .post(`/api/orders/${placed.body.id}/cancel`)
      .set('authorization', bearer(DEMO_TOKEN));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order_not_cancellable');
  });

  it('refuses to cancel a shipped order, someone else order or an unknown one', async () => {
    const shipped = await shop.db('orders').where({ customer_id: 1, status: 'shipped' }).first('id');
    const response = await request(shop.app)
      .post(`/api/orders/${shipped.id}/cancel`)
      .set('authorization', bearer(DEMO_TOKEN));
    expect(response.status).toBe(409);
    const foreign = await request(shop.app)
      .post(`/api/orders/${shipped.id}/cancel`)
      .set('authorization', bearer(otherToken));
    expect(foreign.status).toBe(404);
    const unknown = await request(shop.app)
      .post('/api/orders/abc/cancel')
      .set('authorization', bearer(DEMO_TOKEN));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('order_not_found');
  });
});
