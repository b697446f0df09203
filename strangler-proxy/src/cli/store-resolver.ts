/**
 * Where the results store is, for every command: `--store`, else STRANGLER_STORE, else the routes file's
 * `store:` key, else `strangler.db` beside the routes file. The proxy writing and the commands reading
 * must agree on it, so this is the one place it is decided. Read-only commands open it with
 * {@link openStoreForReading}, which never creates a store.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { redactUrl } from '../compare/redact-url.ts';
import { createKnexStore } from '../store/knex-store.ts';
import type { ResultStore } from '../store/result-store.ts';
import { parseStoreUrl } from '../store/store-url.ts';
import { CliExit } from './io.ts';

/** The default store file, kept beside the routes file. */
export const DEFAULT_STORE_FILE = 'strangler.db';

export interface StoreChoice {
  /** `--store`, if given. */
  readonly flag?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The routes file's path (absolute, or relative to `cwd`), whether or not it exists. */
  readonly routesFile: string;
  /** The routes file's `store:` key, if it has one. */
  readonly routesStore?: string | undefined;
  readonly cwd: string;
}

export interface ResolvedStore {
  /** The store URL, a SQLite path made absolute. */
  readonly url: string;
  /** Which step chose it, for the user: `--store`, `STRANGLER_STORE`, … */
  readonly origin: string;
}

export function resolveStore(choice: StoreChoice): ResolvedStore {
  const routesFile = path.resolve(choice.cwd, choice.routesFile);
  const routesDir = path.dirname(routesFile);
  const shownFile = path.basename(routesFile);
  const envStore = choice.env.STRANGLER_STORE || undefined;
  // Flag and variable are typed at a shell: relative to it. A key in the file is relative to the file.
  if (choice.flag !== undefined) return absolute(choice.flag, choice.cwd, '--store');
  if (envStore !== undefined) return absolute(envStore, choice.cwd, 'STRANGLER_STORE');
  if (choice.routesStore !== undefined)
    return absolute(choice.routesStore, routesDir, `store: in ${shownFile}`);
  return absolute(`sqlite:./${DEFAULT_STORE_FILE}`, routesDir, `default, beside ${shownFile}`);
}

/** `sqlite:/abs/strangler.db (from --store)`, credentials redacted. */
export function describeStore(store: ResolvedStore): string {
  return `${redactUrl(store.url)} (${store.origin})`;
}

/**
 * Opens the store for a command that only reads. A SQLite file that does not exist is an error naming
 * what was looked for: opening it would create an empty store and report nothing, silently.
 */
export async function openStoreForReading(store: ResolvedStore): Promise<ResultStore> {
  const location = parseOrExit(store);
  if (location.kind === 'sqlite' && location.filename !== ':memory:' && !existsSync(location.filename)) {
    throw new CliExit(
      2,
      `strangler: no results store at ${location.filename} (${store.origin}); the proxy creates it when it records. Looked for --store, then STRANGLER_STORE, then store: in the routes file, then ${DEFAULT_STORE_FILE} beside it`,
    );
  }
  try {
    return await createKnexStore({ url: store.url });
  } catch (error) {
    throw new CliExit(
      2,
      `strangler: cannot open the results store ${describeStore(store)}: ${(error as Error).message}`,
    );
  }
}

function absolute(url: string, base: string, origin: string): ResolvedStore {
  if (!url.startsWith('sqlite:')) return { url, origin };
  const location = parseOrExit({ url: url, origin }, base);
  return {
    url: location.kind === 'sqlite' ? `sqlite:${location.filename}` : url,
    origin,
  };
}

function parseOrExit(store: ResolvedStore, base?: string): ReturnType<typeof parseStoreUrl> {
  try {
    return parseStoreUrl(store.url, base);
  } catch (error) {
    throw new CliExit(2, `strangler: ${(error as Error).message} (${store.origin})`);
  }
}
