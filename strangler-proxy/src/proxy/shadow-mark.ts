/**
 * The mark on this proxy's mirrors (`x-strangler-shadow`): a secret drawn at start, so that a request
 * carrying it can only be one of this proxy's own mirrors come back (a loop: the shadow target leads to
 * the proxy itself). A client that sends the header cannot know the value: its header is neither
 * honoured (the request is mirrored as any other) nor forwarded.
 *
 * Each proxy knows only its own mark. A mirror from proxy A that passes through proxy B is, to B, a
 * client's request: B strips A's mark, serves the request, and may mirror it once more under B's mark.
 * A loop through several proxies (A mirrors to B, B mirrors back to A) is therefore not recognised.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SHADOW_HEADER = 'x-strangler-shadow';

export interface ShadowMark {
  /** The header value this proxy's mirrors carry. */
  readonly value: string;
  /** Whether a request's `x-strangler-shadow` is this proxy's own mark: the request is its own mirror. */
  isOwn(header: string | string[] | undefined): boolean;
}

/** A new mark: 128 random bits, as URL-safe base64 (a valid header value). */
export function createShadowMark(): ShadowMark {
  const value = randomBytes(16).toString('base64url');
  const bytes = Buffer.from(value, 'latin1');
  return {
    value,
    isOwn(header) {
      // Compared in constant time: how long a wrong guess takes to refuse says nothing of the mark.
      return (
        typeof header === 'string' &&
        header.length === value.length &&
        timingSafeEqual(Buffer.from(header, 'latin1'), bytes)
      );
    },
  };
}
