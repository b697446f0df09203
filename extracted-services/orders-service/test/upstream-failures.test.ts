import request from 'supertest';
import { serve } from 'service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import {
  catalogStock,
  countRows,
  createOrdersFixture,
  DEMO_TOKEN,
  type OrdersFixture,
} from './support/orders-fixture.ts';

let fixture: OrdersFixture;
beforeAll(async () => {
  fixture = await createOrdersFixture({ upstreamTimeoutMs: 300 });
});
afterAll(() => fixture.close());

const auth = { authorization: `Bearer ${DEMO_TOKEN}` };
const isReserve = (req: { url: string }) => req.url === '/internal/stock/reserve';

async function productWithStock(): Promise<{ id: number; qty: number }> {
  return fixture
    .catalogDb('products as p')
    .join('inventory as i', 'i.product_id', 'p.id')
    .where('p.active', 1)
    .andWhere('i.qty_on_hand', '>', 20)
    .orderBy('p.id', 'desc')
    .first<{ id: number; qty: number }>('p.id', 'i.qty_on_hand as qty');
}

/** A URL where nothing listens: a port that was just bound and released. */
async function deadUrl(): Promise<string> {
  const server = await serve((_req, res) => res.end(), { port: 0, host: '127.0.0.1' });
  await server.close();
  return server.url;
}

describe('when catalog-service fails', () => {
  it('answers 502 upstream_unavailable when the catalog drops the connection, and stores no order', async () => {
    const product = await productWithStock();
    const before = await countRows(fixture.ordersDb('orders'));
    fixture.catalogFront.setMode('drop');
    const response = await request(fixture.orders)
      .post('/api/orders')
      .set(auth)
      .send({ items: [{ product_id: product.id, quantity: 1 }] });
    fixture.catalogFront.setMode('pass');
    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      error: { code: 'upstream_unavailable', message: 'catalog-service is unreachable' },
    });
    expect(await countRows(fixture.ordersDb('orders'))).toBe(before);
    expect(await catalogStock(fixture, product.id)).toBe(product.qty);
  });

  it('answers 502 when nothing listens at the catalog URL', async () => {
    const orders = createApp({
      db: fixture.ordersDb,
      catalogUrl: await deadUrl(),
      legacyUrl: fixture.monolithServer.url,
    });
    const response = await request(orders)
      .post('/api/orders')
      .set(auth)
      .send({ items: [{ product_id: 1, quantity: 1 }] });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('upstream_unavailable');
  });

  it('answers 504 upstream_timeout for a slow reserve, and the reserve that lands late takes no stock', async () => {
    const product = await productWithStock();
    const before = await countRows(fixture.ordersDb('orders'));
    fixture.catalogFront.setMode('hold', isReserve);
    const response = await request(fixture.orders)
      .post('/api/orders')
      .set(auth)
      .send({ items: [{ product_id: product.id, quantity: 2 }] });
    expect(response.status).toBe(504);
    expect(response.body).toEqual({
      error: { code: 'upstream_timeout', message: 'catalog-service did not answer within 300 ms' },
    });
    // The catalog finally handles the reserve its caller gave up on: it must be refused.
    await fixture.catalogFront.held(1);
    fixture.catalogFront.setMode('pass');
    expect(await fixture.catalogFront.releaseHeld()).toEqual([409]);
    expect(await catalogStock(fixture, product.id)).toBe(product.qty);
    expect(await countRows(fixture.ordersDb('orders'))).toBe(before);
  });

  it('keeps an order placed when its stock cannot be released, so the cancel can be retried', async () => {
    const product = await productWithStock();
    const placed = await request(fixture.orders)
      .post('/api/orders')
      .set(auth)
      .send({ items: [{ product_id: product.id, quantity: 1 }] });
    expect(placed.status).toBe(201);
    const id = (placed.body as { id: number }).id;
    fixture.catalogFront.setMode('drop');
    const failed = await request(fixture.orders).post(`/api/orders/${id}/cancel`).set(auth);
    fixture.catalogFront.setMode('pass');
    expect(failed.status).toBe(502);
    expect((await request(fixture.orders).get(`/api/orders/${id}`).set(auth)).body).toMatchObject({
      status: 'placed',
    });
    const retried = await request(fixture.orders).post(`/api/orders/${id}/cancel`).set(auth);
    expect(retried.status).toBe(200);
    expect(await catalogStock(fixture, product.id)).toBe(product.qty);
  });
});

describe('when the monolith (token checks) fails', () => {
  it('answers 502 upstream_unavailable for authenticated routes', async () => {
    const orders = createApp({
      db: fixture.ordersDb,
      catalogUrl: fixture.catalogServer.url,
      legacyUrl: await deadUrl(),
    });
    const response = await request(orders).get('/api/orders').set(auth);
    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      error: { code: 'upstream_unavailable', message: 'the monolith is unreachable' },
    });
    const anonymous = await request(orders).get('/api/orders');
    expect(anonymous.status).toBe(401);
  });
});
