import type { NamedMigration } from '../migration.ts';

/** Orders and their lines. Lines copy sku, name and price: an order must not change when the catalog does. */
export const createOrders: NamedMigration = {
  name: '004_create_orders',
  async up(db) {
    await db.schema.createTable('orders', (table) => {
      table.increments('id');
      table.integer('customer_id').notNullable().references('id').inTable('customers');
      // placed | shipped | delivered | cancelled
      table.string('status', 16).notNullable();
      table.string('coupon_code', 32).nullable();
      table.integer('subtotal_cents').notNullable();
      table.integer('discount_cents').notNullable();
      table.integer('tax_cents').notNullable();
      table.integer('shipping_cents').notNullable();
      table.integer('total_cents').notNullable();
      table.string('currency', 3).notNullable().defaultTo('USD');
      table.string('created_at', 19).notNullable();
      table.string('cancelled_at', 19).nullable();
      table.index(['customer_id', 'created_at']);
    });
    await db.schema.createTable('order_items', (table) => {
      table.increments('id');
      table.integer('order_id').notNullable().references('id').inTable('orders');
      table.integer('product_id').notNullable().references('id').inTable('products');
      table.string('sku', 32).notNullable();
      table.string('name', 200).notNullable();
      table.integer('unit_price_cents').notNullable();
      table.integer('quantity').notNullable();
      table.integer('line_total_cents').notNullable();
      table.index(['order_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('order_items');
    await db.schema.dropTable('orders');
  },
};
