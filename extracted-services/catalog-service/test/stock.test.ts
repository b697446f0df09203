import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, createCatalogFixture, type CatalogFixture } from './support/catalog-fixture.ts';

let fixture: CatalogFixture;
beforeAll(async () => {
  fixture = await createCatalogFixture();
});
afterAll(() => fixture.close());

async function stockOf(productId: number): Promise<number> {
  const response = await request(fixture.catalog).get(`/internal/stock/${productId}`);
  return bodyOf<{ qty_on_hand: number }>(response).qty_on_hand;
}

const used = new Set<number>();
async function productWithStock(
  minimum: number,
  maximum = 1_000_000,
): Promise<{ id: number; qty: number; price_cents: number }> {
  const row = await fixture
    .catalogDb('products as p')
    .join('inventory as i', 'i.product_id', 'p.id')
    .where('p.active', 1)
    .whereBetween('i.qty_on_hand', [minimum, maximum])
    .whereNotIn('p.id', [...used])
    .orderBy('p.id')
    .first<{ id: number; qty: number; price_cents: number }>('p.id', 'i.qty_on_hand as qty', 'p.price_cents');
  used.add(row.id);
  return row;
}

const reserve = (body: object) => request(fixture.catalog).post('/internal/stock/reserve').send(body);
const release = (body: object) => request(fixture.catalog).post('/internal/stock/release').send(body);

describe('stock reservations', () => {
  it('reserves stock, returns prices, and is idempotent by reservation id', async () => {
    const product = await productWithStock(5);
    const body = { reservation_id: 'r-idempotent', items: [{ product_id: product.id, quantity: 2 }] };
    const first = await reserve(body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      reservation_id: 'r-idempotent',
      status: 'reserved',
      items: [
        expect.objectContaining({
          product_id: product.id,
          quantity: 2,
          unit_price: (product.price_cents / 100).toFixed(2),
        }),
      ],
    });
    expect(await stockOf(product.id)).toBe(product.qty - 2);
    const replay = await reserve(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(await stockOf(product.id)).toBe(product.qty - 2);
  });

  it('refuses to reuse a reservation id for other lines', async () => {
    const product = await productWithStock(5);
    await reserve({ reservation_id: 'r-conflict', items: [{ product_id: product.id, quantity: 1 }] });
    const response = await reserve({
      reservation_id: 'r-conflict',
      items: [{ product_id: product.id, quantity: 3 }],
    });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('reservation_conflict');
  });

  it('takes nothing when one line is short (409 out_of_stock, monolith wording)', async () => {
    const plenty = await productWithStock(10);
    const scarce = await productWithStock(1, 5);
    const response = await reserve({
      reservation_id: 'r-short',
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
    expect(await stockOf(scarce.id)).toBe(scarce.qty);
  });

  it('refuses unknown and inactive products with 422 unknown_product', async () => {
    const inactive = await fixture.catalogDb('products').where({ active: 0 }).first<{ id: number }>('id');
    for (const productId of [99_999, inactive.id]) {
      const response = await reserve({
        reservation_id: `r-unknown-${productId}`,
        items: [{ product_id: productId, quantity: 1 }],
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        error: { code: 'unknown_product', message: `product ${productId} does not exist` },
      });
    }
  });

  it('releases once: the stock comes back, a second release changes nothing', async () => {
    const product = await productWithStock(3);
    await reserve({ reservation_id: 'r-release', items: [{ product_id: product.id, quantity: 3 }] });
    expect(await stockOf(product.id)).toBe(product.qty - 3);
    const first = await release({ reservation_id: 'r-release' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('released');
    expect(await stockOf(product.id)).toBe(product.qty);
    const second = await release({ reservation_id: 'r-release' });
    expect(second.status).toBe(200);
    expect(await stockOf(product.id)).toBe(product.qty);
    const reuse = await reserve({
      reservation_id: 'r-release',
      items: [{ product_id: product.id, quantity: 3 }],
    });
    expect(reuse.status).toBe(409);
  });

  it('records a release of an unknown id, so a late reserve with that id takes nothing', async () => {
    const product = await productWithStock(2);
    const response = await release({ reservation_id: 'late-one' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ reservation_id: 'late-one', status: 'released', items: [] });
    const late = await reserve({
      reservation_id: 'late-one',
      items: [{ product_id: product.id, quantity: 1 }],
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('reservation_conflict');
    expect(await stockOf(product.id)).toBe(product.qty);
  });

  it.each([
    ['no body', undefined],
    ['bad reservation id', { reservation_id: 'has spaces', items: [{ product_id: 1, quantity: 1 }] }],
    ['no items', { reservation_id: 'r', items: [] }],
    ['bad quantity', { reservation_id: 'r', items: [{ product_id: 1, quantity: 0 }] }],
    [
      'repeated product',
      {
        reservation_id: 'r',
        items: [
          { product_id: 1, quantity: 1 },
          { product_id: 1, quantity: 1 },
        ],
      },
    ],
  ])('answers %s with 400 validation_failed', async (_label, body) => {
    const response = await (body === undefined
      ? request(fixture.catalog).post('/internal/stock/reserve')
      : reserve(body));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await request(fixture.catalog)
      .post('/internal/stock/reserve')
      .set('content-type', 'application/json')
      .send('{"reservation_id": ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: 'invalid_json', message: 'request body is not valid JSON' },
    });
  });

  it('answers stock of an unknown product with 404', async () => {
    const response = await request(fixture.catalog).get('/internal/stock/99999');
    expect(response.status).toBe(404);
  });

  it('never oversells under concurrent reservations', async () => {
    const product = await productWithStock(3, 6);
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        reserve({ reservation_id: `r-race-${i}`, items: [{ product_id: product.id, quantity: 1 }] }),
      ),
    );
    expect(attempts.filter((response) => response.status === 201)).toHaveLength(product.qty);
    expect(attempts.filter((response) => response.status === 409)).toHaveLength(10 - product.qty);
    expect(await stockOf(product.id)).toBe(0);
  });
});
