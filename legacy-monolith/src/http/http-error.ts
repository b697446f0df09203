/**
 * Every error the shop's API can answer with: a stable code, its status, and the body
 * `{ "error": { "code", "message" } }`. The README lists the same codes; a test keeps them in sync.
 */

export const ERROR_STATUS = {
  not_found: 404,
  invalid_json: 400,
  invalid_parameter: 400,
  validation_failed: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  invalid_token: 401,
  invalid_credentials: 401,
  product_not_found: 404,
  category_not_found: 404,
  order_not_found: 404,
  unknown_product: 422,
  invalid_coupon: 422,
  out_of_stock: 409,
  order_not_cancellable: 409,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure meant for the client. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = ERROR_STATUS[code];
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}
