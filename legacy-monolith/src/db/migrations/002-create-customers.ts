import type { NamedMigration } from '../migration.ts';

/** Customers and their login sessions (opaque bearer tokens). */
export const createCustomers: NamedMigration = {
  name: '002_create_customers',
  async up(db) {
    await db.schema.createTable('customers', (table) => {
      table.increments('id');
      table.string('email', 200).notNullable().unique();
      table.string('first_name', 80).notNullable();
      table.string('last_name', 80).notNullable();
      // Salted SHA-256: what the shop shipped with. A real KDF is on the migration's wish list.
      table.string('password_salt', 32).notNullable();
      table.string('password_hash', 64).notNullable();
      table.string('created_at', 19).notNullable();
    });
    await db.schema.createTable('sessions', (table) => {
      table.string('token', 64).primary();
      table.integer('customer_id').notNullable().references('id').inTable('customers');
      table.string('created_at', 19).notNullable();
      // NULL: never expires (the demo token).
      table.string('expires_at', 19).nullable();
      table.index(['customer_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('sessions');
    await db.schema.dropTable('customers');
  },
};
