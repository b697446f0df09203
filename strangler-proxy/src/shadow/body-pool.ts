/**
 * One shared region of memory for large mirrored request bodies, reused from body to body.
 *
 * Without it every large body was copied into a buffer of its own and moved to the shadow worker, where it
 * waited for that thread's garbage collector: under 1 MB bodies the copies alone kept tens of megabytes
 * alive after use. A region of the pool is a view of one SharedArrayBuffer, so it reaches the worker
 * without a copy or a move, and it is given back when the mirror is done with it.
 *
 * Regions are handed out lowest address first, so the pages the pool touches (its resident size) follow
 * the most bodies held at once, not the pool's capacity. Only the serving thread reserves and frees.
 *
 * A region is given back when its mirror has its answer. A shadow service that answers before it has read
 * the whole body, and keeps the connection, may read the unsent rest after that, from memory that holds a
 * later body by then; it discards those bytes (its answer is sent), and the byte count, so the framing of
 * the connection, is unchanged.
 */
export interface BodyPool {
  /** A region of exactly `bytes` bytes, or null when no free run is that long (the caller copies elsewhere). */
  reserve(bytes: number): Buffer | null;
  /** Gives a region back; a buffer that is not a reserved region of this pool is ignored. */
  free(region: Buffer): void;
  /** Bytes reserved now. */
  readonly reserved: number;
}

interface FreeRun {
  start: number;
  end: number;
}

/** Region starts are aligned to this, so neighbours never share a cache line. */
const ALIGN = 64;

export function createBodyPool(capacity: number): BodyPool {
  let memory: SharedArrayBuffer | null = null;
  /** Free runs, sorted by start, never adjacent (merged on free). */
  const free: FreeRun[] = [{ start: 0, end: capacity }];
  /** Reserved regions: start → length as reserved (aligned). */
  const reserved = new Map<number, number>();

  return {
    get reserved() {
      let bytes = 0;
      for (const size of reserved.values()) bytes += size;
      return bytes;
    },
    reserve(bytes) {
      if (bytes <= 0) return null;
      const index = free.findIndex((run) => run.end - run.start >= bytes);
      const run = free[index];
      if (run === undefined) return null;
      // Padded to the alignment, except at the pool's end.
      const size = Math.min(Math.ceil(bytes / ALIGN) * ALIGN, run.end - run.start);
      const start = run.start;
      run.start += size;
      if (run.start === run.end) free.splice(index, 1);
      reserved.set(start, size);
      // Allocated on first use: a proxy that never mirrors a large body never holds the pool.
      memory ??= new SharedArrayBuffer(capacity);
      return Buffer.from(memory, start, bytes);
    },
    free(region) {
      if (memory === null || region.buffer !== memory) return;
      const start = region.byteOffset;
      const size = reserved.get(start);
      if (size === undefined) return;
      reserved.delete(start);
      const end = start + size;
      let index = free.findIndex((run) => run.start > start);
      if (index === -1) index = free.length;
      const before = free[index - 1];
      const after = free[index];
      if (before !== undefined && before.end === start) {
        before.end = end;
        if (after !== undefined && after.start === end) {
          before.end = after.end;
          free.splice(index, 1);
        }
      } else if (after !== undefined && after.start === end) {
        after.start = start;
      } else {
        free.splice(index, 0, { start, end });
      }
    },
  };
}
