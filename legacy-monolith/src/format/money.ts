/**
 * Money is kept in integer cents and sent as a decimal string with two places ("12.50"): the API has
 * always sent strings so that no client ever parsed a price into a float.
 */

/** 1250 → "12.50". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
