/**
 * Counters over a sliding time window, in a fixed ring of buckets: O(1) memory and time per call whatever
 * the traffic (no list of timestamps). The window moves one bucket at a time, so it covers between
 * `window - window / buckets` and `window` milliseconds of history.
 *
 * Time is injected (`now`, in milliseconds, from any monotonic clock). A clock that goes back is treated as
 * standing still, so counts are never lost or double counted.
 */

export interface RollingCounterOptions {
  /** Milliseconds of history. */
  readonly window: number;
  /** Ring size: the window's resolution (default 10). */
  readonly buckets?: number;
}

export interface RollingCounter<Field extends string> {
  add(now: number, field: Field, amount?: number): void;
  /** The field's sum over the window ending at `now`. */
  total(now: number, field: Field): number;
  clear(): void;
}

export function createRollingCounter<Field extends string>(
  fields: readonly Field[],
  options: RollingCounterOptions,
): RollingCounter<Field> {
  const size = options.buckets ?? 10;
  if (!Number.isInteger(size) || size < 1) throw new RangeError('buckets must be a positive integer');
  if (!(options.window > 0)) throw new RangeError('window must be positive');
  const width = options.window / size;
  const slot = new Map(fields.map((field, index) => [field, index]));
  // counts[f * size + b]: field f in ring bucket b.
  const counts = new Float64Array(fields.length * size);
  const totals = new Float64Array(fields.length);
  /** Absolute index (time / width) of the newest bucket. */
  let head = -Infinity;

  function advance(now: number): void {
    const current = Math.floor(now / width);
    if (current <= head) return;
    const stale = head === -Infinity ? size : Math.min(current - head, size);
    for (let step = 1; step <= stale; step++) {
      const bucket = (((current - stale + step) % size) + size) % size;
      for (let f = 0; f < fields.length; f++) {
        totals[f]! -= counts[f * size + bucket]!;
        counts[f * size + bucket] = 0;
      }
    }
    head = current;
  }

  function indexOf(field: Field): number {
    const index = slot.get(field);
    if (index === undefined) throw new RangeError(`unknown field ${field}`);
    return index;
  }

  return {
    add(now, field, amount = 1) {
      advance(now);
      const f = indexOf(field);
      const bucket = ((head % size) + size) % size;
      counts[f * size + bucket]! += amount;
      totals[f]! += amount;
    },
    total(now, field) {
      advance(now);
      return totals[indexOf(field)]!;
    },
    clear() {
      counts.fill(0);
      totals.fill(0);
      head = -Infinity;
    },
  };
}
