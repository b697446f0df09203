/**
 * The shadow path's memory bound: bytes that all mirrors in flight may hold together, counted in one
 * SharedArrayBuffer so that captures on the serving thread and in the shadow worker share it.
 */
export interface ByteBudget {
  /** Takes `bytes` if they fit. */
  take(bytes: number): boolean;
  give(bytes: number): void;
  readonly used: number;
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
