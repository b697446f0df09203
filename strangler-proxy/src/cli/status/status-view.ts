/**
 * What `strangler-proxy status` shows, whatever it was read from: the routes file, or the running proxy's
 * admin API. Each source is one module (`status-from-file.ts`, `status-from-admin.ts`) producing this view;
 * the command picks the source and renders the view.
 */
import pc from 'picocolors';
import { formatTable } from '../format-table.ts';

export interface StatusRoute {
  readonly id: string;
  readonly stage: string;
  readonly canaryPercent: number | null;
  /** `legacy`, `service` or `split` (a canary): who answers now. */
  readonly servedBy: 'legacy' | 'service' | 'split';
  /** Null when the source cannot know (the file). */
  readonly autoRolledBack: boolean | null;
  /** Why and since when, for a route rolled back automatically. */
  readonly rollback: { readonly since: string; readonly reason: string } | null;
  readonly revision: string | null;
  /** The route's verdict (`ready`, `hold`, …), null when the source has no evidence to judge. */
  readonly verdict: string | null;
}

export interface StatusUpstream {
  readonly name: string;
  readonly url: string;
  /** `closed`, `half_open`, `open`; null when the source cannot know (the file). */
  readonly breaker: string | null;
}

export interface StatusView {
  /** `file`: routes.yaml as written; `admin`: the running proxy. */
  readonly source: 'file' | 'admin';
  /** The routes file read, or the admin API asked. */
  readonly from: string;
  /** The live table's version (it counts reloads); null for the file. */
  readonly version: number | null;
  /** The last reload: when, and whether the file it read was valid. Null for the file. */
  readonly lastReload: { readonly ok: boolean; readonly at: string } | null;
  readonly draining: boolean | null;
  readonly routes: readonly StatusRoute[];
  readonly upstreams: readonly StatusUpstream[];
}

export function renderStatus(view: StatusView, color: boolean): string {
  const c = pc.createColors(color);
  const heading =
    view.source === 'admin'
      ? `running proxy at ${view.from}: table version ${view.version}` +
        (view.lastReload === null
          ? ''
          : `, last reload ${view.lastReload.at}${view.lastReload.ok ? '' : ` ${c.red('FAILED (the previous table serves)')}`}`) +
        (view.draining === true ? c.yellow(', draining') : '')
      : `${view.from} (the file; --admin URL or STRANGLER_ADMIN_URL reads the running proxy)`;
  const routes = formatTable(
    ['ROUTE', 'STAGE', 'SERVED BY', 'VERDICT', 'REVISION'],
    view.routes.map((route) => [
      c.bold(route.id),
      route.autoRolledBack === true ? c.red(`${stageOf(route)} (rolled back)`) : stageOf(route),
      route.servedBy === 'split' ? `service ${route.canaryPercent}%, legacy` : route.servedBy,
      route.verdict ?? c.dim('-'),
      route.revision ?? c.dim('-'),
    ]),
  );
  const rollbacks = view.routes.flatMap((route) =>
    route.rollback === null
      ? []
      : [`${c.red('rolled back')} ${route.id} since ${route.rollback.since}: ${route.rollback.reason}`],
  );
  const upstreams = formatTable(
    ['UPSTREAM', 'URL', 'BREAKER'],
    view.upstreams.map((upstream) => [
      upstream.name,
      upstream.url,
      upstream.breaker === null
        ? c.dim('-')
        : upstream.breaker === 'closed'
          ? c.green('closed')
          : c.red(upstream.breaker.replace('_', '-')),
    ]),
  );
  return [c.dim(heading), routes, ...rollbacks, '', upstreams].join('\n');
}

function stageOf(route: StatusRoute): string {
  return route.canaryPercent === null ? route.stage : `canary ${route.canaryPercent}%`;
}
