/**
 * What a mirrored write taught besides its verdict: the identifier pairs its answers correlated (kept by
 * the executor for a restarted worker, and in the results store for a restarted proxy), the correlate
 * paths that gave none (counted by reason), and its read-after-write check.
 */
import type { ProxyMetrics } from '../admin/metrics.ts';
import type { ResultRecorder } from '../store/types.ts';
import type { MirrorExecutor } from './mirror-executor.ts';
import type { MirrorResult } from './mirror-job.ts';

export function recordWriteFindings(
  routeId: string,
  result: Extract<MirrorResult, { kind: 'compared' }>,
  executor: Pick<MirrorExecutor, 'learned'>,
  recorder: ResultRecorder,
  metrics: ProxyMetrics,
): void {
  const correlations = result.correlations;
  if (correlations) {
    if (correlations.learned.length > 0) {
      executor.learned(correlations.learned);
      recorder.recordCorrelations(correlations.learned);
    }
    for (const reason of correlations.skipped) metrics.correlationSkipped(routeId, reason);
  }
  if (result.sync) recorder.recordSync(routeId, result.sync);
}
