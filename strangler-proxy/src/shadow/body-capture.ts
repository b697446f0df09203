/**
 * Keeps a bounded copy of a stream's chunks as they pass by. It only holds references to the chunks the
 * stream already allocated (no copying until the end) and stops keeping them past its limit.
 */
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
  /**
   * The kept bytes as one buffer, letting go of the chunks (they can be collected while the buffer is
   * still in use elsewhere). The bytes stay counted in the budget until `release()`.
   */
  takeBody(): Buffer;
  /** Gives the kept bytes back to the budget (once the copy is no longer needed). */
  release(): void;
}

export function createBodyCapture(limit: number, budget: ByteBudget = UNLIMITED): BodyCapture {
  const chunks: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  let overBudget = false;
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
      chunks.push(part);
      kept += part.length;
    },
    get overBudget() {
      return overBudget;
    },
    release() {
      budget.give(kept);
      kept = 0;
      chunks.length = 0;
    },
    get bytes() {
      return bytes;
    },
    get chunks() {
      return chunks.length;
    },
    get overLimit() {
      return bytes > limit;
    },
    body() {
      return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept);
    },
    takeBody() {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept);
      chunks.length = 0;
      chunks.push(body);
      return body;
    },
  };
}
