import type { Knex } from 'knex';

/** A schema step, named so knex records which ones ran. */
export interface NamedMigration {
  readonly name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}
