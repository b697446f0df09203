/** Money: integer cents inside, "12.50" strings on the wire (the monolith's contract). */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "12.50" → 1250; throws on anything that is not a non-negative amount with two decimals. */
export function parseCents(text: string): number {
  const match = /^(\d+)\.(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a price: ${text}`);
  return Number(match[1]) * 100 + Number(match[2]);
}
