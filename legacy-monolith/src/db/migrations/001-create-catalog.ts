import type { NamedMigration } from '../migration.ts';

/** The original catalog. Prices are integer cents; dates are "YYYY-MM-DD HH:MM:SS" UTC text. */
export const createCatalog: NamedMigration = {
  name: '001_create_catalog',
  async up(db) {
    await db.schema.createTable('categories', (table) => {
      table.increments('id');
      table.string('name', 80).notNullable();
      table.integer('parent_id').nullable().references('id').inTable('categories');
      table.integer('position').notNullable().defaultTo(0);
      table.string('created_at', 19).notNullable();
    });
    await db.schema.createTable('products', (table) => {
      table.increments('id');
      table.string('sku', 32).notNullable().unique();
      table.string('name', 200).notNullable();
      table.text('description').notNullable().defaultTo('');
      table.string('brand', 80).notNullable();
      table.integer('category_id').notNullable().references('id').inTable('categories');
      table.integer('price_cents').notNullable();
      table.string('currency', 3).notNullable().defaultTo('USD');
      // 1/0, not a boolean: SQLite has none and the API has always sent the integer.
      table.integer('active').notNullable().defaultTo(1);
      table.string('created_at', 19).notNullable();
      table.string('updated_at', 19).notNullable();
      table.index(['category_id']);
      table.index(['price_cents']);
      table.index(['name']);
      table.index(['created_at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('products');
    await db.schema.dropTable('categories');
  },
};
