/**
 * Stable buckets for percentage splits: a sticky key is hashed with FNV-1a (seeded by route and purpose) and
 * a murmur3 finaliser into one of {@link BUCKETS} buckets. A request is "in" a split of `percent` when its
 * bucket is below `percent × 100`, so a user's side never changes while the percentage stays, and the cohort
 * only grows when it rises (whoever is in at 10 % is in at 25 %).
 */

/** Buckets per split: a resolution of 0.01 %. */
export const BUCKETS = 10_000;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The hash state after a split's salt, computed once per split. The salt is the route id for the canary
 * split and `<route id>#shadow` for the mirror sample ({@link shadowSalt}): the two are independent, and two
 * routes split the same users differently. A NUL separates salt and key.
 */
export function createBucketSeed(salt: string): number {
  return fnv1a(fnv1a(FNV_OFFSET, salt), '\u0000');
}

/** The salt of a route's mirror sample (`#` cannot occur in route ids). */
export function shadowSalt(routeId: string): string {
  return `${routeId}#shadow`;
}

/** The bucket of a sticky key, in [0, {@link BUCKETS}). Pure and stable across processes and versions. */
export function bucketOf(seed: number, key: string): number {
  return fmix32(fnv1a(seed, key)) % BUCKETS;
}

/** A per-request bucket when there is no sticky key. */
export function randomBucket(random: () => number): number {
  return Math.min(BUCKETS - 1, Math.floor(random() * BUCKETS));
}

/** Whether a bucket falls inside a split of `percent` (0–100). */
export function isInSplit(bucket: number, percent: number): boolean {
  return bucket < percent * 100;
}

/** FNV-1a over UTF-16 code units (one byte for ASCII, two for the rest), continuing from `hash`. */
function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h = Math.imul(h ^ (code & 0xff), FNV_PRIME);
    if (code > 0xff) h = Math.imul(h ^ (code >>> 8), FNV_PRIME);
  }
  return h >>> 0;
}

/** FNV's low bits are weak for short, similar keys (user-1, user-2, …): mix before taking the modulo. */
function fmix32(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
