/**
 * Keeps a bounded copy of a stream's chunks as they pass by. It holds references to the chunks the stream
 * already allocated (no copying until the end) and stops keeping them past its limit; or, for a large body
 * of known length, copies each chunk at once into a region of a body pool (see `body-pool.ts`).
 */
import type { BodyPool } from './body-pool.ts';
import type { ByteBudget } from './byte-budget.ts';

const UNLIMITED: ByteBudget = { take: () => true, give: () => undefined, used: 0 };

export interface BodyCapture {
  push(chunk: Buffer): void;
  /** Bytes seen, kept or not. */
  readonly bytes: number;
  readonly overLimit: boolean;
  /** The shared budget ran out: what was kept is incomplete whatever the limit. */
  readonly overBudget: boolean;
  /** The kept bytes (the first `limit` bytes when over the limit). */
  body(): Buffer;
  /** Chunks kept: with more than one, `body()` is a new buffer that nothing else references. */
  readonly chunks: number;
  /** The body is in a pool region (shared memory: it reaches the shadow worker without a copy). */
  readonly pooled: boolean;
  /**
   * The kept bytes as one buffer, letting go of the chunks (they can be collected while the buffer is
   * still in use elsewhere). The bytes stay counted in the budget until `release()`.
   */
  takeBody(): Buffer;
  /** Gives the kept bytes back to the budget, and the pool region back to the pool (once the copy is no longer needed). */
  release(): void;
}

/** Where a body of known length is copied as it arrives. */
export interface PooledCapture {
  readonly pool: BodyPool;
  /** The declared length. */
  readonly bytes: number;
}

export function createBodyCapture(
  limit: number,
  budget: ByteBudget = UNLIMITED,
  pooled: PooledCapture | null = null,
): BodyCapture {
  const chunks: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  let overBudget = false;
  // Reserved with the first chunk when the length is declared; given back on release.
  let region: Buffer | null = null;
  // `region` while the kept bytes are in it; null once more arrive than declared (then they are in `chunks`).
  let filling: Buffer | null = null;

  const keep = (part: Buffer) => {
    if (region === null && kept === 0 && pooled !== null && pooled.bytes <= limit) {
      region = pooled.pool.reserve(pooled.bytes);
      filling = region;
    }
    if (filling !== null && kept + part.length <= filling.length) {
      part.copy(filling, kept);
    } else {
      // No room in the pool, or more bytes than declared: references from here on.
      if (filling !== null) chunks.push(filling.subarray(0, kept));
      filling = null;
      chunks.push(part);
    }
    kept += part.length;
  };

  const joined = (): Buffer => {
    if (filling !== null) return filling.subarray(0, kept);
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept);
  };
  return {
    push(chunk) {
      bytes += chunk.length;
      if (kept >= limit || overBudget) return;
      const room = limit - kept;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (!budget.take(part.length)) {
        overBudget = true;
        return;
      }
      keep(part);
    },
    get overBudget() {
      return overBudget;
    },
    release() {
      budget.give(kept);
      kept = 0;
      chunks.length = 0;
      if (region !== null) pooled?.pool.free(region);
      region = null;
      filling = null;
    },
    get bytes() {
      return bytes;
    },
    get chunks() {
      return chunks.length;
    },
    get pooled() {
      return filling !== null;
    },
    get overLimit() {
      return bytes > limit;
    },
    body: joined,
    takeBody() {
      const body = joined();
      if (filling !== null) return body;
      chunks.length = 0;
      chunks.push(body);
      return body;
    },
  };
}
