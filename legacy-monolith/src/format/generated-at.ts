/**
 * `meta.generated_at` on list responses: when the response was built, in the legacy format with
 * microseconds ("2024-03-05 14:22:10.123456", what Python's `str(datetime.now())` printed in the shop's
 * first version). It changes on every response: it is the field a comparison must learn to ignore.
 */

/** Returns a clock whose readings are strictly increasing, so no two responses share a value. */
export function createGeneratedAtClock(
  nowMicros: () => number = () => Math.floor((performance.timeOrigin + performance.now()) * 1000),
): () => string {
  let last = 0;
  return () => {
    last = Math.max(nowMicros(), last + 1);
    const seconds = new Date(Math.floor(last / 1000)).toISOString().slice(0, 19).replace('T', ' ');
    return `${seconds}.${String(last % 1_000_000).padStart(6, '0')}`;
  };
}
