/**
 * Settings from the environment, checked at start-up; every problem is reported at once.
 *
 * | variable  | default                   |
 * |-----------|---------------------------|
 * | PORT      | 3000                      |
 * | HOST      | 127.0.0.1                 |
 * | DB_FILE   | <repo>/.data/monolith.db  |
 * | SEED      | 20240305                  |
 * | LOG_LEVEL | info                      |
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED } from './seed/generate-seed.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly dbFile: string;
  readonly seed: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

export const DEFAULT_DB_FILE = fileURLToPath(new URL('../../.data/monolith.db', import.meta.url));

export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const problems: string[] = [];
  const value = (name: string): string | undefined => (env[name]?.trim() ? env[name].trim() : undefined);
  const integer = (name: string, fallback: number, max: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) > max) {
      problems.push(`${name}=${text}: expected an integer from 0 to ${max}`);
      return fallback;
    }
    return Number(text);
  };
  const levelText = value('LOG_LEVEL') ?? 'info';
  const logLevel = LOG_LEVELS.find((level) => level === levelText);
  if (!logLevel) problems.push(`LOG_LEVEL=${levelText}: expected one of ${LOG_LEVELS.join(', ')}`);
  const settings: Settings = {
    port: integer('PORT', 3000, 65_535),
    host: value('HOST') ?? '127.0.0.1',
    dbFile: value('DB_FILE') ?? DEFAULT_DB_FILE,
    seed: integer('SEED', DEFAULT_SEED, 4_294_967_295),
    logLevel: logLevel ?? 'info',
  };
  if (problems.length > 0) throw new Error(`invalid settings:\n  ${problems.join('\n  ')}`);
  return settings;
}
