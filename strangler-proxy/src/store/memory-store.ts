/**
 * An in-memory {@link ResultStore} for unit tests and for a proxy run without persistence. It answers
 * exactly like the knex stores (the contract suite checks it), including the sample cap per signature.
 */
import {
  COMPARISON_COUNTERS,
  MAX_SAMPLES_PER_SIGNATURE,
  MAX_STORED_CORRELATIONS,
  MAX_SYNC_EXAMPLES_PER_ROUTE,
  SYNC_COUNTERS,
  assertTimelineStep,
  type StoredCorrelation,
  type StoredSyncExample,
  type SyncCount,
  type SyncTotals,
  type ComparisonTotals,
  type DiffTotals,
  type SignatureTotals,
  type LatencyTotals,
  type NoiseCount,
  type NoiseProbeTotals,
  type ResultBatch,
  type ResultQuery,
  type ResultStore,
  type RevisionedRow,
  type RouteSeen,
  type ServedTotals,
  type SkipTotals,
  type StoredDecision,
  type StoredInstance,
  type StoredRouteEvent,
  type StoredSample,
  type TimelineCounts,
  type UnmatchedTotals,
  unmatchedCutoff,
} from './result-store.ts';
import { resultOrder } from './result-order.ts';
import { CURRENT_SCHEME } from './latency-histogram.ts';

interface Row {
  readonly bucket: number;
  readonly routeId: string;
}

/** Options for tests that need a store that fails on demand. */
export interface MemoryStoreOptions {
  /** Called before every write; throw from it to simulate an unavailable store. */
  readonly beforeWrite?: (batch: ResultBatch) => void | Promise<void>;
}

/** Creates an empty in-memory store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): ResultStore {
  let data = emptyData();
  let closed = false;
  // The fleet's rows are not part of a batch: upserted and removed one at a time, like the knex stores'.
  const instances = new Map<string, StoredInstance>();

  return {
    async write(batch) {
      if (closed) throw new Error('the results store is closed');
      await options.beforeWrite?.(batch);
      // Copy-on-write keeps a write atomic: it is applied whole or not at all.
      const next = cloneData(data);
      apply(next, batch);
      data = next;
    },
    routes(query = {}) {
      const rows = [...data.routes.values()].filter((row) => matchesRoute(row.routeId, query));
      return Promise.resolve(rows.sort(resultOrder.routes));
    },
    comparisons(query = {}) {
      const sums = sumBy(
        inRevision(inWindow(data.comparisons.values(), query), query),
        (row) => [row.routeId],
        COMPARISON_COUNTERS,
      );
      return Promise.resolve(
        sums
          .map(({ row, sum }): ComparisonTotals => ({ routeId: row.routeId, ...counts(sum) }))
          .sort(resultOrder.comparisons),
      );
    },
    timeline(query) {
      try {
        assertTimelineStep(query.step);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const sums = sumBy(
        inRevision(inWindow(data.comparisons.values(), query), query),
        (row) => [row.routeId, row.bucket - (row.bucket % query.step)],
        COMPARISON_COUNTERS,
      );
      return Promise.resolve(
        sums
          .map(({ row, sum }): TimelineCounts => ({
            routeId: row.routeId,
            at: row.bucket - (row.bucket % query.step),
            ...counts(sum),
          }))
          .sort(resultOrder.timeline),
      );
    },
    latency(query = {}) {
      const sums = sumBy(
        inWindow(data.latency.values(), query),
        (row) => [row.routeId, row.source, row.side, row.scheme ?? CURRENT_SCHEME, row.bin],
        ['count'],
      );
      return Promise.resolve(
        sums
          .map(({ row, sum }): LatencyTotals => ({
            routeId: row.routeId,
            source: row.source,
            side: row.side,
            scheme: row.scheme ?? CURRENT_SCHEME,
            bin: row.bin,
            count: sum.count ?? 0,
          }))
          .sort(resultOrder.latency),
      );
    },
    noiseProbes(query = {}) {
      const sums = sumBy(
        inRevision(inWindow(data.noiseProbes.values(), query), query),
        (row) => [row.routeId],
        ['probes', 'disagreed'],
      );
      return Promise.resolve(
        sums
          .map(({ row, sum }): NoiseProbeTotals => ({
            routeId: row.routeId,
            probes: sum.probes ?? 0,
            disagreed: sum.disagreed ?? 0,
          }))
          .sort(resultOrder.noiseProbes),
      );
    },
    diffs(query = {}) {
      const sums = sumBy(
        inRevision(inWindow(data.diffs.values(), query), query),
        (row) => [row.routeId, row.path, row.kind],
        ['count'],
      );
      return Promise.resolve(
        sums
          .map(({ row, sum }): DiffTotals => ({
            routeId: row.routeId,
            path: row.path,
            kind: row.kind,
            count: sum.count ?? 0,
          }))
          .sort(resultOrder.diffs),
      );
    },
    signatures(query = {}) {
      const sums = sumBy(inWindow(data.signatures.values(), query), (row) => [row.routeId, row.signature], [
        'count',
      ]);
      return Promise.resolve(
        sums
          .map(({ row, sum }): SignatureTotals => ({
            routeId: row.routeId,
            signature: row.signature,
            shapes: row.shapes,
            count: sum.count ?? 0,
          }))
          .sort(resultOrder.signatures),
      );
    },
    skips(query = {}) {
      const sums = sumBy(inWindow(data.skips.values(), query), (row) => [row.routeId, row.reason], ['count']);
      return Promise.resolve(
        sums
          .map(({ row, sum }): SkipTotals => ({
            routeId: row.routeId,
            reason: row.reason,
            count: sum.count ?? 0,
          }))
          .sort(resultOrder.skips),
      );
    },
    served(query = {}) {
      const sums = sumBy(
        inRevision(inWindow(data.served.values(), query), query),
        (row) => [row.routeId, row.side],
        ['requests', 'errors', 'fallbacks'],
      );
      return Promise.resolve(
        sums
          .map(({ row, sum }): ServedTotals => ({
            routeId: row.routeId,
            side: row.side,
            requests: sum.requests ?? 0,
            errors: sum.errors ?? 0,
            fallbacks: sum.fallbacks ?? 0,
          }))
          .sort(resultOrder.served),
      );
    },
    noise(query = {}) {
      const rows = [...data.noise.values()].filter((row) => matchesRoute(row.routeId, query));
      return Promise.resolve(rows.sort(resultOrder.noise));
    },
    unmatched(query = {}) {
      const sums = sumBy(
        inWindow(
          [...data.unmatched.values()].map((row) => ({ ...row, routeId: '' })),
          { ...query, revisions: undefined },
        ),
        (row) => [row.method, row.template],
        ['count'],
      );
      const rows = sums
        .map(({ row, sum }): UnmatchedTotals => ({
          method: row.method,
          template: row.template,
          count: sum.count ?? 0,
        }))
        .sort(resultOrder.unmatched);
      return Promise.resolve(query.limit === undefined ? rows : rows.slice(0, query.limit));
    },
    samples(query = {}) {
      const rows = data.samples.filter((sample) => matchesRoute(sample.routeId, query));
      return Promise.resolve([...rows].sort(resultOrder.samples));
    },
    events(query = {}) {
      const rows = data.events.filter(
        (event) =>
          (query.routeId === undefined || event.routeId === query.routeId) &&
          (query.since === undefined || event.at >= query.since) &&
          (query.until === undefined || event.at < query.until),
      );
      return Promise.resolve([...rows].sort(resultOrder.events));
    },
    correlations(limit) {
      const rows = [...data.correlations.values()].sort(resultOrder.correlations);
      return Promise.resolve(rows.slice(Math.max(0, rows.length - limit)).map((row) => ({ ...row })));
    },
    sync(query = {}) {
      const sums = sumBy(inWindow(data.sync.values(), query), (row) => [row.routeId], [...SYNC_COUNTERS]);
      return Promise.resolve(
        sums
          .map(({ row, sum }): SyncTotals => ({
            routeId: row.routeId,
            checked: sum.checked ?? 0,
            inSync: sum.inSync ?? 0,
            outOfSync: sum.outOfSync ?? 0,
            skipped: sum.skipped ?? 0,
          }))
          .sort(resultOrder.sync),
      );
    },
    syncExamples(query = {}) {
      const rows = data.syncExamples.filter((example) => matchesRoute(example.routeId, query));
      return Promise.resolve([...rows].sort(resultOrder.syncExamples));
    },
    decisions(query = {}) {
      const rows = data.decisions.filter(
        (decision) =>
          (query.routeId === undefined || decision.routeId === query.routeId) &&
          (query.since === undefined || decision.at >= query.since) &&
          (query.until === undefined || decision.at < query.until),
      );
      return Promise.resolve([...rows].sort(resultOrder.decisions));
    },
    putInstance(instance) {
      if (closed) return Promise.reject(new Error('the results store is closed'));
      instances.set(instance.id, { ...instance, routeRevisions: { ...instance.routeRevisions } });
      return Promise.resolve();
    },
    removeInstance(id) {
      instances.delete(id);
      return Promise.resolve();
    },
    instances() {
      return Promise.resolve(
        [...instances.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      );
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

type Data = ReturnType<typeof emptyData>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyData() {
  return {
    comparisons: new Map<string, Mutable<ResultBatch['comparisons'][number]>>(),
    latency: new Map<string, Mutable<ResultBatch['latency'][number]>>(),
    diffs: new Map<string, Mutable<ResultBatch['diffs'][number]>>(),
    signatures: new Map<string, Mutable<ResultBatch['signatures'][number]>>(),
    skips: new Map<string, Mutable<ResultBatch['skips'][number]>>(),
    served: new Map<string, Mutable<ResultBatch['served'][number]>>(),
    noise: new Map<string, Mutable<NoiseCount>>(),
    unmatched: new Map<string, Mutable<ResultBatch['unmatched'][number]>>(),
    routes: new Map<string, RouteSeen>(),
    samples: [] as StoredSample[],
    events: [] as StoredRouteEvent[],
    decisions: [] as StoredDecision[],
    correlations: new Map<string, StoredCorrelation>(),
    sync: new Map<string, Mutable<SyncCount>>(),
    syncExamples: [] as StoredSyncExample[],
    noiseProbes: new Map<string, Mutable<ResultBatch['noiseProbes'][number]>>(),
  };
}

function cloneData(data: Data): Data {
  const copy = <T extends object>(map: Map<string, T>) =>
    new Map([...map].map(([key, row]) => [key, { ...row }]));
  return {
    comparisons: copy(data.comparisons),
    latency: copy(data.latency),
    diffs: copy(data.diffs),
    signatures: copy(data.signatures),
    skips: copy(data.skips),
    served: copy(data.served),
    noise: copy(data.noise),
    unmatched: copy(data.unmatched),
    routes: new Map(data.routes),
    samples: [...data.samples],
    events: [...data.events],
    decisions: [...data.decisions],
    correlations: new Map(data.correlations),
    sync: copy(data.sync),
    syncExamples: [...data.syncExamples],
    noiseProbes: copy(data.noiseProbes),
  };
}

function apply(data: Data, batch: ResultBatch): void {
  for (const row of batch.comparisons) {
    add(data.comparisons, [row.routeId, row.bucket, row.revision ?? ''], revised(row), COMPARISON_COUNTERS);
  }
  for (const row of batch.latency) {
    const scheme = row.scheme ?? CURRENT_SCHEME;
    add(data.latency, [row.routeId, row.bucket, row.source, row.side, scheme, row.bin], { ...row, scheme }, [
      'count',
    ]);
  }
  for (const row of batch.noiseProbes) {
    add(data.noiseProbes, [row.routeId, row.bucket, row.revision ?? ''], revised(row), [
      'probes',
      'disagreed',
    ]);
  }
  for (const row of batch.diffs)
    add(data.diffs, [row.routeId, row.bucket, row.path, row.kind, row.revision ?? ''], revised(row), [
      'count',
    ]);
  for (const row of batch.signatures)
    add(data.signatures, [row.routeId, row.bucket, row.signature], row, ['count']);
  for (const row of batch.skips) add(data.skips, [row.routeId, row.bucket, row.reason], row, ['count']);
  for (const row of batch.served) {
    add(data.served, [row.routeId, row.bucket, row.side, row.revision ?? ''], revised(row), [
      'requests',
      'errors',
      'fallbacks',
    ]);
  }
  for (const row of batch.noise) {
    const existing = add(data.noise, [row.routeId, row.path], row, ['count']);
    existing.lastSeen = Math.max(existing.lastSeen, row.lastSeen);
  }
  for (const row of batch.unmatched)
    add(data.unmatched, [row.bucket, row.method, row.template], row, ['count']);
  if (batch.unmatched.length > 0) {
    const cutoff = unmatchedCutoff(batch.unmatched);
    for (const [key, row] of data.unmatched) if (row.bucket < cutoff) data.unmatched.delete(key);
  }
  for (const row of batch.routes) {
    const existing = data.routes.get(row.routeId);
    if (!existing || row.lastSeen >= existing.lastSeen) data.routes.set(row.routeId, { ...row });
  }
  for (const sample of batch.samples) {
    const kept = data.samples.filter((s) => s.routeId === sample.routeId && s.signature === sample.signature);
    if (kept.length < MAX_SAMPLES_PER_SIGNATURE) data.samples.push(sample);
  }
  data.events.push(...batch.events);
  data.decisions.push(...batch.decisions);
  for (const pair of batch.correlations) {
    // Keyed as the databases key it: by JSON text, so 17 and "17" are two identifiers.
    const key = JSON.stringify(pair.legacy);
    const existing = data.correlations.get(key);
    if (existing === undefined || pair.at >= existing.at) data.correlations.set(key, { ...pair });
  }
  if (data.correlations.size > MAX_STORED_CORRELATIONS) {
    const oldest = [...data.correlations.values()].sort(resultOrder.correlations);
    for (const pair of oldest.slice(0, data.correlations.size - MAX_STORED_CORRELATIONS))
      data.correlations.delete(JSON.stringify(pair.legacy));
  }
  for (const row of batch.sync) add(data.sync, [row.routeId, row.bucket], row, [...SYNC_COUNTERS]);
  for (const example of batch.syncExamples) {
    const kept = data.syncExamples.filter((e) => e.routeId === example.routeId);
    if (kept.length < MAX_SYNC_EXAMPLES_PER_ROUTE) data.syncExamples.push(example);
  }
}

function add<T extends object>(
  map: Map<string, T>,
  key: readonly (string | number)[],
  row: NoInfer<T>,
  fields: readonly (keyof T & string)[],
): T {
  const id = JSON.stringify(key);
  const existing = map.get(id);
  if (!existing) {
    const copy = { ...row };
    map.set(id, copy);
    return copy;
  }
  for (const field of fields) {
    (existing as Record<string, number>)[field] =
      ((existing as Record<string, number>)[field] ?? 0) + ((row as Record<string, number>)[field] ?? 0);
  }
  return existing;
}

function inWindow<T extends Row>(rows: Iterable<T>, query: ResultQuery): T[] {
  return [...rows].filter(
    (row) =>
      matchesRoute(row.routeId, query) &&
      (query.revisions === undefined || query.revisions.has(row.routeId)) &&
      (query.since === undefined || row.bucket >= query.since) &&
      (query.until === undefined || row.bucket < query.until),
  );
}

/** Rows of the query's revision(s), when it names any (rows from before revisions count as `''`). */
function inRevision<T extends RevisionedRow>(rows: readonly T[], query: ResultQuery): T[] {
  return rows.filter(
    (row) =>
      (query.revision === undefined || (row.revision ?? '') === query.revision) &&
      (query.revisions === undefined || (row.revision ?? '') === query.revisions.get(row.routeId)),
  );
}

/** A row as stored: with its revision, `''` when it came without one. */
function revised<T extends RevisionedRow>(row: T): T {
  return { ...row, revision: row.revision ?? '' };
}

function matchesRoute(routeId: string, query: { readonly routeId?: string }): boolean {
  return query.routeId === undefined || routeId === query.routeId;
}

function sumBy<T extends object>(
  rows: readonly T[],
  keyOf: (row: T) => readonly (string | number)[],
  fields: readonly string[],
): { row: T; sum: Record<string, number> }[] {
  const groups = new Map<string, { row: T; sum: Record<string, number> }>();
  for (const row of rows) {
    const id = JSON.stringify(keyOf(row));
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { row, sum: {} }));
    for (const field of fields) {
      group.sum[field] = (group.sum[field] ?? 0) + ((row as Record<string, number>)[field] ?? 0);
    }
  }
  return [...groups.values()];
}

function counts(sum: Record<string, number>): Omit<ComparisonTotals, 'routeId'> {
  const totals = Object.fromEntries(COMPARISON_COUNTERS.map((counter) => [counter, sum[counter] ?? 0]));
  return totals as Record<(typeof COMPARISON_COUNTERS)[number], number>;
}
