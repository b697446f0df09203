/**
 * What a failed store write means, told from the driver's error code: a row the database refuses
 * whatever happens (too long, out of range, a broken constraint) or an outage (unreachable, locked,
 * full) that a later retry may get through. Also the short cause shown on `/status`.
 */

/** SQLite result codes a row's own content causes: retrying the same row fails the same way. */
const SQLITE_ROW_CODES = new Set(['SQLITE_TOOBIG', 'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_RANGE']);

/**
 * PostgreSQL SQLSTATE classes a row's own content causes: 22 data exception (value too long for
 * `varchar(200)`, NUL in text), 23 integrity constraint, 54 program limit (an index row too large).
 */
const POSTGRES_ROW_CLASS = /^(?:22|23|54)[0-9A-Z]{3}$/;

/** The driver's code of a failed query (`SQLITE_FULL`, `22001`), if it has one. */
export function storeErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `error` is caused by what a row holds, so it fails again however often it is retried. */
export function isRowError(error: unknown): boolean {
  const code = storeErrorCode(error);
  return code !== undefined && (SQLITE_ROW_CODES.has(code) || POSTGRES_ROW_CLASS.test(code));
}

/**
 * The cause of a failed write without the statement knex puts in front of it (`insert into … - cause`):
 * for SQLite that statement carries the written values inline, which do not belong on `/status` or in logs.
 */
export function describeStoreError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = storeErrorCode(error);
  if (code === undefined) return message;
  const named = message.lastIndexOf(`${code}:`);
  if (named >= 0) return message.slice(named);
  const separator = message.lastIndexOf(' - ');
  return `${code}: ${separator >= 0 ? message.slice(separator + 3) : message}`;
}
