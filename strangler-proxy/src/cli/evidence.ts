/**
 * The promotion gate's evidence: the report's figures per route, read from the results store named by
 * `--store`, else STRANGLER_STORE, else the default `sqlite:./strangler.db` beside the routes file.
 */
import path from 'node:path';
import { evidenceFromReport, type RouteEvidence } from '../promote/gate.ts';
import type { LoadEvidence } from '../promote/promote-route.ts';
import { buildReport } from '../report/build-report.ts';
import { currentRevisions } from '../config/route-revision.ts';
import { createKnexStore } from '../store/knex-store.ts';
import type { CliIo } from './io.ts';

export const DEFAULT_STORE = 'sqlite:./strangler.db';

export function createEvidenceLoader(io: CliIo): LoadEvidence {
  return async (routeIds, source, since) => {
    const url = source.store ?? io.env.STRANGLER_STORE ?? DEFAULT_STORE;
    // A relative SQLite path in the default means "beside routes.yaml", where `strangler start` keeps it.
    const cwd =
      source.store === undefined && io.env.STRANGLER_STORE === undefined ? path.dirname(source.file) : io.cwd;
    const store = await createKnexStore({ url, cwd });
    try {
      const report = await buildReport(store, {
        since,
        routes: source.config.routes.filter((route) => routeIds.includes(route.id)),
        ...(source.revisions === 'all' ? {} : { revisions: currentRevisions(source.config) }),
      });
      const evidence = new Map<string, RouteEvidence>();
      for (const route of report.routes) evidence.set(route.id, evidenceFromReport(route));
      return evidence;
    } finally {
      await store.close();
    }
  };
}
