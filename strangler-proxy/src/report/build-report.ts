/**
 * Builds the report from a results store: per route, the evidence over its window, a verdict, real
 * examples of each difference, and the migration's overall progress. Reads aggregates only; the store
 * sums in the database, so a report over weeks of traffic stays a handful of queries.
 */
import type { GateConfig, Stage } from '../config/schema.ts';
import { foldPath } from '../compare/json-path.ts';
import type { Side } from '../compare/verdict.ts';
import { SKIP_REASONS, type SkipReason } from '../store/types.ts';
import {
  BUCKET_MS,
  UNMATCHED_ROUTE_ID,
  type ComparisonTotals,
  type DiffTotals,
  type LatencySource,
  type LatencyTotals,
  type ResultStore,
  type ServedTotals,
  type SkipTotals,
  type StoredRouteEvent,
  type StoredSample,
  type TimelineCounts,
} from '../store/result-store.ts';
import { quantileFromBins } from '../store/latency-histogram.ts';
import { decideVerdict, DEFAULT_GATE } from './route-verdict.ts';
import {
  REPORT_VERSION,
  type DiffEntry,
  type DiffExample,
  type Percentiles,
  type Progress,
  type Report,
  type RouteReport,
  type TimelinePoint,
} from './report-model.ts';

/** What the report needs of a route's config (loaded, frozen routes fit). */
export interface ReportRoute {
  readonly id: string;
  readonly stage: Stage;
  readonly plan?: { readonly gate: Readonly<GateConfig> };
}

export interface BuildReportOptions {
  /** Start of the evidence window, epoch ms. Default: each route's `plan.gate.window` before `until`. */
  readonly since?: number;
  /** End of the window (exclusive), epoch ms. Default: `now`. */
  readonly until?: number;
  /** Only this route. */
  readonly routeId?: string;
  /** Routes from routes.yaml: stages and gates. Without them, the routes the store has seen are reported. */
  readonly routes?: readonly ReportRoute[];
  /** Epoch ms. Default: `Date.now()`. */
  readonly now?: number;
  /** Differences listed per route at most. Default 50. */
  readonly maxDiffs?: number;
  /** Unmatched path templates listed at most. Default 20. */
  readonly maxUnmatched?: number;
  /** Points of each route's timeline at most. Default 48. */
  readonly timelinePoints?: number;
  /** Told what is being read, for a progress line. */
  readonly onProgress?: (step: string) => void;
}

const NICE_STEPS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1_440, 2_880, 10_080];

/** Builds the report. See `docs/report-format.md` for the contract. */
export async function buildReport(store: ResultStore, options: BuildReportOptions = {}): Promise<Report> {
  const now = options.now ?? Date.now();
  const until = options.until ?? now;
  const progress = options.onProgress ?? (() => undefined);
  const routeFilter = options.routeId;

  progress('reading routes');
  const configured = options.routes?.filter((route) => routeFilter === undefined || route.id === routeFilter);
  const seen = await store.routes(routeFilter === undefined ? {} : { routeId: routeFilter });
  const seenStage = new Map(seen.map((row) => [row.routeId, row.stage]));

  const gateOf = (id: string) => configured?.find((route) => route.id === id)?.plan?.gate ?? DEFAULT_GATE;
  const sinceOf = (id: string) => options.since ?? until - gateOf(id).window;

  // Routes whose windows start at the same time are read together (usually all of them).
  const windows = new Map<number, WindowData>();
  const readWindow = async (since: number): Promise<WindowData> => {
    let data = windows.get(since);
    if (!data) {
      progress(`reading evidence since ${new Date(since).toISOString()}`);
      data = await readWindowData(
        store,
        { since, until, routeId: routeFilter },
        options.timelinePoints ?? 48,
      );
      windows.set(since, data);
    }
    return data;
  };

  // Without a routes file, report every route that left a trace in the default window.
  let ids: string[];
  if (configured) {
    ids = configured.map((route) => route.id);
  } else {
    const data = await readWindow(sinceOf(''));
    const traced = [
      ...seen.map((row) => row.routeId),
      ...data.comparisons.map((row) => row.routeId),
      ...data.skips.map((row) => row.routeId),
      ...data.served.map((row) => row.routeId),
    ].filter((id) => id !== UNMATCHED_ROUTE_ID);
    ids = [...new Set(traced)].sort();
  }

  progress('reading samples and noise');
  const [samples, noise] = await Promise.all([
    store.samples(routeFilter === undefined ? {} : { routeId: routeFilter }),
    store.noise(routeFilter === undefined ? {} : { routeId: routeFilter }),
  ]);

  const routes: RouteReport[] = [];
  for (const id of ids) {
    const since = sinceOf(id);
    const data = await readWindow(since);
    const stage = configured?.find((route) => route.id === id)?.stage ?? seenStage.get(id) ?? null;
    routes.push(
      routeReport(id, stage, since, gateOf(id), data, {
        samples: samples.filter((sample) => sample.routeId === id),
        noisy: noise.filter((row) => row.routeId === id).map((row) => row.path),
        maxDiffs: options.maxDiffs ?? 50,
      }),
    );
  }

  const earliest = Math.min(
    options.since ?? until - DEFAULT_GATE.window,
    ...routes.map((r) => Date.parse(r.since)),
  );
  progress('reading overall progress');
  const overall = await readProgress(store, { since: earliest, until }, routes, options.maxUnmatched ?? 20);

  return {
    version: REPORT_VERSION,
    generatedAt: new Date(now).toISOString(),
    since: new Date(earliest).toISOString(),
    until: new Date(until).toISOString(),
    routes,
    progress: overall,
  };
}

interface WindowData {
  readonly comparisons: ComparisonTotals[];
  readonly diffs: DiffTotals[];
  readonly latency: LatencyTotals[];
  readonly skips: SkipTotals[];
  readonly served: ServedTotals[];
  readonly events: StoredRouteEvent[];
  readonly timeline: TimelineCounts[];
  /** Timeline periods, evenly spaced, covering the window. */
  readonly periods: readonly number[];
}

async function readWindowData(
  store: ResultStore,
  window: { since: number; until: number; routeId: string | undefined },
  points: number,
): Promise<WindowData> {
  const query = {
    since: window.since,
    until: window.until,
    ...(window.routeId ? { routeId: window.routeId } : {}),
  };
  const start = await firstActivity(store, query);
  const step = niceStep((window.until - start) / Math.max(1, points));
  const first = start - (start % step);
  const periods: number[] = [];
  for (let at = first; at < window.until; at += step) periods.push(at);
  const [comparisons, diffs, latency, skips, served, events, timeline] = await Promise.all([
    store.comparisons(query),
    store.diffs(query),
    store.latency(query),
    store.skips(query),
    store.served(query),
    store.events(query),
    store.timeline({ ...query, since: start, step }),
  ]);
  return { comparisons, diffs, latency, skips, served, events, timeline, periods };
}

/**
 * Where a timeline should start: the window's start, or the first period with comparisons when the
 * evidence begins later (a 24-hour window over a route shadowed for an hour), so the chart does not spend
 * its width on emptiness.
 */
async function firstActivity(
  store: ResultStore,
  query: { since: number; until: number; routeId?: string },
): Promise<number> {
  const coarse = niceStep((query.until - query.since) / 24);
  const periods = await store.timeline({ ...query, step: coarse });
  const first = Math.min(...periods.filter((row) => row.compared > 0).map((row) => row.at));
  return Number.isFinite(first) ? Math.max(query.since, first) : query.since;
}

function niceStep(rawMs: number): number {
  const minutes = NICE_STEPS_MINUTES.find((step) => step * BUCKET_MS >= rawMs);
  return (minutes ?? Math.ceil(rawMs / (10_080 * BUCKET_MS)) * 10_080) * BUCKET_MS;
}

function routeReport(
  id: string,
  stage: Stage | null,
  since: number,
  gate: Readonly<GateConfig>,
  data: WindowData,
  extra: { samples: readonly StoredSample[]; noisy: readonly string[]; maxDiffs: number },
): RouteReport {
  const totals = data.comparisons.find((row) => row.routeId === id) ?? {
    compared: 0,
    matched: 0,
    mismatched: 0,
    errors: 0,
    legacyErrors: 0,
    serviceErrors: 0,
  };
  const { compared, matched, mismatched, errors, legacyErrors, serviceErrors } = totals;
  const limits = {
    minCompared: gate.minCompared,
    maxMismatchRate: gate.maxMismatchRate,
    maxErrorRate: gate.maxErrorRate,
    maxLatencyRatio: gate.maxLatencyRatio,
  };
  const allDiffs = data.diffs.filter((row) => row.routeId === id);
  const served = (side: Side) => {
    const row = data.served.find((r) => r.routeId === id && r.side === side);
    return { requests: row?.requests ?? 0, errors: row?.errors ?? 0, fallbacks: row?.fallbacks ?? 0 };
  };
  const pairLatency = {
    legacy: percentiles(data.latency, id, 'shadow', 'legacy'),
    service: percentiles(data.latency, id, 'shadow', 'service'),
  };
  const legacyServed = served('legacy');
  const serviceServed = served('service');
  const skipped = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  for (const row of data.skips) if (row.routeId === id) skipped[row.reason] = row.count;

  return {
    id,
    stage,
    since: new Date(since).toISOString(),
    compared,
    matched,
    mismatched,
    errors,
    legacyErrors,
    serviceErrors,
    mismatchRate: compared === 0 ? null : mismatched / compared,
    errorRate: compared === 0 ? null : errors / compared,
    noisy: extra.noisy,
    diffs: allDiffs.slice(0, extra.maxDiffs).map((row) => diffEntry(row, extra.samples)),
    moreDiffs: Math.max(0, allDiffs.length - extra.maxDiffs),
    latency: pairLatency,
    servedLatency: {
      legacy: percentiles(data.latency, id, 'served', 'legacy'),
      service: percentiles(data.latency, id, 'served', 'service'),
    },
    skipped,
    served: {
      legacy: { requests: legacyServed.requests, errors: legacyServed.errors },
      service: { requests: serviceServed.requests, errors: serviceServed.errors },
      fallbacks: legacyServed.fallbacks + serviceServed.fallbacks,
    },
    timeline: timeline(data, id),
    events: data.events
      .filter((event) => event.routeId === id)
      .map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, detail: event.detail })),
    ...decideVerdict(
      { ...totals, legacyP95: pairLatency.legacy.p95, serviceP95: pairLatency.service.p95 },
      limits,
    ),
    gate: limits,
  };
}

function diffEntry(row: DiffTotals, samples: readonly StoredSample[]): DiffEntry {
  let example: StoredSample | undefined;
  for (const sample of samples) {
    const shows = sample.differences.some((d) => d.kind === row.kind && foldPath(d.path) === row.path);
    if (shows && (!example || sample.at > example.at)) example = sample; // the latest one
  }
  return { path: row.path, kind: row.kind, count: row.count, example: example ? exampleOf(example) : null };
}

function exampleOf(sample: StoredSample): DiffExample {
  return {
    at: new Date(sample.at).toISOString(),
    signature: sample.signature,
    request: sample.request,
    legacy: sample.legacy,
    service: sample.service,
    differences: sample.differences,
  };
}

function percentiles(
  rows: readonly LatencyTotals[],
  id: string,
  source: LatencySource,
  side: Side,
): Percentiles {
  const bins = new Map<number, number>();
  for (const row of rows) {
    if (row.routeId === id && row.source === source && row.side === side) bins.set(row.bin, row.count);
  }
  return { p50: quantileFromBins(bins, 0.5), p95: quantileFromBins(bins, 0.95) };
}

function timeline(data: WindowData, id: string): TimelinePoint[] {
  const byPeriod = new Map(data.timeline.filter((row) => row.routeId === id).map((row) => [row.at, row]));
  return data.periods.map((at) => ({
    at: new Date(at).toISOString(),
    compared: byPeriod.get(at)?.compared ?? 0,
    mismatched: byPeriod.get(at)?.mismatched ?? 0,
  }));
}

async function readProgress(
  store: ResultStore,
  window: { since: number; until: number },
  routes: readonly RouteReport[],
  maxUnmatched: number,
): Promise<Progress> {
  const [served, unmatched, events] = await Promise.all([
    store.served(window),
    store.unmatched({ ...window, limit: maxUnmatched }),
    store.events(window),
  ]);
  const stages = { legacy: 0, shadow: 0, canary: 0, migrated: 0, unknown: 0 };
  const verdicts = { ready: 0, insufficient_evidence: 0, mismatching: 0, slower: 0 };
  for (const route of routes) {
    stages[route.stage ?? 'unknown']++;
    verdicts[route.verdict]++;
  }
  const legacy = served.filter((row) => row.side === 'legacy').reduce((sum, row) => sum + row.requests, 0);
  const service = served.filter((row) => row.side === 'service').reduce((sum, row) => sum + row.requests, 0);
  const requests = legacy + service;
  return {
    routes: { total: routes.length, ...stages },
    verdicts,
    traffic: { requests, legacy, service, serviceShare: requests === 0 ? null : service / requests },
    unmatched,
    events: events
      .filter((event) => event.routeId === null)
      .map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, detail: event.detail })),
  };
}
