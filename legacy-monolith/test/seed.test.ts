import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../src/db/open-database.ts';
import { DEFAULT_SEED, generateSeed } from '../src/seed/generate-seed.ts';
import { seedDatabase } from '../src/seed/seed-database.ts';

describe('seed data', () => {
  it('is identical for the same seed and differs for another', () => {
    expect(generateSeed(DEFAULT_SEED)).toEqual(generateSeed(DEFAULT_SEED));
    expect(generateSeed(DEFAULT_SEED + 1).products).not.toEqual(generateSeed(DEFAULT_SEED).products);
  });

  it('is big enough to matter', () => {
    const data = generateSeed();
    expect(data.products.length).toBeGreaterThanOrEqual(400);
    expect(data.customers.length).toBeGreaterThanOrEqual(20);
    expect(data.orders.length).toBeGreaterThanOrEqual(300);
    expect(data.reviews.length).toBeGreaterThanOrEqual(1000);
    // Edge cases the API tests and the demo rely on.
    expect(data.products.some((product) => product.active === 0)).toBe(true);
    expect(data.inventory.some((row) => row.qty_on_hand === 0)).toBe(true);
    expect(data.orders.some((order) => order.coupon_code !== null)).toBe(true);
    expect(data.orders.filter((order) => order.customer_id === 1).length).toBeGreaterThan(10);
  });

  it('prices seeded orders consistently', () => {
    const data = generateSeed();
    for (const order of data.orders) {
      const items = data.orderItems.filter((item) => item.order_id === order.id);
      expect(items.reduce((sum, item) => sum + item.line_total_cents, 0)).toBe(order.subtotal_cents);
      expect(order.total_cents).toBe(
        order.subtotal_cents - order.discount_cents + order.tax_cents + order.shipping_cents,
      );
    }
  });

  it('seeds an empty database once and leaves a seeded one alone', async () => {
    const db = openDatabase(':memory:');
    try {
      await migrateDatabase(db);
      const counts = await seedDatabase(db);
      expect(counts).toMatchObject({ products: 480, customers: 40, orders: 420 });
      expect(await seedDatabase(db)).toBeUndefined();
      const [row] = await db('products').count<Array<{ n: number }>>('* as n');
      expect(row?.n).toBe(480);
    } finally {
      await db.destroy();
    }
  });
});
