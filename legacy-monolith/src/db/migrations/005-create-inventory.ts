import type { NamedMigration } from '../migration.ts';

/**
 * Stock moved out of `products` into its own table when the second warehouse opened. Product responses
 * never carried stock; `GET /api/inventory/:product_id` does.
 */
export const createInventory: NamedMigration = {
  name: '005_create_inventory',
  async up(db) {
    await db.schema.createTable('inventory', (table) => {
      table.integer('product_id').primary().references('id').inTable('products');
      table.integer('qty_on_hand').notNullable();
      table.string('warehouse', 16).notNullable();
      table.string('updated_at', 19).notNullable();
    });
  },
  async down(db) {
    await db.schema.dropTable('inventory');
  },
};
