/**
 * The identifiers of records created on both sides, legacy value ↔ service value, learned from the answers
 * to mirrored writes (`shadow.correlate`). Bounded: at capacity the pair used least recently is forgotten.
 * Values are keyed by their text, so the segment `/articles/17` finds the number `17`.
 */
import type { Correspondence, Identifier } from '../compare/correspondence.ts';

/** One learned pair, as stored. */
export interface CorrelationPair {
  readonly legacy: Identifier;
  readonly service: Identifier;
  /** Epoch ms when learned. */
  readonly at: number;
}

export type LearnOutcome = 'added' | 'known' | 'replaced';

export interface CorrelationMap extends Correspondence {
  readonly size: number;
  readonly capacity: number;
  /** Adds a pair (or refreshes it); says whether it was new. May forget the least recently used pair. */
  learn(pair: CorrelationPair): LearnOutcome;
  /** The service's identifier for a legacy one (by text), or undefined. */
  toService(legacy: string): Identifier | undefined;
  /** The legacy identifier for a service one (by text), or undefined. */
  toLegacy(service: string): Identifier | undefined;
  /** Pairs forgotten because the map was full, since it was made. */
  readonly evicted: number;
  /** Every pair, least recently used first. */
  pairs(): CorrelationPair[];
}

export function createCorrelationMap(
  capacity: number,
  seed: readonly CorrelationPair[] = [],
): CorrelationMap {
  // A Map iterates in insertion order: deleting and re-inserting on use keeps the oldest first.
  const byLegacy = new Map<string, CorrelationPair>();
  const byService = new Map<string, CorrelationPair>();
  let evicted = 0;

  const touch = (key: string, pair: CorrelationPair) => {
    byLegacy.delete(key);
    byLegacy.set(key, pair);
  };

  const forget = (pair: CorrelationPair) => {
    byLegacy.delete(String(pair.legacy));
    if (byService.get(String(pair.service)) === pair) byService.delete(String(pair.service));
  };

  const map: CorrelationMap = {
    get size() {
      return byLegacy.size;
    },
    capacity,
    get evicted() {
      return evicted;
    },
    learn(pair) {
      const key = String(pair.legacy);
      const existing = byLegacy.get(key);
      if (existing !== undefined && String(existing.service) === String(pair.service)) {
        touch(key, existing);
        return 'known';
      }
      if (existing !== undefined) forget(existing);
      const stale = byService.get(String(pair.service));
      if (stale !== undefined) forget(stale);
      byLegacy.set(key, pair);
      byService.set(String(pair.service), pair);
      while (byLegacy.size > capacity) {
        const oldest = byLegacy.values().next().value as CorrelationPair;
        forget(oldest);
        evicted += 1;
      }
      return existing === undefined ? 'added' : 'replaced';
    },
    toService(legacy) {
      const pair = byLegacy.get(legacy);
      if (pair !== undefined) touch(legacy, pair);
      return pair?.service;
    },
    toLegacy(service) {
      const pair = byService.get(service);
      if (pair !== undefined) touch(String(pair.legacy), pair);
      return pair?.legacy;
    },
    corresponds(legacy, service) {
      const pair = byLegacy.get(String(legacy));
      return pair !== undefined && String(pair.service) === String(service);
    },
    pairs: () => [...byLegacy.values()],
  };
  for (const pair of seed) map.learn(pair);
  return map;
}
