/**
 * Builds the report from a results store: per route, the evidence over its window, a verdict, real
 * examples of each difference, and the migration's overall progress. Reads aggregates only; the store
 * sums in the database, so a report over weeks of traffic stays a handful of queries.
 */
import type { GateConfig, Stage } from '../config/schema.ts';
import { foldPath } from '../compare/json-path.ts';
import type { Side } from '../config/side.ts';
import { SKIP_REASONS, type SkipReason } from '../store/types.ts';
import {
  BUCKET_MS,
  UNMATCHED_ROUTE_ID,
  type ComparisonTotals,
  type DiffTotals,
  type NoiseProbeTotals,
  type LatencyTotals,
  type ResultReader,
  type ServedTotals,
  type SignatureTotals,
  type SkipTotals,
  type StoredRouteEvent,
  type StoredSyncExample,
  type SyncTotals,
  type StoredSample,
  type TimelineCounts,
  noComparisons,
} from '../store/result-store.ts';
import { pairedLatency, percentiles } from './latency-figures.ts';
import { rootCauseHints } from './root-cause-hints.ts';
import { discountNoise } from './discount-noise.ts';
import { reportVerdict, DEFAULT_GATE, DEFAULT_MIN_STEP_DURATION, DEFAULT_STEPS } from './route-verdict.ts';
import { evidenceFromReport, minimumPairs } from '../promote/gate.ts';
import { positionOf } from '../promote/plan.ts';
import { ROUTE_VERDICTS } from '../promote/decide-route.ts';
import {
  REPORT_VERSION,
  type DiffEntry,
  type DiffExample,
  type Progress,
  type Report,
  type RouteReport,
  type TimelinePoint,
} from './report-model.ts';

/** What the report needs of a route's config (loaded, frozen routes fit). */
export interface ReportRoute {
  readonly id: string;
  readonly stage: Stage;
  readonly canary?: { readonly percent: number } | undefined;
  readonly plan?: {
    readonly gate: Readonly<GateConfig>;
    readonly steps?: readonly number[];
    readonly minStepDuration?: number;
  };
}

export interface BuildReportOptions {
  /** Start of the evidence window, epoch ms. Default: each route's `plan.gate.window` before `until`. */
  readonly since?: number;
  /** End of the window (exclusive), epoch ms. Default: `now`. */
  readonly until?: number;
  /** Only this route. */
  readonly routeId?: string;
  /** The store's name as the reader should see it, credentials redacted. */
  readonly store?: string;
  /** The routes file read, for the reader (`routes.yaml`). */
  readonly routesFile?: string;
  /** Routes from routes.yaml: stages and gates. Without them, the routes the store has seen are reported. */
  readonly routes?: readonly ReportRoute[];
  /**
   * Each route's current revision (`currentRevisions`): only its evidence counts, and the report says how
   * much earlier evidence it left out. Routes not in the map (or no map: `--revision all`) count every
   * revision.
   */
  readonly revisions?: ReadonlyMap<string, string>;
  /** Epoch ms. Default: `Date.now()`. */
  readonly now?: number;
  /** Differences listed per route at most. Default 50. */
  readonly maxDiffs?: number;
  /** Unmatched path templates listed at most. Default 20. */
  readonly maxUnmatched?: number;
  /** Points of each route's timeline at most. Default 48; 0 reads none (verdicts need no timeline). */
  readonly timelinePoints?: number;
  /** Told what is being read, for a progress line. */
  readonly onProgress?: (step: string) => void;
}

/** How far back the pace of a hold's ETA is measured. */
const PACE_WINDOW_MS = 60 * BUCKET_MS;

const NICE_STEPS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1_440, 2_880, 10_080];

/** Builds the report. See `docs/report-format.md` for the contract. */
export async function buildReport(store: ResultReader, options: BuildReportOptions = {}): Promise<Report> {
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
    const traced = [...seen.map((row) => row.routeId), ...tracedIds(data)].filter(
      (id) => id !== UNMATCHED_ROUTE_ID,
    );
    ids = [...new Set(traced)].sort();
  }

  progress('reading samples and noise');
  const [samples, noise] = await Promise.all([
    store.samples(routeFilter === undefined ? {} : { routeId: routeFilter }),
    store.noise(routeFilter === undefined ? {} : { routeId: routeFilter }),
  ]);

  // Routes counted at their current revision are read together, per window start.
  const points = options.timelinePoints ?? 48;
  const revised = new Map<string, WindowData>();
  for (const since of new Set(ids.map(sinceOf))) {
    const everything = await readWindow(since);
    const current = new Map<string, string>();
    for (const id of ids) {
      const revision = options.revisions?.get(id);
      if (sinceOf(id) === since && revision !== undefined) current.set(id, revision);
    }
    if (current.size === 0) continue;
    const read = await readRevisedWindows(store, { since, until }, current, points, everything);
    for (const [id, data] of read) revised.set(id, data);
  }

  const routes: RouteReport[] = [];
  for (const id of ids) {
    const since = sinceOf(id);
    const everything = await readWindow(since);
    const revision = options.revisions?.get(id);
    const data = revised.get(id) ?? everything;
    const config = configured?.find((route) => route.id === id);
    const stage = config?.stage ?? seenStage.get(id) ?? null;
    routes.push(
      routeReport(id, stage, since, gateOf(id), data, {
        revision: revision ?? null,
        leftOut: leftOut(everything, data, id),
        canary: config?.canary,
        steps: config?.plan?.steps ?? DEFAULT_STEPS,
        minStepDuration: config?.plan?.minStepDuration ?? DEFAULT_MIN_STEP_DURATION,
        until,
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
    store: options.store ?? null,
    routesFile: options.routesFile ?? null,
    routes,
    unlistedRoutes: unlisted(
      [...seen.map((row) => row.routeId), ...[...windows.values()].flatMap(tracedIds)],
      options.routes,
    ),
    progress: overall,
  };
}

/** The routes a window's evidence names. */
function tracedIds(data: WindowData): string[] {
  return [...data.comparisons, ...data.skips, ...data.served].map((row) => row.routeId);
}

/** Routes the store has traces of that the routes file lacks (renamed or removed): none without a file. */
function unlisted(traced: readonly string[], routes: readonly ReportRoute[] | undefined): string[] {
  if (routes === undefined) return [];
  const listed = new Set(routes.map((route) => route.id));
  const ids = traced.filter((id) => id !== UNMATCHED_ROUTE_ID && !listed.has(id));
  return [...new Set(ids)].sort();
}

interface WindowData {
  readonly comparisons: ComparisonTotals[];
  readonly diffs: DiffTotals[];
  readonly signatures: SignatureTotals[];
  readonly latency: LatencyTotals[];
  readonly noiseProbes: NoiseProbeTotals[];
  readonly skips: SkipTotals[];
  readonly served: ServedTotals[];
  readonly events: StoredRouteEvent[];
  readonly timeline: TimelineCounts[];
  readonly sync: SyncTotals[];
  readonly syncExamples: StoredSyncExample[];
  /** Timeline periods, evenly spaced, covering the window. */
  readonly periods: readonly number[];
  /** The minute of the first compared pair, for one route's revision (its step's start); else null. */
  readonly firstPairAt: number | null;
  /** Comparisons and served requests over the last hour of activity, and how many minutes that is. */
  readonly recent: {
    readonly comparisons: ComparisonTotals[];
    readonly served: ServedTotals[];
    readonly minutes: number;
  };
}

async function readWindowData(
  store: ResultReader,
  window: { since: number; until: number; routeId: string | undefined },
  points: number,
): Promise<WindowData> {
  const query = {
    since: window.since,
    until: window.until,
    ...(window.routeId ? { routeId: window.routeId } : {}),
  };
  const { start } = await firstActivity(store, query);
  const step = niceStep((window.until - start) / Math.max(1, points));
  const recentSince = Math.max(start, window.until - PACE_WINDOW_MS);
  const recentQuery = { ...query, since: recentSince };
  const [
    comparisons,
    diffs,
    signatures,
    latency,
    skips,
    served,
    events,
    timeline,
    recentComparisons,
    recentServed,
    sync,
    syncExamples,
    noiseProbes,
  ] = await Promise.all([
    store.comparisons(query),
    store.diffs(query),
    store.signatures(query),
    store.latency(query),
    store.skips(query),
    store.served(query),
    store.events(query),
    points === 0 ? [] : store.timeline({ ...query, since: start, step }),
    store.comparisons(recentQuery),
    store.served(recentQuery),
    store.sync(query),
    store.syncExamples(window.routeId ? { routeId: window.routeId } : {}),
    store.noiseProbes(query),
  ]);
  return {
    comparisons,
    diffs,
    signatures,
    latency,
    noiseProbes,
    skips,
    served,
    events,
    timeline,
    periods: points === 0 ? [] : periodsOf(start, step, window.until),
    recent: {
      comparisons: recentComparisons,
      served: recentServed,
      minutes: recentMinutes(recentSince, window.until),
    },
    firstPairAt: null,
    sync,
    syncExamples,
  };
}

/**
 * Reads, for each route of `revisions`, the window's evidence of its revision: the same figures as a read
 * of that route and revision alone, in a number of queries that does not grow with the routes. Rows
 * without a revision (latency, signatures, skips, events) are taken from `unrevisioned`, the window read
 * for every revision. Routes share the rows they were read with; each route's figures are picked by id.
 */
async function readRevisedWindows(
  store: ResultReader,
  window: { since: number; until: number },
  revisions: ReadonlyMap<string, string>,
  points: number,
  unrevisioned: WindowData,
): Promise<Map<string, WindowData>> {
  const query = { since: window.since, until: window.until, revisions };
  const only = (ids: readonly string[]) => new Map(ids.map((id) => [id, revisions.get(id) ?? '']));
  const ids = [...revisions.keys()];
  const firsts = await firstActivities(store, query);
  const startOf = (id: string) => firsts.get(id)?.start ?? window.since;
  const stepOf = (id: string) => niceStep((window.until - startOf(id)) / Math.max(1, points));
  const recentSinceOf = (id: string) => Math.max(startOf(id), window.until - PACE_WINDOW_MS);
  // A timeline read from the window's start holds nothing more: before a route's first pair its counters
  // are all zero, and its periods start at that pair.
  const [comparisons, diffs, served, noiseProbes, timelines, recents] = await Promise.all([
    store.comparisons(query),
    store.diffs(query),
    store.served(query),
    store.noiseProbes(query),
    readPerGroup(ids, stepOf, (step, group) =>
      points === 0 ? Promise.resolve([]) : store.timeline({ ...query, revisions: only(group), step }),
    ),
    readPerGroup(ids, recentSinceOf, (since, group) => {
      const recent = { ...query, since, revisions: only(group) };
      return Promise.all([store.comparisons(recent), store.served(recent)]);
    }),
  ]);
  const windows = new Map<string, WindowData>();
  for (const id of ids) {
    const [recentComparisons, recentServed] = recents.get(id) ?? [[], []];
    windows.set(id, {
      comparisons,
      diffs,
      signatures: unrevisioned.signatures,
      latency: unrevisioned.latency,
      noiseProbes,
      skips: unrevisioned.skips,
      served,
      events: unrevisioned.events,
      sync: unrevisioned.sync,
      syncExamples: unrevisioned.syncExamples,
      timeline: timelines.get(id) ?? [],
      periods: points === 0 ? [] : periodsOf(startOf(id), stepOf(id), window.until),
      recent: {
        comparisons: recentComparisons,
        served: recentServed,
        minutes: recentMinutes(recentSinceOf(id), window.until),
      },
      // A revision's step starts at its first compared pair.
      firstPairAt: firsts.get(id)?.firstPairAt ?? null,
    });
  }
  return windows;
}

/** Reads once per distinct key of the ids (a step, a start), and gives each id its group's answer. */
async function readPerGroup<K, T>(
  ids: readonly string[],
  keyOf: (id: string) => K,
  read: (key: K, group: readonly string[]) => Promise<T>,
): Promise<Map<string, T>> {
  const groups = new Map<K, string[]>();
  for (const id of ids) groups.set(keyOf(id), [...(groups.get(keyOf(id)) ?? []), id]);
  const answers = new Map<string, T>();
  await Promise.all(
    [...groups].map(async ([key, group]) => {
      const answer = await read(key, group);
      for (const id of group) answers.set(id, answer);
    }),
  );
  return answers;
}

/** Timeline periods, evenly spaced, from the one `start` falls in to `until`. */
function periodsOf(start: number, step: number, until: number): number[] {
  const periods: number[] = [];
  for (let at = start - (start % step); at < until; at += step) periods.push(at);
  return periods;
}

/** At least a bucket: the store counts by the minute, so a younger window still holds a minute's worth. */
function recentMinutes(since: number, until: number): number {
  return Math.max(1, (until - since) / BUCKET_MS);
}

/**
 * Where a timeline should start: the window's start, or the minute of the first compared pair when the
 * evidence begins later (a 24-hour window over a route shadowed for an hour), so the chart does not spend
 * its width on emptiness. Also that minute itself (null without any pair).
 */
async function firstActivity(
  store: ResultReader,
  query: { since: number; until: number; routeId?: string },
): Promise<{ start: number; firstPairAt: number | null }> {
  const coarse = niceStep((query.until - query.since) / 24);
  const periods = await store.timeline({ ...query, step: coarse });
  const first = Math.min(...periods.filter((row) => row.compared > 0).map((row) => row.at));
  if (!Number.isFinite(first)) return { start: query.since, firstPairAt: null };
  // Then to the minute within that period: a run that began at 16:55 starts its chart there, not at 16:00.
  const minutes = await store.timeline({
    ...query,
    since: Math.max(query.since, first),
    until: Math.min(query.until, first + coarse),
    step: BUCKET_MS,
  });
  const firstMinute = Math.min(...minutes.filter((row) => row.compared > 0).map((row) => row.at));
  const firstPairAt = Number.isFinite(firstMinute) ? firstMinute : null;
  return { start: Math.max(query.since, firstPairAt ?? first), firstPairAt };
}

/** {@link firstActivity} of each route a `revisions` query lists, in a handful of reads. */
async function firstActivities(
  store: ResultReader,
  query: { since: number; until: number; revisions: ReadonlyMap<string, string> },
): Promise<Map<string, { start: number; firstPairAt: number | null }>> {
  const coarse = niceStep((query.until - query.since) / 24);
  const firstPeriod = new Map<string, number>();
  for (const row of await store.timeline({ ...query, step: coarse })) {
    if (row.compared > 0 && row.at < (firstPeriod.get(row.routeId) ?? Infinity)) {
      firstPeriod.set(row.routeId, row.at);
    }
  }
  const ids = [...firstPeriod.keys()];
  const minutes = await readPerGroup(
    ids,
    (id) => firstPeriod.get(id) ?? query.since,
    (first, group) =>
      store.timeline({
        ...query,
        revisions: new Map(group.map((id) => [id, query.revisions.get(id) ?? ''])),
        since: Math.max(query.since, first),
        until: Math.min(query.until, first + coarse),
        step: BUCKET_MS,
      }),
  );
  const firsts = new Map<string, { start: number; firstPairAt: number | null }>();
  for (const id of ids) {
    const rows = (minutes.get(id) ?? []).filter((row) => row.routeId === id && row.compared > 0);
    const firstMinute = Math.min(...rows.map((row) => row.at));
    const firstPairAt = Number.isFinite(firstMinute) ? firstMinute : null;
    firsts.set(id, {
      start: Math.max(query.since, firstPairAt ?? firstPeriod.get(id) ?? query.since),
      firstPairAt,
    });
  }
  return firsts;
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
  extra: {
    revision: string | null;
    leftOut: RouteReport['leftOut'];
    canary: { readonly percent: number } | undefined;
    steps: readonly number[];
    minStepDuration: number;
    until: number;
    samples: readonly StoredSample[];
    noisy: readonly string[];
    maxDiffs: number;
  },
): RouteReport {
  const recorded = data.comparisons.find((row) => row.routeId === id) ?? noComparisons();
  // Pairs counted before their only differences were learned to be noise count as matched now. Signature
  // counts are not kept per revision: never discount more than the revision's own mismatches.
  const discount = discountNoise(
    extra.noisy,
    data.signatures.filter((row) => row.routeId === id),
    data.diffs.filter((row) => row.routeId === id),
  );
  const discounted = Math.min(discount.pairs, recorded.mismatched);
  const totals = {
    ...recorded,
    matched: recorded.matched + discounted,
    mismatched: recorded.mismatched - discounted,
  };
  const { compared, matched, mismatched, errors, legacyErrors, serviceErrors } = totals;
  const limits = {
    minCompared: minimumPairs(gate),
    maxMismatchRate: gate.maxMismatchRate,
    maxErrorRate: gate.maxErrorRate,
    maxLatencyRatio: gate.maxLatencyRatio,
  };
  // The status difference first: every other difference of such a pair usually follows from it.
  const allDiffs = discount.diffs
    .slice()
    .sort((a, b) => Number(b.kind === 'status') - Number(a.kind === 'status'));
  const served = (side: Side) => {
    const row = data.served.find((r) => r.routeId === id && r.side === side);
    return { requests: row?.requests ?? 0, errors: row?.errors ?? 0, fallbacks: row?.fallbacks ?? 0 };
  };
  const pairLatency = {
    legacy: percentiles(data.latency, id, 'shadow', 'legacy'),
    service: percentiles(data.latency, id, 'shadow', 'service'),
  };
  const paired = pairedLatency(data.latency, id);
  const probes = data.noiseProbes.find((row) => row.routeId === id);
  const noiseBaseline = { probes: probes?.probes ?? 0, disagreed: probes?.disagreed ?? 0 };
  const legacyServed = served('legacy');
  const serviceServed = served('service');
  const skipped = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  for (const row of data.skips) if (row.routeId === id) skipped[row.reason] = row.count;

  const routeEvents = data.events.filter((event) => event.routeId === id);
  const figures = {
    compared,
    matched,
    mismatched,
    errors,
    legacyErrors,
    serviceErrors,
    latency: pairLatency,
    pairedLatency: paired,
    noiseBaseline,
    served: {
      legacy: { requests: legacyServed.requests, errors: legacyServed.errors },
      service: { requests: serviceServed.requests, errors: serviceServed.errors },
      fallbacks: legacyServed.fallbacks + serviceServed.fallbacks,
    },
    pacePerMinute: pace(data.recent, id),
    autoRollback: standingRollback(routeEvents),
    leftOut: extra.leftOut,
    stepDurationMs: data.firstPairAt === null ? null : Math.max(0, extra.until - data.firstPairAt),
  };
  const position = positionOf({ stage: stage ?? 'shadow', canary: extra.canary });
  return {
    id,
    stage,
    since: new Date(since).toISOString(),
    revision: extra.revision,
    ...figures,
    matched,
    mismatched,
    errors,
    legacyErrors,
    serviceErrors,
    mismatchRate: compared === 0 ? null : mismatched / compared,
    errorRate: compared === 0 ? null : errors / compared,
    noisy: extra.noisy,
    noiseDiscounted: discounted,
    diffs: allDiffs.slice(0, extra.maxDiffs).map((row) => diffEntry(row, extra.samples)),
    moreDiffs: Math.max(0, allDiffs.length - extra.maxDiffs),
    hints: rootCauseHints({ compared, errors, diffs: allDiffs, samples: extra.samples }),
    latency: pairLatency,
    servedLatency: {
      legacy: percentiles(data.latency, id, 'served', 'legacy'),
      service: percentiles(data.latency, id, 'served', 'service'),
    },
    skipped,
    timeline: timeline(data, id),
    events: routeEvents.map((event) => ({
      at: new Date(event.at).toISOString(),
      kind: event.kind,
      detail: event.detail,
    })),
    ...reportVerdict(position, extra.steps, gate, evidenceFromReport(figures), extra.minStepDuration),
    gate: limits,
    sync: syncReport(data, id),
  };
}

/** The route's read-after-write figures and its first out-of-sync examples. */
function syncReport(data: WindowData, id: string): RouteReport['sync'] {
  const row = data.sync.find((r) => r.routeId === id);
  return {
    checked: row?.checked ?? 0,
    inSync: row?.inSync ?? 0,
    outOfSync: row?.outOfSync ?? 0,
    skipped: row?.skipped ?? 0,
    examples: data.syncExamples
      .filter((example) => example.routeId === id)
      .map((example) => ({
        at: new Date(example.at).toISOString(),
        read: example.read,
        legacyStatus: example.legacyStatus,
        serviceStatus: example.serviceStatus,
        differences: example.differences,
      })),
  };
}

/** Evidence of the route in the window that `data` leaves out (other revisions than the one counted). */
function leftOut(everything: WindowData, data: WindowData, id: string): RouteReport['leftOut'] {
  const compared = (window: WindowData) =>
    window.comparisons.find((row) => row.routeId === id)?.compared ?? 0;
  const served = (window: WindowData) =>
    window.served.filter((row) => row.routeId === id).reduce((sum, row) => sum + row.requests, 0);
  return {
    compared: compared(everything) - compared(data),
    served: served(everything) - served(data),
  };
}

/** Observations per minute lately: pairs compared and requests the service served (and fell back from). */
function pace(recent: WindowData['recent'], id: string): number | null {
  const pairs = recent.comparisons.find((row) => row.routeId === id)?.compared ?? 0;
  const served = recent.served
    .filter((row) => row.routeId === id)
    .reduce((sum, row) => sum + (row.side === 'service' ? row.requests : 0) + row.fallbacks, 0);
  const observations = pairs + served;
  return observations === 0 ? null : observations / recent.minutes;
}

/** The proxy's last rollback of the route, unless a later change of the route cleared it. */
function standingRollback(events: readonly StoredRouteEvent[]): { at: string; detail: string } | null {
  const last = events.findLast(
    (event) => event.kind === 'auto_rollback' || event.kind === 'auto_rollback_cleared',
  );
  return last?.kind === 'auto_rollback' ? { at: new Date(last.at).toISOString(), detail: last.detail } : null;
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

function timeline(data: WindowData, id: string): TimelinePoint[] {
  const byPeriod = new Map(data.timeline.filter((row) => row.routeId === id).map((row) => [row.at, row]));
  return data.periods.map((at) => ({
    at: new Date(at).toISOString(),
    compared: byPeriod.get(at)?.compared ?? 0,
    mismatched: byPeriod.get(at)?.mismatched ?? 0,
  }));
}

async function readProgress(
  store: ResultReader,
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
  const decisions = Object.fromEntries(ROUTE_VERDICTS.map((verdict) => [verdict, 0])) as Record<
    (typeof ROUTE_VERDICTS)[number],
    number
  >;
  for (const route of routes) {
    stages[route.stage ?? 'unknown']++;
    verdicts[route.verdict]++;
    decisions[route.decision.verdict]++;
  }
  const legacy = served.filter((row) => row.side === 'legacy').reduce((sum, row) => sum + row.requests, 0);
  const service = served.filter((row) => row.side === 'service').reduce((sum, row) => sum + row.requests, 0);
  const requests = legacy + service;
  return {
    routes: { total: routes.length, ...stages },
    verdicts,
    decisions,
    traffic: { requests, legacy, service, serviceShare: requests === 0 ? null : service / requests },
    unmatched,
    events: events
      .filter((event) => event.routeId === null)
      .map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, detail: event.detail })),
  };
}
