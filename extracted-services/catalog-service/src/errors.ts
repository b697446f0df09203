/** Every error code catalog-service answers with (plus service-kit's common ones). Listed in the README. */
import { defineErrors } from 'service-kit';

export const { catalogue: ERROR_CATALOGUE, error } = defineErrors({
  product_not_found: 404,
  category_not_found: 404,
  unknown_product: 422,
  out_of_stock: 409,
  reservation_conflict: 409,
});

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
