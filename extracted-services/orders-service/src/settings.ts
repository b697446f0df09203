/**
 * Settings from the environment (service-kit's reader reports every problem at once).
 *
 * | variable            | default                  |
 * |---------------------|--------------------------|
 * | PORT                | 4002                     |
 * | HOST                | 127.0.0.1                |
 * | DB_FILE             | <repo>/.data/orders.db   |
 * | CATALOG_URL         | http://127.0.0.1:4001    |
 * | LEGACY_URL          | http://127.0.0.1:3000    |
 * | UPSTREAM_TIMEOUT_MS | 2000                     |
 * | TOKEN_SECRET        | (none: the monolith checks tokens) |
 * | LOG_LEVEL           | info                     |
 */
import { fileURLToPath } from 'node:url';
import { createEnvReader } from 'service-kit';

export const DEFAULT_DB_FILE = fileURLToPath(new URL('../../../.data/orders.db', import.meta.url));

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly dbFile: string;
  readonly catalogUrl: string;
  readonly legacyUrl: string;
  readonly upstreamTimeoutMs: number;
  /** This service's own token key; empty: tokens are checked by the monolith. */
  readonly tokenSecret: string;
  readonly logLevel: (typeof LEVELS)[number];
}

export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const reader = createEnvReader(env);
  const settings: Settings = {
    port: reader.port('PORT', 4002),
    host: reader.string('HOST', '127.0.0.1'),
    dbFile: reader.string('DB_FILE', DEFAULT_DB_FILE),
    catalogUrl: reader.url('CATALOG_URL', 'http://127.0.0.1:4001'),
    legacyUrl: reader.url('LEGACY_URL', 'http://127.0.0.1:3000'),
    upstreamTimeoutMs: reader.int('UPSTREAM_TIMEOUT_MS', 2_000, { min: 1, max: 60_000 }),
    tokenSecret: reader.string('TOKEN_SECRET', ''),
    logLevel: reader.oneOf('LOG_LEVEL', LEVELS, 'info'),
  };
  reader.done();
  return settings;
}
