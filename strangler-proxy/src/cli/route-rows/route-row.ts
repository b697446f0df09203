/** One row of `strangler-proxy routes`, whether read from the file or from the running proxy. */
export interface RouteRow {
  readonly id: string;
  readonly path: string;
  readonly methods: readonly string[] | 'all';
  readonly stage: string;
  readonly canaryPercent: number | null;
  readonly service: string;
  readonly serviceUrl: string | null;
  /** Who answers: `legacy` (legacy and shadow stages, and a rolled-back route), `service`, or `split`. */
  readonly servedBy: 'legacy' | 'service' | 'split';
  readonly shadow: number | null;
  /** Where mirrors go: the service, or legacy once migrated (reverse shadow). */
  readonly mirroredTo: string | null;
  readonly fallback: string;
  readonly mirrorRequest: string | null;
  readonly authBridge: string | null;
  /** Rolled back automatically by the running proxy; null when reading the file (it cannot know). */
  readonly autoRolledBack: boolean | null;
  readonly revision: string | null;
}

export function servedByOf(stage: string, autoRolledBack: boolean | null): RouteRow['servedBy'] {
  if (autoRolledBack === true || stage === 'legacy' || stage === 'shadow') return 'legacy';
  return stage === 'canary' ? 'split' : 'service';
}

export function mirroredToOf(stage: string, service: string, shadow: number | null): string | null {
  if (shadow === null) return null;
  return stage === 'migrated' ? 'legacy' : service;
}

/** The table `routes` prints, and its `--json`. */
export interface RouteTable {
  /** `file`: routes.yaml as written; `admin`: the running proxy's live table. */
  readonly source: 'file' | 'admin';
  /** The routes file read, or the admin API asked. */
  readonly from: string;
  /** The live table's version (it counts reloads), null for the file. */
  readonly version: number | null;
  readonly legacy: string;
  readonly routes: readonly RouteRow[];
}
