/** Raw rows from knex: untyped, so every column is converted explicitly where it is read. */
import type { Knex } from 'knex';

export type DbRow = Record<string, unknown>;

/** Query results are untyped in knex; every column is converted explicitly where it is read. */
export async function rowsOf(query: PromiseLike<unknown>): Promise<DbRow[]> {
  return (await query) as DbRow[];
}

/** PostgreSQL returns bigint and SUM() as strings. */
export function num(value: unknown): number {
  return value == null ? 0 : Number(value);
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** The column of a camelCase field of the store's types (`legacyErrors` → `legacy_errors`). */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Whether `db` talks to PostgreSQL (else SQLite): for the few statements the two spell differently. */
export function isPostgres(db: Knex): boolean {
  return (db.client as { readonly config: Knex.Config }).config.client === 'pg';
}
