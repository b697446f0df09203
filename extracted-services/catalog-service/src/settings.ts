/**
 * Settings from the environment (service-kit's reader reports every problem at once).
 *
 * | variable         | default                    |
 * |------------------|----------------------------|
 * | PORT             | 4001                       |
 * | HOST             | 127.0.0.1                  |
 * | DB_FILE          | <repo>/.data/catalog.db    |
 * | MONOLITH_DB_FILE | <repo>/.data/monolith.db   |
 * | LOG_LEVEL        | info                       |
 */
import { fileURLToPath } from 'node:url';
import { createEnvReader } from 'service-kit';

export const DEFAULT_DB_FILE = fileURLToPath(new URL('../../../.data/catalog.db', import.meta.url));
export const DEFAULT_MONOLITH_DB_FILE = fileURLToPath(new URL('../../../.data/monolith.db', import.meta.url));

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly dbFile: string;
  /** Where the first start copies the catalog data from. */
  readonly monolithDbFile: string;
  readonly logLevel: (typeof LEVELS)[number];
}

export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const reader = createEnvReader(env);
  const settings: Settings = {
    port: reader.port('PORT', 4001),
    host: reader.string('HOST', '127.0.0.1'),
    dbFile: reader.string('DB_FILE', DEFAULT_DB_FILE),
    monolithDbFile: reader.string('MONOLITH_DB_FILE', DEFAULT_MONOLITH_DB_FILE),
    logLevel: reader.oneOf('LOG_LEVEL', LEVELS, 'info'),
  };
  reader.done();
  return settings;
}
