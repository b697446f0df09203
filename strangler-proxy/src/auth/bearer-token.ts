/** The token of an `Authorization: Bearer …` header (scheme case-insensitive, RFC 6750 §2.1), or null. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export function bearerToken(headers: IncomingHttpHeaders | OutgoingHttpHeaders): string | null {
  const value = headers.authorization;
  if (typeof value !== 'string') return null;
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return match?.[1] ?? null;
}
