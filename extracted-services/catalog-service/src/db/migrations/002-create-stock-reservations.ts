import type { NamedMigration } from 'service-kit';

/**
 * Stock reservations taken by orders-service. Keyed by the caller's id so that a retried reserve (after a
 * timeout, say) never takes the stock twice, and a release can give back exactly what was taken.
 */
export const createStockReservations: NamedMigration = {
  name: '002_create_stock_reservations',
  async up(db) {
    await db.schema.createTable('stock_reservations', (table) => {
      table.string('id', 64).primary();
      table.text('items_json').notNullable();
      table.string('status', 16).notNullable();
      table.string('created_at', 24).notNullable();
      table.string('released_at', 24).nullable();
    });
  },
  async down(db) {
    await db.schema.dropTable('stock_reservations');
  },
};
