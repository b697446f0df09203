/** Order dates keep the monolith's format, "2024-03-05 14:22:10" (UTC): the order contract is unchanged. */
export function formatLegacyDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
