/**
 * The order every {@link ResultStore} returns rows in. Sorting happens in JavaScript, by code point, so
 * the answer never depends on a database's collation.
 */
import type {
  ComparisonTotals,
  DiffTotals,
  LatencyTotals,
  NoiseProbeTotals,
  SignatureTotals,
  NoiseCount,
  RouteSeen,
  ServedTotals,
  SkipTotals,
  StoredCorrelation,
  StoredDecision,
  StoredRouteEvent,
  StoredSample,
  StoredSyncExample,
  SyncTotals,
  TimelineCounts,
  UnmatchedTotals,
} from './result-store.ts';

/** Code-point order of two strings. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const resultOrder = {
  routes: (a: RouteSeen, b: RouteSeen) => byText(a.routeId, b.routeId),
  comparisons: (a: ComparisonTotals, b: ComparisonTotals) => byText(a.routeId, b.routeId),
  timeline: (a: TimelineCounts, b: TimelineCounts) => byText(a.routeId, b.routeId) || a.at - b.at,
  latency: (a: LatencyTotals, b: LatencyTotals) =>
    byText(a.routeId, b.routeId) ||
    byText(a.source, b.source) ||
    byText(a.side, b.side) ||
    byText(a.scheme, b.scheme) ||
    a.bin - b.bin,
  noiseProbes: (a: NoiseProbeTotals, b: NoiseProbeTotals) => byText(a.routeId, b.routeId),
  diffs: (a: DiffTotals, b: DiffTotals) =>
    byText(a.routeId, b.routeId) || b.count - a.count || byText(a.path, b.path) || byText(a.kind, b.kind),
  signatures: (a: SignatureTotals, b: SignatureTotals) =>
    byText(a.routeId, b.routeId) || b.count - a.count || byText(a.signature, b.signature),
  skips: (a: SkipTotals, b: SkipTotals) => byText(a.routeId, b.routeId) || byText(a.reason, b.reason),
  served: (a: ServedTotals, b: ServedTotals) => byText(a.routeId, b.routeId) || byText(a.side, b.side),
  noise: (a: NoiseCount, b: NoiseCount) => byText(a.routeId, b.routeId) || byText(a.path, b.path),
  unmatched: (a: UnmatchedTotals, b: UnmatchedTotals) =>
    b.count - a.count || byText(a.template, b.template) || byText(a.method, b.method),
  samples: (a: StoredSample, b: StoredSample) =>
    byText(a.routeId, b.routeId) || byText(a.signature, b.signature) || a.at - b.at,
  events: (a: StoredRouteEvent, b: StoredRouteEvent) => a.at - b.at || byText(a.kind, b.kind),
  decisions: (a: StoredDecision, b: StoredDecision) =>
    a.at - b.at || byText(a.routeId, b.routeId) || byText(a.kind, b.kind),
  correlations: (a: StoredCorrelation, b: StoredCorrelation) =>
    a.at - b.at || byText(String(a.legacy), String(b.legacy)),
  sync: (a: SyncTotals, b: SyncTotals) => byText(a.routeId, b.routeId),
  syncExamples: (a: StoredSyncExample, b: StoredSyncExample) => byText(a.routeId, b.routeId) || a.at - b.at,
} as const;
