/**
 * The error catalogue of promotion: every failure of `promote`, `rollback` and `check` carries one of these
 * stable codes, kept in the one catalogue. Tests assert codes, never message text.
 */
import { PROMOTE_CATALOGUE } from '../errors/catalogue.ts';

/** Code → message, from the one catalogue (`errors/catalogue.ts`). */
export const PROMOTE_ERROR_CODES: Readonly<Record<keyof typeof PROMOTE_CATALOGUE, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(PROMOTE_CATALOGUE).map(([code, entry]) => [code, entry.message]),
  ) as Record<keyof typeof PROMOTE_CATALOGUE, string>,
);

export type PromoteErrorCode = keyof typeof PROMOTE_ERROR_CODES;

/** A promotion failure with a stable {@link PromoteErrorCode}. */
export class PromoteError extends Error {
  readonly code: PromoteErrorCode;
  /** Further lines for the user, e.g. every validation problem of the file. */
  readonly details: readonly string[];

  constructor(code: PromoteErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'PromoteError';
    this.code = code;
    this.details = details;
  }
}

export function isPromoteError(error: unknown): error is PromoteError {
  return error instanceof PromoteError;
}
