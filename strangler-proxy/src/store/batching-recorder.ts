/**
 * The recorder the proxy writes through. Its methods only aggregate in memory (a few map increments; a
 * mismatch's first samples are also redacted) and never throw; a timer writes the aggregate as one batch.
 *
 * A batch is written in parts of at most `maxRowsPerWrite` rows, so a backlog never needs one huge
 * transaction (after a disk filled up, the parts that fit land as space returns). A row the store refuses
 * for its content (a value too long for its column) is isolated and given up alone, counted in
 * `status().rejectedRows` and reported to flush listeners; the rest of its batch lands.
 *
 * When a write fails (store down, disk read-only or full) what was not written is kept and retried with
 * the next batch, as long as the pending rows stay under `maxPendingRows`; beyond that bound records are
 * dropped (a failed remainder that no longer fits, then new records while the backlog is full) and counted
 * in `status().dropped`. Writes resume by themselves when the store comes back.
 */
import {
  bucketOf,
  UNMATCHED_ROUTE_ID,
  MAX_SAMPLES_PER_SIGNATURE,
  MAX_SYNC_EXAMPLES_PER_ROUTE,
  type ResultStore,
} from './result-store.ts';

/** Differences kept with an out-of-sync example. */
const MAX_SYNC_EXAMPLE_DIFFERENCES = 20;
import type { ComparisonEvent, FlushResult, ObservableRecorder, RecorderStatus } from './types.ts';
import { differenceBin, latencyBin } from './latency-histogram.ts';
import { foldPath } from '../compare/json-path.ts';
import type { Verdict } from '../compare/verdict.ts';
import { OTHER_TEMPLATE, pathTemplate } from './path-template.ts';
import { compileRedaction, type Redaction } from './redact-sample.ts';
import { buildSample, DEFAULT_EXCERPT_BYTES } from './build-sample.ts';
import { writeInParts } from './write-in-parts.ts';
import { describeStoreError } from './store-errors.ts';
import { isFailureStatus, pairOutcome } from './pair-outcome.ts';
import {
  addBatch,
  addDiff,
  addSignature,
  addDecision,
  addCorrelation,
  syncRow,
  addEvent,
  addLatency,
  addNoiseProbes,
  addNoise,
  addSkip,
  addUnmatched,
  comparisonRow,
  createAggregate,
  isEmpty,
  seeRoute,
  servedRow,
  toBatch,
  type PendingAggregate,
} from './pending-aggregate.ts';

/** What the recorder needs of a route's config: its redaction rules. Loaded (frozen) routes fit. */
export interface RedactionSource {
  readonly id: string;
  readonly compare?: {
    readonly redact: readonly string[];
    readonly redactQuery?: readonly string[];
    readonly keep?: readonly string[];
  };
}

export interface BatchingRecorderOptions {
  /** Milliseconds between background writes. Default 2 000. */
  readonly flushInterval?: number;
  /** Samples queued at most between writes; further ones are not kept (their counts are). Default 100. */
  readonly maxPendingSamples?: number;
  /** Counter rows (and events) held at most while the store is unavailable. Default 50 000. */
  readonly maxPendingRows?: number;
  /** Rows written in one transaction at most; a larger batch is written in parts. Default 2 000. */
  readonly maxRowsPerWrite?: number;
  /** Route configs, for each route's `compare.redact` body fields; a function follows config reloads. */
  readonly routes?: readonly RedactionSource[] | (() => readonly RedactionSource[]);
  /** Header names redacted in addition to authorization, proxy-authorization, cookie, set-cookie, x-api-key. */
  readonly redactHeaders?: readonly string[];
  /** Cap of a stored body excerpt, bytes. Default 16 384. */
  readonly excerptBytes?: number;
  /** A write still running after this long makes the recorder unhealthy. Default 15 000 ms. */
  readonly stallAfter?: number;
  /** `close()` gives its last write this long before counting what is left as dropped. Default 5 000 ms. */
  readonly closeTimeout?: number;
  /** Epoch ms, for records that carry no time (skips, noise, unmatched) and for `lastFlushAt`. */
  readonly clock?: () => number;
}

/**
 * Distinct unmatched (method, template) pairs counted per minute; further ones are counted under
 * {@link OTHER_TEMPLATE}, so a scanner of unique paths adds a bounded number of rows per minute.
 */
export const MAX_UNMATCHED_TEMPLATES_PER_MINUTE = 100;

/** Signatures remembered for sampling; past this the memory is cleared (the store caps samples anyway). */
const MAX_TRACKED_SIGNATURES = 10_000;

/** Creates a recorder that aggregates in memory and writes to `store` in batches. */
export function createBatchingRecorder(
  store: ResultStore,
  options: BatchingRecorderOptions = {},
): ObservableRecorder {
  const flushInterval = options.flushInterval ?? 2_000;
  const maxPendingSamples = options.maxPendingSamples ?? 100;
  const maxPendingRows = options.maxPendingRows ?? 50_000;
  const maxRowsPerWrite = options.maxRowsPerWrite ?? 2_000;
  const excerptBytes = options.excerptBytes ?? DEFAULT_EXCERPT_BYTES;
  const stallAfter = options.stallAfter ?? 15_000;
  const closeTimeout = options.closeTimeout ?? 5_000;
  const clock = options.clock ?? Date.now;
  const redactions = redactionLookup(options.routes, options.redactHeaders ?? []);

  let pending = createAggregate();
  const sampled = new Map<string, number>();
  /** Out-of-sync examples taken per route (the store keeps the first few only). */
  const syncExamplesTaken = new Map<string, number>();
  const listeners = new Set<(result: FlushResult) => void>();
  let chain: Promise<void> = Promise.resolve();
  let writing: PendingAggregate | null = null;
  let writingSince: number | null = null;
  let lastError: string | null = null;
  let lastFlushAt: number | null = null;
  let dropped = 0;
  let droppedSamples = 0;
  let rejectedRows = 0;
  let lastRejection: string | null = null;
  let closed = false;
  const unmatchedTemplate = templateLimiter(MAX_UNMATCHED_TEMPLATES_PER_MINUTE);
  let closing: Promise<void> | null = null;

  const timer = setInterval(() => {
    if (writingSince === null && !isEmpty(pending)) void flush();
  }, flushInterval);
  timer.unref();

  /** Runs `record` unless the recorder is closed or full; anything it throws is swallowed and counted. */
  function guard(record: (aggregate: PendingAggregate) => void): void {
    if (closed || pending.rows >= maxPendingRows) {
      dropped++;
      return;
    }
    try {
      record(pending);
      pending.records++;
    } catch (error) {
      dropped++;
      lastError = `recording failed: ${message(error)}`;
    }
  }

  function recordComparison(event: ComparisonEvent): void {
    guard((aggregate) => {
      const bucket = bucketOf(event.at);
      const revision = event.revision ?? '';
      const row = comparisonRow(aggregate, event.routeId, bucket, revision);
      row.compared++;
      const { outcome, legacyFailed, serviceFailed } = pairOutcome(event);
      if (outcome === 'match') row.matched++;
      else if (outcome === 'mismatch') row.mismatched++;
      else row.errors++;
      if (legacyFailed) row.legacyErrors++;
      if (serviceFailed) row.serviceErrors++;
      for (const side of ['legacy', 'service'] as const) {
        const response = event[side];
        if (response)
          addLatency(aggregate, event.routeId, bucket, 'shadow', side, latencyBin(response.latencyMs));
      }
      // The same request on both sides: its difference is the paired evidence the latency gate reads.
      // A failed side's latency says how fast it failed, not how fast it answers: such pairs are left out.
      if (outcome !== 'error' && event.legacy && event.service) {
        const difference = event.service.latencyMs - event.legacy.latencyMs;
        addLatency(aggregate, event.routeId, bucket, 'paired', 'service', differenceBin(difference));
      }
      // Counted once per comparison: `count` reads as "comparisons that differed here".
      const differences = event.verdict.differences;
      const seen = differences.length > 1 ? new Set<string>() : undefined;
      for (const difference of differences) {
        const path = foldPath(difference.path);
        if (seen) {
          const key = `${path}\0${difference.kind}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        addDiff(aggregate, event.routeId, bucket, path, difference.kind, 1, revision);
      }
      if (outcome === 'mismatch') {
        addSignature(
          aggregate,
          event.routeId,
          bucket,
          event.verdict.signature,
          signatureShapes(event.verdict),
        );
      }
      seeRoute(aggregate, event.routeId, event.stage, event.at);
      // A failed side's answer is worth an example too (a 500's body says why), when it differed.
      if (event.verdict.outcome === 'mismatch') maybeSample(aggregate, event);
    });
  }

  function maybeSample(aggregate: PendingAggregate, event: ComparisonEvent): void {
    const key = `${event.routeId}\0${event.verdict.signature}`;
    const taken = sampled.get(key) ?? 0;
    if (taken >= MAX_SAMPLES_PER_SIGNATURE) return;
    if (aggregate.samples.length >= maxPendingSamples) {
      droppedSamples++;
      return;
    }
    if (sampled.size >= MAX_TRACKED_SIGNATURES) sampled.clear();
    sampled.set(key, taken + 1);
    aggregate.samples.push(buildSample(event, redactions(event.routeId), excerptBytes));
  }

  async function writeOnce(): Promise<void> {
    if (isEmpty(pending)) return;
    const batch = pending;
    writing = batch;
    pending = createAggregate();
    writingSince = clock();
    let result: FlushResult;
    try {
      const outcome = await writeInParts(store, toBatch(batch), maxRowsPerWrite);
      const rejected = outcome.rejected.length > 0 ? { rejected: outcome.rejected } : {};
      rejectedRows += outcome.rejected.length;
      const lastRejected = outcome.rejected.at(-1);
      if (lastRejected) lastRejection = lastRejected.reason;
      if (outcome.unwritten === null) {
        lastFlushAt = clock();
        lastError = null;
        result = { ok: true, records: batch.records, dropped: 0, ...rejected };
      } else {
        lastError = describeStoreError(outcome.error);
        const left = createAggregate();
        addBatch(left, outcome.unwritten);
        // Records are not split between parts: a record any of whose rows is still unwritten stays pending.
        left.records = batch.records;
        const dropped = keepForRetry(left);
        result = { ok: false, records: batch.records, dropped, error: lastError, ...rejected };
      }
    } finally {
      writingSince = null;
      writing = null;
    }
    for (const listener of listeners) {
      try {
        listener(result);
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  /** Puts what a failed write left in front of newer records, or drops it if that would exceed the bound. */
  function keepForRetry(failed: PendingAggregate): number {
    if (closed || failed.rows + pending.rows > maxPendingRows) {
      dropped += failed.records;
      droppedSamples += failed.samples.length;
      return failed.records;
    }
    const newer = pending;
    pending = failed;
    addBatch(pending, toBatch(newer));
    pending.records += newer.records;
    if (pending.samples.length > maxPendingSamples) {
      droppedSamples += pending.samples.length - maxPendingSamples;
      pending.samples = pending.samples.slice(0, maxPendingSamples);
    }
    return 0;
  }

  async function closeOnce(): Promise<void> {
    clearInterval(timer);
    const last = flush();
    // From here on records are refused, and a failing last write is counted as dropped, not retried.
    closed = true;
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), closeTimeout);
    });
    const outcome = await Promise.race([last.then(() => 'done' as const), timedOut]);
    clearTimeout(timeout);
    if (outcome === 'timeout') {
      // The process is going away with this write still hanging: count what it held as lost.
      dropped += (writing?.records ?? 0) + pending.records;
      pending = createAggregate();
    }
  }

  function flush(): Promise<void> {
    chain = chain.then(writeOnce, writeOnce);
    return chain;
  }

  return {
    recordComparison,
    recordSkip(routeId, reason) {
      guard((aggregate) => addSkip(aggregate, routeId, bucketOf(clock()), reason));
    },
    recordNoise(routeId, paths) {
      guard((aggregate) => {
        const at = clock();
        for (const path of new Set(paths.map(foldPath))) addNoise(aggregate, routeId, path, at);
      });
    },
    recordNoiseProbe(probe) {
      guard((aggregate) => {
        const bucket = bucketOf(probe.at);
        addNoiseProbes(aggregate, probe.routeId, bucket, probe.revision ?? '', 1, probe.disagreed ? 1 : 0);
      });
    },
    recordServed(event) {
      guard((aggregate) => {
        const routeId = event.routeId ?? UNMATCHED_ROUTE_ID;
        const bucket = bucketOf(event.at);
        const row = servedRow(aggregate, routeId, bucket, event.side, event.revision ?? '');
        row.requests++;
        if (isFailureStatus(event.status)) row.errors++;
        if (event.fellBack) row.fallbacks++;
        addLatency(aggregate, routeId, bucket, 'served', event.side, latencyBin(event.latencyMs));
        if (event.routeId !== null && event.stage !== null)
          seeRoute(aggregate, event.routeId, event.stage, event.at);
      });
    },
    recordUnmatched(method, path) {
      guard((aggregate) => {
        const bucket = bucketOf(clock());
        const upper = method.toUpperCase();
        addUnmatched(aggregate, bucket, upper, unmatchedTemplate(bucket, upper, pathTemplate(path)));
      });
    },
    recordEvent(event) {
      guard((aggregate) => {
        addEvent(aggregate, {
          routeId: event.routeId,
          kind: event.kind,
          at: event.at,
          detail: event.detail,
        });
      });
    },
    recordDecision(decision) {
      guard((aggregate) => addDecision(aggregate, { ...decision }));
    },
    recordCorrelations(pairs) {
      guard((aggregate) => {
        for (const pair of pairs) addCorrelation(aggregate, { ...pair });
      });
    },
    recordSync(routeId, check) {
      guard((aggregate) => {
        const at = clock();
        const row = syncRow(aggregate, routeId, bucketOf(at));
        if (check.outcome === 'skipped') {
          row.skipped++;
          return;
        }
        row.checked++;
        if (check.outcome === 'in_sync') {
          row.inSync++;
          return;
        }
        row.outOfSync++;
        const taken = (syncExamplesTaken.get(routeId) ?? 0) + 1;
        if (taken > MAX_SYNC_EXAMPLES_PER_ROUTE) return;
        syncExamplesTaken.set(routeId, taken);
        aggregate.syncExamples.push({
          routeId,
          at,
          read: check.read,
          legacyStatus: check.legacyStatus,
          serviceStatus: check.serviceStatus,
          differences: check.differences
            .slice(0, MAX_SYNC_EXAMPLE_DIFFERENCES)
            .map(({ path, kind }) => ({ path, kind })),
        });
      });
    },
    flush,
    close() {
      closing ??= closeOnce();
      return closing;
    },
    status(): RecorderStatus {
      const runningFor = writingSince === null ? 0 : clock() - writingSince;
      const stalled = runningFor > stallAfter;
      return {
        healthy: lastError === null && !stalled,
        lastError:
          stalled && lastError === null ? `a write has been running for ${runningFor} ms` : lastError,
        lastFlushAt,
        pending: pending.records,
        writing: writing?.records ?? 0,
        dropped,
        droppedSamples,
        rejectedRows,
        lastRejection,
      };
    },
    onFlush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Admits the first `limit` distinct (method, template) pairs of each minute and names every later one
 * {@link OTHER_TEMPLATE}. Only the current minute is remembered: the clock does not go back to an earlier one.
 */
function templateLimiter(limit: number): (bucket: number, method: string, template: string) => string {
  let current = Number.NaN;
  const admitted = new Set<string>();
  return (bucket, method, template) => {
    if (bucket !== current) {
      current = bucket;
      admitted.clear();
    }
    const key = `${method} ${template}`;
    if (admitted.has(key)) return template;
    if (admitted.size >= limit) return OTHER_TEMPLATE;
    admitted.add(key);
    return template;
  };
}

/** Compiled redaction per route id, recompiled when the route list changes (config reload). */
function redactionLookup(
  routes: BatchingRecorderOptions['routes'],
  extraHeaders: readonly string[],
): (routeId: string) => Redaction {
  const fallback = compileRedaction([], extraHeaders);
  let source: readonly RedactionSource[] | undefined;
  let compiled = new Map<string, Redaction>();
  return (routeId) => {
    const current = typeof routes === 'function' ? routes() : (routes ?? []);
    if (current !== source) {
      source = current;
      compiled = new Map(
        current.map((route) => [
          route.id,
          compileRedaction(
            route.compare?.redact,
            extraHeaders,
            route.compare?.redactQuery,
            route.compare?.keep,
          ),
        ]),
      );
    }
    return compiled.get(routeId) ?? fallback;
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The `kind folded-path` shapes a mismatch's signature stands for, sorted, one per line; null when some
 * differences were only counted, not listed (the shapes are then not all known).
 */
export function signatureShapes(verdict: Verdict): string | null {
  if ((verdict.omitted ?? 0) > 0) return null;
  const shapes = new Set(verdict.differences.map((d) => `${d.kind} ${foldPath(d.path)}`));
  return [...shapes].sort().join('\n');
}
