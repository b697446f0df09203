/**
 * `meta.generated_at` on list responses. Kept for clients that read it, in the monolith's format
 * ("2024-03-05 14:22:10.123456"), and like the monolith's it is the time the response was built: it
 * differs between any two responses, so a comparison treats it as noise, not as a difference.
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
