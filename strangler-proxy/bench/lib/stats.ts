/** Small statistics helpers. */

/** Nearest-rank percentile of an ascending array (`p` in 0..1); 0 for an empty array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/** The median of the finite values, NaN without one. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const middle = Math.floor(finite.length / 2);
  return ((finite[middle] ?? NaN) + (finite[finite.length % 2 === 1 ? middle : middle - 1] ?? NaN)) / 2;
}

export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** a / b, NaN when b is not a positive number. */
export const ratio = (a: number, b: number): number => (b > 0 && Number.isFinite(a) ? a / b : NaN);
