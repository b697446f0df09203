import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_ORDER_ID } from '../src/db/migrations/001-create-orders.ts';
import {
  bodyOf,
  catalogStock,
  countRows,
  createOrdersFixture,
  DEMO_TOKEN,
  seededPassword,
  type OrdersFixture,
} from './support/orders-fixture.ts';

interface OrderBody {
  readonly id: number;
  readonly status: string;
  readonly created_at: string;
  readonly [field: string]: unknown;
}

let fixture: OrdersFixture;
let otherToken: string;
beforeAll(async () => {
  fixture = await createOrdersFixture();
  const customer = await fixture.monolithDb('customers').where({ id: 2 }).first<{ email: string }>('email');
  const login = await request(fixture.monolith)
    .post('/api/login')
    .send({ email: customer.email, password: seededPassword(2) });
  otherToken = bodyOf<{ token: string }>(login).token;
});
afterAll(() => fixture.close());

const auth = (token = DEMO_TOKEN) => ({ authorization: `Bearer ${token}` });
const placeOrder = (body: object, token = DEMO_TOKEN) =>
  request(fixture.orders).post('/api/orders').set(auth(token)).send(body);

const used = new Set<number>();
async function productWithStock(minimum: number, maximum = 1_000_000): Promise<{ id: number; qty: number }> {
  const row = await fixture
    .catalogDb('products as p')
    .join('inventory as i', 'i.product_id', 'p.id')
    .where('p.active', 1)
    .whereBetween('i.qty_on_hand', [minimum, maximum])
    .whereNotIn('p.id', [...used])
    .orderBy('p.id')
    .first<{ id: number; qty: number }>('p.id', 'i.qty_on_hand as qty');
  used.add(row.id);
  return row;
}

/** An order body without what legitimately differs between two systems: its id. */
function withoutId(body: unknown): object {
  const { id: _id, ...rest } = body as OrderBody;
  return rest;
}

describe('POST /api/orders', () => {
  it('creates the order with the monolith contract and takes the stock at catalog-service', async () => {
    const product = await productWithStock(10);
    const body = { items: [{ product_id: product.id, quantity: 3 }], coupon_code: 'save10' };
    const response = await placeOrder(body);
    expect(response.status).toBe(201);
    const order = bodyOf<OrderBody>(response);
    expect(order.id).toBeGreaterThanOrEqual(FIRST_ORDER_ID);
    expect(response.headers.location).toBe(`/api/orders/${order.id}`);
    expect(await catalogStock(fixture, product.id)).toBe(product.qty - 3);

    // The same order placed on the monolith (its own stock) comes out identical but for the id.
    const legacy = await request(fixture.monolith).post('/api/orders').set(auth()).send(body);
    expect(legacy.status).toBe(201);
    expect(withoutId(response.body)).toEqual(withoutId(legacy.body));
  });

  it('refuses more than the stock with the monolith 409, taking nothing and storing nothing', async () => {
    const plenty = await productWithStock(10);
    const scarce = await productWithStock(1, 5);
    const before = await countRows(fixture.ordersDb('orders'));
    const body = {
      items: [
        { product_id: plenty.id, quantity: 1 },
        { product_id: scarce.id, quantity: scarce.qty + 1 },
      ],
    };
    const response = await placeOrder(body);
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      error: {
        code: 'out_of_stock',
        message: `not enough stock for product ${scarce.id} (requested ${scarce.qty + 1}, available ${scarce.qty})`,
      },
    });
    expect(await catalogStock(fixture, plenty.id)).toBe(plenty.qty);
    expect(await countRows(fixture.ordersDb('orders'))).toBe(before);
    const legacy = await request(fixture.monolith).post('/api/orders').set(auth()).send(body);
    expect(legacy.body).toEqual(response.body);
  });

  it('refuses unknown and inactive products with 422 unknown_product', async () => {
    const inactive = await fixture.catalogDb('products').where({ active: 0 }).first<{ id: number }>('id');
    for (const productId of [99_999, inactive.id]) {
      const response = await placeOrder({ items: [{ product_id: productId, quantity: 1 }] });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        error: { code: 'unknown_product', message: `product ${productId} does not exist` },
      });
    }
  });

  it('refuses an unknown coupon before touching stock', async () => {
    const product = await productWithStock(1);
    const response = await placeOrder({
      items: [{ product_id: product.id, quantity: 1 }],
      coupon_code: 'FREEMONEY',
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_coupon');
    expect(await catalogStock(fixture, product.id)).toBe(product.qty);
  });

  it('gives the stock back when the coupon minimum is not met', async () => {
    const cheap = await fixture
      .catalogDb('products as p')
      .join('inventory as i', 'i.product_id', 'p.id')
      .where('p.active', 1)
      .andWhere('p.price_cents', '<', 2000)
      .andWhere('i.qty_on_hand', '>', 0)
      .first<{ id: number; qty: number }>('p.id', 'i.qty_on_hand as qty');
    const response = await placeOrder({
      items: [{ product_id: cheap.id, quantity: 1 }],
      coupon_code: 'WELCOME5',
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: { code: 'invalid_coupon', message: 'coupon WELCOME5 needs a subtotal of at least 25.00' },
    });
    expect(await catalogStock(fixture, cheap.id)).toBe(cheap.qty);
    expect(await countRows(fixture.catalogDb('stock_reservations').where({ status: 'reserved' }))).toBe(
      await countRows(fixture.ordersDb('orders').where({ status: 'placed' })),
    );
  });

  it('answers bad bodies like the monolith', async () => {
    for (const body of [
      {},
      { items: [] },
      { items: [{ product_id: 1, quantity: 0 }] },
      { items: [{ product_id: 1 }], coupon_code: 5 },
    ]) {
      const [service, legacy] = await Promise.all([
        placeOrder(body),
        request(fixture.monolith).post('/api/orders').set(auth()).send(body),
      ]);
      expect(service.status).toBe(400);
      expect(service.body).toEqual(legacy.body);
    }
    const malformed = await request(fixture.orders)
      .post('/api/orders')
      .set(auth())
      .set('content-type', 'application/json')
      .send('{"items": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
  });
});

describe('authentication through the monolith', () => {
  it.each([
    ['no header', undefined, 'unauthorized'],
    ['basic auth', 'Basic ZGVtbzpkZW1v', 'unauthorized'],
    ['unknown token', 'Bearer 0000deadbeef', 'invalid_token'],
  ])('answers %s with 401 %s', async (_label, header, code) => {
    const call = request(fixture.orders).get('/api/orders');
    const response = await (header === undefined ? call : call.set('authorization', header));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe(code);
  });

  it('stops accepting a token as soon as the customer logs out of the monolith', async () => {
    const login = await request(fixture.monolith)
      .post('/api/login')
      .send({ email: 'demo@example.com', password: 'demo1234' });
    const { token } = bodyOf<{ token: string }>(login);
    expect((await request(fixture.orders).get('/api/orders').set(auth(token))).status).toBe(200);
    await request(fixture.monolith).post('/api/logout').set(auth(token));
    const after = await request(fixture.orders).get('/api/orders').set(auth(token));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
  });
});

describe('reading and cancelling', () => {
  it('reads the customer own orders, hides other customers ones, and lists newest first', async () => {
    const product = await productWithStock(2);
    const placed = bodyOf<OrderBody>(await placeOrder({ items: [{ product_id: product.id, quantity: 1 }] }));
    const own = await request(fixture.orders).get(`/api/orders/${placed.id}`).set(auth());
    expect(own.body).toEqual(placed);
    const foreign = await request(fixture.orders).get(`/api/orders/${placed.id}`).set(auth(otherToken));
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({
      error: { code: 'order_not_found', message: `order ${placed.id} not found` },
    });
    expect((await request(fixture.orders).get('/api/orders/abc').set(auth())).status).toBe(404);

    const list = await request(fixture.orders).get('/api/orders?per_page=2').set(auth());
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, per_page: 2, meta: { generated_at: expect.any(String) } });
    const ids = bodyOf<{ items: OrderBody[] }>(list).items.map((order) => order.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await request(fixture.orders).get('/api/orders?page=0').set(auth())).status).toBe(400);
  });

  it('cancels a placed order, gives the stock back once, and refuses a second cancel', async () => {
    const product = await productWithStock(4);
    const placed = bodyOf<OrderBody>(await placeOrder({ items: [{ product_id: product.id, quantity: 4 }] }));
    expect(await catalogStock(fixture, product.id)).toBe(product.qty - 4);
    const cancelled = await request(fixture.orders).post(`/api/orders/${placed.id}/cancel`).set(auth());
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled_at: '2024-10-01 12:00:00' });
    expect(await catalogStock(fixture, product.id)).toBe(product.qty);
    const again = await request(fixture.orders).post(`/api/orders/${placed.id}/cancel`).set(auth());
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order_not_cancellable');
    expect(await catalogStock(fixture, product.id)).toBe(product.qty);
    const foreign = await request(fixture.orders)
      .post(`/api/orders/${placed.id}/cancel`)
      .set(auth(otherToken));
    expect(foreign.status).toBe(404);
  });
});
