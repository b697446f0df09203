/**
 * Store URLs: `sqlite:./strangler.db`, `sqlite:/var/lib/strangler.db`, `sqlite::memory:`,
 * `postgres://user@host:5432/db` (optionally `?schema=name` to keep the tables in their own schema).
 */
import type { ErrorCode } from '../errors/catalogue.ts';
import path from 'node:path';
import { redactUrl } from '../compare/redact-url.ts';

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string };

/** A store URL that cannot be used; `code` is stable. */
export class StoreUrlError extends Error {
  readonly code: ErrorCode = 'STRANGLER_ERR_STORE_URL';
}

/** Parses a store URL; relative SQLite paths are resolved against `cwd`. */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''); // accept sqlite:///abs/path too
    if (file === '') throw new StoreUrlError(`no file in store URL ${url} (try sqlite:./strangler.db)`);
    return { kind: 'sqlite', filename: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new StoreUrlError(`invalid schema name in store URL: ${schema}`);
    }
    return { kind: 'postgres', connectionString: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new StoreUrlError(`unsupported store URL ${redactUrl(url)}: expected sqlite:FILE or postgres://…`);
}
