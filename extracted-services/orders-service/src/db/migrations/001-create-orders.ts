import type { NamedMigration } from 'service-kit';

/** The first order id this service hands out. */
export const FIRST_ORDER_ID = 1_000_001;

/**
 * Orders and their lines, as in the monolith, plus the stock reservation each order holds at
 * catalog-service. Ids start at 1,000,001 so they never collide with the monolith's while both take orders.
 */
export const createOrders: NamedMigration = {
  name: '001_create_orders',
  async up(db) {
    await db.schema.createTable('orders', (table) => {
      table.increments('id');
      table.integer('customer_id').notNullable();
      table.string('status', 16).notNullable();
      table.string('coupon_code', 32).nullable();
      table.integer('subtotal_cents').notNullable();
      table.integer('discount_cents').notNullable();
      table.integer('tax_cents').notNullable();
      table.integer('shipping_cents').notNullable();
      table.integer('total_cents').notNullable();
      table.string('currency', 3).notNullable();
      table.string('created_at', 19).notNullable();
      table.string('cancelled_at', 19).nullable();
      table.string('reservation_id', 64).notNullable().unique();
      table.index(['customer_id', 'created_at']);
    });
    await db.schema.createTable('order_items', (table) => {
      table.increments('id');
      table.integer('order_id').notNullable().references('id').inTable('orders');
      table.integer('product_id').notNullable();
      table.string('sku', 32).notNullable();
      table.string('name', 200).notNullable();
      table.integer('unit_price_cents').notNullable();
      table.integer('quantity').notNullable();
      table.integer('line_total_cents').notNullable();
      table.index(['order_id']);
    });
    // `increments` is AUTOINCREMENT in SQLite, which continues from sqlite_sequence.
    await db('sqlite_sequence').insert({ name: 'orders', seq: FIRST_ORDER_ID - 1 });
  },
  async down(db) {
    await db.schema.dropTable('order_items');
    await db.schema.dropTable('orders');
  },
};
