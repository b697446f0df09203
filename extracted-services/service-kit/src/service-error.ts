/**
 * Typed service errors: every failure a client can see has a stable `code` and an HTTP status, declared
 * once in a catalogue. Handlers throw them; the error handler turns them into `{ "error": { code, message } }`.
 */

/** Codes every service can answer with, whatever its domain. */
export const COMMON_ERRORS = {
  not_found: 404,
  invalid_json: 400,
  validation_failed: 400,
  invalid_parameter: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
} as const;

/** Error code → HTTP status. */
export type ErrorCatalogue = Readonly<Record<string, number>>;

/**
 * A failure meant for the client: its code and message are sent as they are. Build it through
 * {@link defineErrors}, which checks the code against the service's catalogue.
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.status = status;
  }
}

/** What {@link defineErrors} returns: the merged catalogue and a factory typed to its codes. */
export interface ErrorKit<Code extends string> {
  readonly catalogue: Readonly<Record<Code, number>>;
  /** Builds (does not throw) the error for `code`, with the status from the catalogue. */
  readonly error: (code: Code, message: string) => ServiceError;
}

/**
 * Merges a service's own codes with {@link COMMON_ERRORS}.
 *
 * @example
 * const { error } = defineErrors({ product_not_found: 404 });
 * throw error('product_not_found', 'product 7 not found');
 */
export function defineErrors<const C extends ErrorCatalogue>(
  own: C,
): ErrorKit<(keyof C | keyof typeof COMMON_ERRORS) & string> {
  type Code = (keyof C | keyof typeof COMMON_ERRORS) & string;
  const catalogue = Object.freeze({ ...COMMON_ERRORS, ...own }) as Readonly<Record<Code, number>>;
  return {
    catalogue,
    error: (code, message) => new ServiceError(code, catalogue[code], message),
  };
}
