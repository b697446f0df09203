/**
 * Dates. The monolith stores "YYYY-MM-DD HH:MM:SS" (UTC, no zone); the catalog stores and sends product
 * dates as ISO-8601 with milliseconds, "2024-03-05T14:22:10.000Z": the one date change of this release.
 */

const LEGACY_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** "2024-03-05 14:22:10" → "2024-03-05T14:22:10.000Z"; throws on anything else. */
export function legacyToIso(text: string): string {
  if (!LEGACY_DATE.test(text)) throw new RangeError(`not a legacy date: ${text}`);
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}

/** The current time in the legacy format, for rows the catalog writes in that format. */
export function toLegacyDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
