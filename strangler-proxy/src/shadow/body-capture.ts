/**
 * Keeps a bounded copy of a stream's chunks as they pass by. It only holds references to the chunks the
 * stream already allocated (no copying until the end) and stops keeping them past its limit.
 */
/** Bytes all captures in flight may hold together: the shadow path's memory bound. */
export interface ByteBudget {
  /** Takes `bytes` if they fit. */
  take(bytes: number): boolean;
  give(bytes: number): void;
  readonly used: number;
}

/** `limit` is read on every take, so a reload that changes it applies at once. */
export function createByteBudget(limit: () => number): ByteBudget {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > limit()) return false;
      used += bytes;
      return true;
    },
    give(bytes) {
      used -= bytes;
    },
    get used() {
      return used;
    },
  };
}

const USED = 0;
const LIMIT = 1;
const MAX_INT32 = 2 ** 31 - 1;

/**
 * A budget that the proxy's thread and the shadow worker share (one SharedArrayBuffer, atomic updates):
 * the mirrors' bytes are bounded together wherever they are held. The owner's `limit` is read on every
 * take there and published for the other thread, so a reload that changes it applies to both.
 */
export interface SharedByteBudget extends ByteBudget {
  readonly shared: SharedArrayBuffer;
}

export function createSharedByteBudget(limit: () => number): SharedByteBudget {
  const shared = new SharedArrayBuffer(8);
  const cells = new Int32Array(shared);
  const budget = joinSharedByteBudget(shared);
  Atomics.store(cells, LIMIT, Math.min(limit(), MAX_INT32));
  return {
    shared,
    take(bytes) {
      Atomics.store(cells, LIMIT, Math.min(limit(), MAX_INT32));
      return budget.take(bytes);
    },
    give: (bytes) => budget.give(bytes),
    get used() {
      return budget.used;
    },
  };
}

/** The other thread's view of a shared budget (the limit is the one its owner published last). */
export function joinSharedByteBudget(shared: SharedArrayBuffer): ByteBudget {
  const cells = new Int32Array(shared);
  return {
    take(bytes) {
      if (bytes <= 0) return true;
      if (bytes > MAX_INT32) return false;
      const before = Atomics.add(cells, USED, bytes);
      if (before + bytes <= Atomics.load(cells, LIMIT)) return true;
      Atomics.sub(cells, USED, bytes);
      return false;
    },
    give(bytes) {
      if (bytes > 0) Atomics.sub(cells, USED, bytes);
    },
    get used() {
      return Atomics.load(cells, USED);
    },
  };
}

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
