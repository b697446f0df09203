/**
 * Keeps a bounded copy of a stream's chunks as they pass by. It only holds references to the chunks the
 * stream already allocated (no copying until the end) and stops keeping them past its limit.
 */
export interface BodyCapture {
  push(chunk: Buffer): void;
  /** Bytes seen, kept or not. */
  readonly bytes: number;
  readonly overLimit: boolean;
  /** The kept bytes (the first `limit` bytes when over the limit). */
  body(): Buffer;
}

export function createBodyCapture(limit: number): BodyCapture {
  const chunks: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  return {
    push(chunk) {
      bytes += chunk.length;
      if (kept >= limit) return;
      const room = limit - kept;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      chunks.push(part);
      kept += part.length;
    },
    get bytes() {
      return bytes;
    },
    get overLimit() {
      return bytes > limit;
    },
    body() {
      return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept);
    },
  };
}
