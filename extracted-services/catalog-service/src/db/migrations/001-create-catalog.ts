import type { NamedMigration } from 'service-kit';

/** Products, categories, reviews and stock: the catalog's share of the monolith's data. */
export const createCatalog: NamedMigration = {
  name: '001_create_catalog',
  async up(db) {
    await db.schema.createTable('categories', (table) => {
      table.integer('id').primary();
      table.string('name', 80).notNullable();
      table.integer('parent_id').nullable().references('id').inTable('categories');
      table.integer('position').notNullable();
    });
    await db.schema.createTable('products', (table) => {
      // Ids are the monolith's: both systems answer for the same product ids during the migration.
      table.integer('id').primary();
      table.string('sku', 32).notNullable().unique();
      table.string('name', 200).notNullable();
      table.string('slug', 240).notNullable().unique();
      table.text('description').notNullable();
      table.string('brand', 80).notNullable();
      table.integer('category_id').notNullable().references('id').inTable('categories');
      table.integer('price_cents').notNullable();
      table.string('currency', 3).notNullable();
      table.integer('active').notNullable();
      table.string('created_at', 24).notNullable();
      table.index(['category_id']);
      table.index(['price_cents']);
      table.index(['name']);
      table.index(['created_at']);
    });
    await db.schema.createTable('inventory', (table) => {
      table.integer('product_id').primary().references('id').inTable('products');
      table.integer('qty_on_hand').notNullable();
      table.string('updated_at', 24).notNullable();
    });
    await db.schema.createTable('reviews', (table) => {
      table.integer('id').primary();
      table.integer('product_id').notNullable().references('id').inTable('products');
      table.integer('customer_id').notNullable();
      table.string('author', 100).notNullable();
      table.integer('rating').notNullable();
      table.string('title', 120).notNullable();
      table.text('body').notNullable();
      table.string('created_at', 19).notNullable();
      table.index(['product_id', 'created_at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('reviews');
    await db.schema.dropTable('inventory');
    await db.schema.dropTable('products');
    await db.schema.dropTable('categories');
  },
};
