/**
 * Text bodies that are not (both) JSON: equal or not, and where they first differ, with a short excerpt
 * of each side around that point so a report shows the difference without storing whole pages.
 */

/** Characters shown on each side of the first difference. */
export const EXCERPT_CONTEXT = 40;

export interface TextDifference {
  /** UTF-16 offset of the first differing character. */
  readonly offset: number;
  readonly legacy: string;
  readonly service: string;
}

/** `undefined` when the texts are equal. */
export function compareText(legacy: string, service: string): TextDifference | undefined {
  if (legacy === service) return undefined;
  const shorter = Math.min(legacy.length, service.length);
  let offset = 0;
  while (offset < shorter && legacy.charCodeAt(offset) === service.charCodeAt(offset)) offset++;
  return Object.freeze({ offset, legacy: excerpt(legacy, offset), service: excerpt(service, offset) });
}

/** The character at `offset` with up to {@link EXCERPT_CONTEXT} characters either side, `…` where cut. */
export function excerpt(text: string, offset: number): string {
  let start = Math.max(0, offset - EXCERPT_CONTEXT);
  let end = Math.min(text.length, offset + 1 + EXCERPT_CONTEXT);
  // Never cut a surrogate pair in half.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
