/**
 * Which of two routes wins when both match a request. In order:
 * 1. more literal segments (`/api/products/:id/reviews` beats `/api/products`);
 * 2. more segments (`/api/products/:id` beats `/api/products`: a parameter still narrows a prefix);
 * 3. earlier in the file.
 *
 * Rule 2 makes a pattern that matches a strict subset of another's paths always win over it, so no route is
 * shadowed by a mere prefix of itself. Consequence used by the loader: a route can only be made unreachable
 * by routes with the same {@link PathPattern.shape} earlier in the file.
 */
import type { PathPattern } from './path-pattern.ts';

export interface Ranked {
  readonly pattern: PathPattern;
  /** Position in the file. */
  readonly index: number;
}

/** Negative when `a` wins over `b`, positive when `b` wins, 0 only for the same index. */
export function comparePrecedence(a: Ranked, b: Ranked): number {
  return (
    b.pattern.literalCount - a.pattern.literalCount ||
    b.pattern.segments.length - a.pattern.segments.length ||
    a.index - b.index
  );
}

/** Why `winner` beats `loser`, in words, for `explain`. */
export function describePrecedence(winner: Ranked, loser: Ranked): string {
  const w = winner.pattern;
  const l = loser.pattern;
  if (w.literalCount !== l.literalCount) {
    return `more literal segments (${w.literalCount} > ${l.literalCount})`;
  }
  if (w.segments.length !== l.segments.length) {
    return `as many literal segments (${w.literalCount}) and a longer pattern (${w.segments.length} > ${l.segments.length} segments)`;
  }
  return `equally specific, earlier in the file (route #${winner.index + 1} before #${loser.index + 1})`;
}
