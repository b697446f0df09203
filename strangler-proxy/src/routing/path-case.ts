/**
 * Case folding for path matching. Express and most monolith frameworks route paths ignoring case, so a
 * table that did not would let `/API/ORDERS/1` miss a migrated route and reach the monolith. Folding
 * happens on both sides: once per pattern when the table is built, once per request on its segments,
 * never per lookup on the table. Paths are ASCII once normalised, so ASCII lowercasing is all it takes
 * (percent-escapes fold too, on both sides alike).
 */
import type { PathPattern, PatternSegment } from './path-pattern.ts';

/**
 * The request's segments as the table compares them: themselves when case counts or when none has an
 * uppercase letter (no allocation), else a lowercased copy.
 */
export function foldSegments(segments: readonly string[], caseSensitive: boolean): readonly string[] {
  if (caseSensitive) return segments;
  for (let i = 0; i < segments.length; i++) {
    if (hasUppercase(segments[i] as string)) return segments.map((segment) => segment.toLowerCase());
  }
  return segments;
}

/**
 * The pattern as the table compares it: literal segments and the shape lowercased when case does not
 * count (two patterns that differ only in case then have one shape). The template stays as written: it
 * names the route in metrics, logs and reports.
 */
export function foldPattern(pattern: PathPattern, caseSensitive: boolean): PathPattern {
  if (caseSensitive || !hasUppercase(pattern.shape)) return pattern;
  const segments = pattern.segments.map((segment): PatternSegment =>
    segment.kind === 'literal' ? { kind: 'literal', value: segment.value.toLowerCase() } : segment,
  );
  return { ...pattern, segments, shape: pattern.shape.toLowerCase() };
}

function hasUppercase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) return true;
  }
  return false;
}

/** Which case rule applies, in words (`validate`, `explain`). */
export function describePathCase(caseSensitive: boolean): string {
  return caseSensitive
    ? 'counts: /API/x and /api/x are different paths (proxy.caseSensitive: true)'
    : 'ignored: /API/x takes the routes of /api/x, forwarded as sent (proxy.caseSensitive: false)';
}
