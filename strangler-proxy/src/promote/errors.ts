/**
 * The error catalogue of promotion: every failure of `promote`, `rollback` and `check` carries one of these
 * stable codes. Tests assert codes, never message text.
 */

export const PROMOTE_ERROR_CODES = {
  PROMOTE_ROUTE_NOT_FOUND: 'no route in the file has this id',
  PROMOTE_DUPLICATE_ROUTE: 'more than one route in the file has this id',
  PROMOTE_INVALID_CONFIG: 'the routes file is not valid before any edit, so no move can be planned',
  PROMOTE_ALREADY_MIGRATED: 'the route is migrated: there is no further step to promote to',
  PROMOTE_NOTHING_TO_ROLL_BACK: 'the route is at legacy: there is no earlier step',
  PROMOTE_TARGET_NOT_BEHIND: 'the rollback target is not behind the route’s current position',
  PROMOTE_UNSUPPORTED_YAML:
    'the route is written in a form the text editor cannot change safely (alias, merge key…)',
  PROMOTE_INVALID_RESULT:
    'the edited file would not be valid (or not say what was intended), so it was not written',
  PROMOTE_FILE_CHANGED: 'the file changed on disk while it was being edited; nothing was written',
  PROMOTE_FLEET_DISAGREES:
    'the live proxies sharing the results store run different revisions of the route (--force overrides)',
} as const;

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
