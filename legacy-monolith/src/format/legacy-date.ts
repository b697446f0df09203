/**
 * The shop's date format since its first release: "YYYY-MM-DD HH:MM:SS", UTC, no zone marker. Stored that
 * way in the database and sent that way in the API.
 */

/** Formats an instant as "2024-03-05 14:22:10" (UTC). */
export function formatLegacyDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

const LEGACY_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Parses "2024-03-05 14:22:10" as UTC; throws on anything else. */
export function parseLegacyDate(text: string): Date {
  if (!LEGACY_DATE.test(text)) throw new RangeError(`not a legacy date: ${text}`);
  return new Date(`${text.replace(' ', 'T')}Z`);
}
