/**
 * The promotion gate's evidence: the report's figures per route, read from the results store
 * {@link resolveStore} names. The store is named on stderr, so `check --json` stays JSON.
 */
import { evidenceFromReport, type RouteEvidence } from '../promote/gate.ts';
import type { LoadEvidence } from '../promote/promote-route.ts';
import { buildReport } from '../report/build-report.ts';
import type { RootCauseHint } from '../report/report-model.ts';
import { currentRevisions } from '../config/route-revision.ts';
import type { CliIo } from './io.ts';
import { describeStore, openStoreForReading, resolveStore } from './store-resolver.ts';

/** The gate's figures with the report's likely causes, which `check` prints beside a failed gate. */
export interface EvidenceWithHints extends RouteEvidence {
  readonly hints: readonly RootCauseHint[];
}

/** The likely causes the evidence carries (none when it came from elsewhere than the report). */
export function hintsOf(evidence: RouteEvidence | undefined): readonly RootCauseHint[] {
  return evidence !== undefined && 'hints' in evidence ? (evidence as EvidenceWithHints).hints : [];
}

export function createEvidenceLoader(io: CliIo): LoadEvidence {
  return async (routeIds, source, since) => {
    const resolved = resolveStore({
      flag: source.store,
      env: io.env,
      routesFile: source.file,
      routesStore: source.config.store,
      cwd: io.cwd,
    });
    const store = await openStoreForReading(resolved);
    io.stderr.write(`store: ${describeStore(resolved)}\n`);
    try {
      const report = await buildReport(store, {
        since,
        // One route's check reads that route's rows only.
        ...(routeIds.length === 1 ? { routeId: routeIds[0] } : {}),
        routes: source.config.routes.filter((route) => routeIds.includes(route.id)),
        ...(source.revisions === 'all' ? {} : { revisions: currentRevisions(source.config) }),
      });
      const evidence = new Map<string, EvidenceWithHints>();
      for (const route of report.routes) {
        evidence.set(route.id, { ...evidenceFromReport(route), hints: route.hints });
      }
      return evidence;
    } finally {
      await store.close();
    }
  };
}
