/**
 * The promotion gate's evidence: the report's figures per route, read from the results store named by
 * `--store`, else STRANGLER_STORE, else the default `sqlite:./strangler.db` beside the routes file.
 */
import path from 'node:path';
import { evidenceFromReport, type RouteEvidence } from '../promote/gate.ts';
import type { LoadEvidence } from '../promote/promote-route.ts';
import { buildReport } from '../report/build-report.ts';
import type { RootCauseHint } from '../report/report-model.ts';
import { currentRevisions } from '../config/route-revision.ts';
import { createKnexStore } from '../store/knex-store.ts';
import type { CliIo } from './io.ts';

export const DEFAULT_STORE = 'sqlite:./strangler.db';

/** The gate's figures with the report's likely causes, which `check` prints beside a failed gate. */
export interface EvidenceWithHints extends RouteEvidence {
  readonly hints: readonly RootCauseHint[];
}

/** The likely causes the evidence carries (none when it came from elsewhere than the report). */
export function hintsOf(evidence: RouteEvidence | undefined): readonly RootCauseHint[] {
  return evidence !== undefined && 'hints' in evidence ? (evidence as EvidenceWithHints).hints : [];
}

/**
 * The store a command over routes.yaml reads and writes: `--store`, else STRANGLER_STORE, else the
 * default, whose relative SQLite path means "beside routes.yaml", where `strangler start` keeps it.
 */
export function storeLocation(
  io: CliIo,
  source: { readonly file: string; readonly store?: string },
): { readonly url: string; readonly cwd: string } {
  const url = source.store ?? io.env.STRANGLER_STORE ?? DEFAULT_STORE;
  const cwd =
    source.store === undefined && io.env.STRANGLER_STORE === undefined ? path.dirname(source.file) : io.cwd;
  return { url, cwd };
}

export function createEvidenceLoader(io: CliIo): LoadEvidence {
  return async (routeIds, source, since) => {
    const store = await createKnexStore(storeLocation(io, source));
    try {
      const report = await buildReport(store, {
        since,
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
