/**
 * The admin API's `/status` verdicts: each route's verdict read from the results store the proxy writes
 * to, by the report's own code, so `/status` says what `report`, `check` and `promote` say. The store
 * holds what the recorder has flushed: the figures lag by at most a flush interval.
 */
import type { RoutesConfig } from '../config/index.ts';
import { buildReport } from '../report/build-report.ts';
import { currentRevisions } from '../config/route-revision.ts';
import type { DecisionReport } from '../report/report-model.ts';
import type { ResultReader } from '../store/result-store.ts';

export interface RouteVerdictStatus extends Omit<DecisionReport, 'conditions'> {
  readonly route: string;
  readonly stage: string | null;
  readonly reason: string;
}

/** A recorder that can also read back what it stored (the one `openRecorder` returns). */
export interface StoreReading {
  readonly reader: ResultReader;
}

export function hasReader(recorder: object): recorder is StoreReading {
  return 'reader' in recorder && typeof recorder.reader === 'object' && recorder.reader !== null;
}

export async function routeVerdicts(
  reader: StoreReading['reader'],
  config: RoutesConfig,
): Promise<RouteVerdictStatus[]> {
  const report = await buildReport(reader, {
    routes: config.routes,
    revisions: currentRevisions(config),
    maxDiffs: 0,
    timelinePoints: 0,
  });
  return report.routes.map((route) => {
    const { conditions: _conditions, ...decision } = route.decision;
    return { route: route.id, stage: route.stage, ...decision, reason: route.verdictReason };
  });
}
