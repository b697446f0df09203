import type { NamedMigration } from '../migration.ts';

/** Product reviews by customers, rated 1 to 5. */
export const createReviews: NamedMigration = {
  name: '003_create_reviews',
  async up(db) {
    await db.schema.createTable('reviews', (table) => {
      table.increments('id');
      table.integer('product_id').notNullable().references('id').inTable('products');
      table.integer('customer_id').notNullable().references('id').inTable('customers');
      table.integer('rating').notNullable();
      table.string('title', 120).notNullable();
      table.text('body').notNullable();
      table.string('created_at', 19).notNullable();
      table.index(['product_id', 'created_at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('reviews');
  },
};
