/**
 * Every error code orders-service answers with (plus service-kit's common ones). The order codes and
 * messages are the monolith's; the upstream ones are new (the monolith had no network calls to fail).
 */
import { defineErrors } from 'service-kit';

export const { catalogue: ERROR_CATALOGUE, error } = defineErrors({
  unauthorized: 401,
  invalid_token: 401,
  order_not_found: 404,
  unknown_product: 422,
  invalid_coupon: 422,
  out_of_stock: 409,
  order_not_cancellable: 409,
  upstream_unavailable: 502,
  upstream_timeout: 504,
});

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
