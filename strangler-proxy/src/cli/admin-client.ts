/**
 * Reading the running proxy's admin API for `status`, `routes` and `explain`: `--admin URL`, else
 * STRANGLER_ADMIN_URL. The token, when the admin API wants one, comes from STRANGLER_ADMIN_TOKEN, the
 * variable `start` reads, so that it is never typed on a command line.
 */
import { Option } from 'commander';
import { CliExit, type CliIo } from './io.ts';

export const ADMIN_URL_ENV = 'STRANGLER_ADMIN_URL';
const TOKEN_ENV = 'STRANGLER_ADMIN_TOKEN';

export function adminOption(): Option {
  return new Option(
    '--admin <url>',
    `read the running proxy's admin API, e.g. http://127.0.0.1:9901 [env: ${ADMIN_URL_ENV}] (default: show the file)`,
  );
}

/** The admin URL asked for, or undefined: then the command shows the file. */
export function adminUrlOf(io: CliIo, flag: string | undefined): string | undefined {
  const url = flag ?? (io.env[ADMIN_URL_ENV] || undefined);
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new CliExit(2, `strangler: --admin (or ${ADMIN_URL_ENV}) must be an http:// URL, got "${url}"`);
  }
  return url.replace(/\/+$/, '');
}

/** GETs `path` of the admin API as JSON; a proxy that does not answer ends the command (exit 2). */
export async function readAdmin<T>(io: CliIo, adminUrl: string, path: string): Promise<T> {
  const token = io.env[TOKEN_ENV];
  let response: Response;
  try {
    response = await fetch(`${adminUrl}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliExit(
      2,
      `strangler: cannot reach the admin API at ${adminUrl} (${cause}); is the proxy running?`,
    );
  }
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { code?: string; message?: string } }) | null;
  if (!response.ok || body === null) {
    const why = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    const hint = response.status === 401 ? ` (set ${TOKEN_ENV})` : '';
    throw new CliExit(2, `strangler: the admin API at ${adminUrl} refused ${path}: ${why}${hint}`);
  }
  return body;
}
