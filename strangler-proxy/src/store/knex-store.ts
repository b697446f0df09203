/**
 * The {@link ResultStore} on knex: the same code for SQLite (one file, the default) and PostgreSQL (a
 * fleet of proxies sharing one store). Every counter write is an upsert that adds
 * (`ON CONFLICT ... DO UPDATE SET n = t.n + excluded.n`), and each batch is one transaction.
 */
import knexFactory, { type Knex } from 'knex';
import { MIGRATIONS_TABLE } from './knex-tables.ts';
import { migrationSource } from './migrations/index.ts';
import { parseStoreUrl, type StoreLocation } from './store-url.ts';
import { writeBatch } from './knex-write.ts';
import { knexReader } from './knex-read.ts';
import { knexInstances } from './knex-instances.ts';
import { rollUpEvidence } from './roll-up.ts';
import type { ResultStore } from './result-store.ts';
import { guardSqliteFile, type SqliteFileGuard } from './sqlite-file-guard.ts';

export interface KnexStoreOptions {
  /** `sqlite:./strangler.db`, `sqlite::memory:` or `postgres://…[?schema=name]`. */
  readonly url: string;
  /** Base for relative SQLite paths. Default: the process's working directory. */
  readonly cwd?: string;
  /** How long a SQLite writer waits for another process's lock before failing. Default 5 s. */
  readonly busyTimeoutMs?: number;
  /**
   * Called with a way to run SQL on each new SQLite connection, once it is set up. Tests use it to make
   * the database "full" at a size they choose (`PRAGMA max_page_count`, which lives per connection).
   */
  readonly onSqliteConnection?: (exec: (sql: string) => Promise<void>) => void;
}

/**
 * Opens (and migrates to the latest version) the store at `url`. SQLite runs in WAL mode with a busy
 * timeout, so the proxy writing and `strangler report` reading don't block each other. A SQLite file
 * deleted or replaced while open makes every later write reject with `StoreFileReplacedError`: the store
 * is then to be closed and opened again at the path.
 */
export async function createKnexStore(options: KnexStoreOptions): Promise<ResultStore> {
  const { db, location } = await openMigratedKnex(options);
  try {
    const guard =
      location.kind === 'sqlite' && location.filename !== ':memory:'
        ? await guardSqliteFile(location.filename)
        : null;
    return knexStore(db, guard);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** A knex connection to the store at `url`, its schema migrated to the latest version. */
export async function openMigratedKnex(
  options: KnexStoreOptions,
): Promise<{ readonly db: Knex; readonly location: StoreLocation }> {
  const location = parseStoreUrl(options.url, options.cwd);
  const db = knexFactory(knexConfig(location, options.busyTimeoutMs ?? 5_000, options.onSqliteConnection));
  try {
    await exclusively(db, location, async () => {
      if (location.kind === 'postgres' && location.schema) {
        await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [location.schema]);
      }
      await db.migrate.latest({
        migrationSource,
        tableName: MIGRATIONS_TABLE,
        ...(location.kind === 'postgres' && location.schema ? { schemaName: location.schema } : {}),
      });
    });
    return { db, location };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** The advisory lock a PostgreSQL store's schema is created and migrated under. */
const MIGRATION_LOCK = 0x5354524e;

/**
 * Runs `work` holding a PostgreSQL advisory lock: proxies of a fleet started together on a new database
 * would otherwise race to create the schema and knex's own migration tables, and all but one fail.
 */
async function exclusively(db: Knex, location: StoreLocation, work: () => Promise<void>): Promise<void> {
  if (location.kind !== 'postgres') return work();
  const client = db.client as {
    acquireConnection(): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<unknown>;
  };
  const connection = await client.acquireConnection();
  try {
    await db.raw('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK]).connection(connection);
    try {
      await work();
    } finally {
      await db.raw('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK]).connection(connection);
    }
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * knex would print pool and driver complaints on the process's console; every failure that matters
 * already rejects the call that hit it, and callers (recorder, CLI) report it through their own channels.
 */
const quiet = {
  warn: () => undefined,
  error: () => undefined,
  deprecate: () => undefined,
  debug: () => undefined,
};

function knexConfig(
  location: StoreLocation,
  busyTimeoutMs: number,
  onConnection: KnexStoreOptions['onSqliteConnection'],
): Knex.Config {
  if (location.kind === 'postgres') {
    return {
      log: quiet,
      client: 'pg',
      // Bounded everywhere: a write to a server that went away must fail (and be counted), never hang the
      // recorder's write chain.
      connection: {
        connectionString: location.connectionString,
        connectionTimeoutMillis: 5_000,
        query_timeout: 15_000,
        statement_timeout: 15_000,
      },
      pool: { min: 0, max: 4 },
      acquireConnectionTimeout: 10_000,
      ...(location.schema ? { searchPath: [location.schema] } : {}),
    };
  }
  return {
    log: quiet,
    client: 'sqlite3',
    connection: { filename: location.filename },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and `:memory:` lives only as long as it does.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (
        connection: SqliteConnection,
        done: (error: Error | null, connection: unknown) => void,
      ) => {
        const pragmas = [
          `PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`,
          'PRAGMA journal_mode = WAL',
          'PRAGMA synchronous = NORMAL',
        ].join(';');
        connection.exec(pragmas, (error) => {
          if (!error && onConnection)
            onConnection(
              (sql) =>
                new Promise((resolve, reject) =>
                  connection.exec(sql, (failure) => (failure ? reject(failure) : resolve())),
                ),
            );
          done(error, connection);
        });
      },
    },
  };
}

interface SqliteConnection {
  exec(sql: string, callback: (error: Error | null) => void): void;
}

function knexStore(db: Knex, guard: SqliteFileGuard | null): ResultStore {
  return {
    async write(batch) {
      await guard?.check();
      await writeBatch(db, batch);
    },
    ...knexReader(db),
    ...knexInstances(db),
    rollUp: (policy, now) => rollUpEvidence(db, policy, now),
    async close() {
      await db.destroy();
      await guard?.cleanUp();
    },
  };
}
