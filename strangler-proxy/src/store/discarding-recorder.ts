/**
 * A recorder that keeps nothing (`--store none`, or a proxy started without one): the proxy still
 * routes, mirrors and counts in metrics.
 */
import type { ResultRecorder } from './types.ts';

export const discardingRecorder: ResultRecorder = Object.freeze({
  recordComparison: () => undefined,
  recordSkip: () => undefined,
  recordNoise: () => undefined,
  recordNoiseProbe: () => undefined,
  recordServed: () => undefined,
  recordUnmatched: () => undefined,
  recordEvent: () => undefined,
  recordDecision: () => undefined,
  recordCorrelations: () => undefined,
  recordSync: () => undefined,
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
});
