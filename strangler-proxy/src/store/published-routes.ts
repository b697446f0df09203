/**
 * Routes published to a fleet through its PostgreSQL store: every published routes.yaml is kept whole
 * under a new version, and a NOTIFY on commit tells the listening proxies. Each proxy acknowledges the
 * version it applied. Nothing here validates: `publish` does before it stores, and every proxy does
 * again before it applies.
 */
import { createRequire } from 'node:module';

import { TABLES } from './knex-tables.ts';
import { openMigratedKnex } from './knex-store.ts';
import { num, rowsOf, text, type DbRow } from './knex-rows.ts';
import { StoreUrlError, parseStoreUrl, type StoreLocation } from './store-url.ts';

/** The channel every publish notifies; the payload says which schema and which version. */
export const PUBLISHED_ROUTES_CHANNEL = 'strangler_routes_published';

export interface PublishedRoutes {
  readonly version: number;
  readonly text: string;
  /** sha256 of the text, hex. */
  readonly revision: string;
  /** Epoch ms. */
  readonly publishedAt: number;
  readonly publishedBy: string;
}

export interface AppliedRoutes {
  /** The proxy that applied it (`host:pid` unless named). */
  readonly instance: string;
  readonly version: number;
  readonly revision: string;
  readonly appliedAt: number;
}

export interface RoutesPublication {
  /** Stores `text` as the next version and notifies listeners when the transaction commits. */
  publish(entry: Omit<PublishedRoutes, 'version'>): Promise<PublishedRoutes>;
  /** The newest version, or null when nothing was published. */
  latest(): Promise<PublishedRoutes | null>;
  /** The newest version's number (cheap: what a poll asks), or null. */
  latestVersion(): Promise<number | null>;
  /** Records that `instance` applied a version (one row per instance, replaced). */
  acknowledge(applied: AppliedRoutes): Promise<void>;
  /** Every instance's last acknowledged version, by instance. */
  applied(): Promise<AppliedRoutes[]>;
  /**
   * Listens for publishes on a connection of its own. `onPublished` gets each version published in this
   * store's schema; `onLost` is called once if the connection ends (the caller polls meanwhile).
   */
  listen(onPublished: (version: number) => void, onLost: (error: Error) => void): Promise<Listening>;
  close(): Promise<void>;
}

export interface Listening {
  stop(): Promise<void>;
}

/** Opens the publication of the PostgreSQL store at `url`; other stores have no LISTEN/NOTIFY. */
export async function openRoutesPublication(url: string): Promise<RoutesPublication> {
  const location = parseStoreUrl(url);
  if (location.kind !== 'postgres') {
    throw new StoreUrlError('routes are published to a PostgreSQL store (postgres://…), not to SQLite');
  }
  const { db } = await openMigratedKnex({ url });
  const schema = location.schema ?? '';
  return {
    async publish(entry) {
      return db.transaction(async (trx) => {
        const [row] = await rowsOf(
          trx(TABLES.publishedRoutes)
            .insert({
              text: entry.text,
              revision: entry.revision,
              published_at: entry.publishedAt,
              published_by: entry.publishedBy,
            })
            .returning('version'),
        );
        const version = num(row?.version);
        await trx.raw('SELECT pg_notify(?, ?)', [PUBLISHED_ROUTES_CHANNEL, `${schema}:${version}`]);
        return { ...entry, version };
      });
    },
    async latest() {
      const [row] = await rowsOf(db(TABLES.publishedRoutes).select('*').orderBy('version', 'desc').limit(1));
      return row ? publishedOf(row) : null;
    },
    async latestVersion() {
      const [row] = await rowsOf(db(TABLES.publishedRoutes).max({ version: 'version' }));
      return row?.version == null ? null : num(row.version);
    },
    async acknowledge(applied) {
      await db(TABLES.routesApplied)
        .insert({
          instance: applied.instance,
          version: applied.version,
          revision: applied.revision,
          applied_at: applied.appliedAt,
        })
        .onConflict('instance')
        .merge();
    },
    async applied() {
      const rows = await rowsOf(db(TABLES.routesApplied).select('*').orderBy('instance'));
      return rows.map((row) => ({
        instance: text(row.instance),
        version: num(row.version),
        revision: text(row.revision),
        appliedAt: num(row.applied_at),
      }));
    },
    listen: (onPublished, onLost) => listenForPublished(location, schema, onPublished, onLost),
    close: () => db.destroy(),
  };
}

function publishedOf(row: DbRow): PublishedRoutes {
  return {
    version: num(row.version),
    text: text(row.text),
    revision: text(row.revision),
    publishedAt: num(row.published_at),
    publishedBy: text(row.published_by),
  };
}

/** The part of `pg`'s client a listener uses (the package ships no types). */
interface ListenClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'end', listener: () => void): void;
}

type ListenClientClass = new (config: {
  connectionString: string;
  connectionTimeoutMillis: number;
  application_name: string;
}) => ListenClient;

/** How a listening proxy's connection is named in `pg_stat_activity` (PostgreSQL keeps 63 bytes). */
export function listenerName(schema: string): string {
  return `strangler routes ${schema || 'public'}`.slice(0, 63);
}

async function listenForPublished(
  location: Extract<StoreLocation, { kind: 'postgres' }>,
  schema: string,
  onPublished: (version: number) => void,
  onLost: (error: Error) => void,
): Promise<Listening> {
  const { Client } = createRequire(import.meta.url)('pg') as { Client: ListenClientClass };
  const client = new Client({
    connectionString: location.connectionString,
    connectionTimeoutMillis: 5_000,
    application_name: listenerName(schema),
  });
  let stopped = false;
  let lost = false;
  const lose = (error: Error) => {
    if (stopped || lost) return;
    lost = true;
    onLost(error);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('the LISTEN connection ended')));
  client.on('notification', (message) => {
    const [from, version] = (message.payload ?? '').split(':');
    if (message.channel === PUBLISHED_ROUTES_CHANNEL && from === schema && version)
      onPublished(Number(version));
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${PUBLISHED_ROUTES_CHANNEL}`);
  } catch (error) {
    stopped = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    async stop() {
      stopped = true;
      await client.end().catch(() => undefined);
    },
  };
}
