/**
 * Each extracted service owns a SQLite database (database per service); opening and migrating one is the
 * same everywhere. Migrations are listed in code, so they run the same under type stripping and in tests.
 */
import knexFactory, { type Knex } from 'knex';

/** A schema step, named so knex records which ones ran. */
export interface NamedMigration {
  readonly name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

interface RawSqlite {
  exec(sql: string, callback: (error: Error | null) => void): void;
}

/** Opens (creating if needed) a SQLite database; `:memory:` for tests. */
export function openSqliteDatabase(filename: string): Knex {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      // One connection: SQLite serialises writes, and an in-memory database lives in its connection.
      min: 1,
      max: 1,
      afterCreate(connection: RawSqlite, done: (error: Error | null, connection: RawSqlite) => void) {
        connection.exec(
          'PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;',
          (error) => done(error, connection),
        );
      },
    },
  });
}

/** Runs every migration of `migrations` not yet recorded in `db`. */
export async function migrateSqliteDatabase(db: Knex, migrations: readonly NamedMigration[]): Promise<void> {
  const migrationSource: Knex.MigrationSource<NamedMigration> = {
    getMigrations: () => Promise.resolve([...migrations]),
    getMigrationName: (migration) => migration.name,
    getMigration: (migration) => Promise.resolve(migration),
  };
  await db.migrate.latest({ migrationSource });
}
