/**
 * `meta.generated_at` on the order list, in the monolith's format with microseconds. Like the monolith's,
 * it is the time the response was built and differs between any two responses: noise to a comparison.
 */
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
