/**
 * `strangler-proxy routes [-c routes.yaml] [--admin URL]`: the route table with stages and upstreams, from
 * the file or, with `--admin`, live from the running proxy (automatic rollbacks and the table version
 * included). Says which of the two it shows.
 */
import { Command } from 'commander';
import pc from 'picocolors';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems } from '../../config/index.ts';
import { readRoutesFile } from '../read-routes-file.ts';
import { formatTable } from '../format-table.ts';
import { describeUpstreamTarget } from '../../compare/describe-upstream-target.ts';
import { configOption, routesFileOf } from '../options.ts';
import { adminOption, adminUrlOf } from '../admin-client.ts';
import { routeRowsFromFile } from '../route-rows/from-file.ts';
import type { RouteRow, RouteTable } from '../route-rows/route-row.ts';
import { readLiveRoutes } from '../route-rows/from-admin.ts';

/** The `--json` shape. */
export type RoutesJson = RouteTable;

export function createRoutesCommand(io: CliIo): Command {
  return new Command('routes')
    .description('show the route table: paths, stages and where each goes (the file, or the running proxy)')
    .argument('[file]', 'routes file (the same as -c)')
    .addOption(configOption())
    .addOption(adminOption())
    .option('--json', 'machine-readable output')
    .action(
      async (argument: string | undefined, options: { config?: string; admin?: string; json?: boolean }) => {
        const adminUrl = adminUrlOf(io, options.admin);
        const table = adminUrl
          ? await readLiveRoutes(io, adminUrl)
          : await fileTable(io, routesFileOf(io, argument, options.config));
        if (options.json) {
          io.stdout.write(`${JSON.stringify(table, null, 2)}\n`);
          return;
        }
        io.stdout.write(`${renderRoutes(table, io.color)}\n`);
      },
    );
}

async function fileTable(io: CliIo, file: string): Promise<RoutesJson> {
  const read = await readRoutesFile(io, file);
  if (!read.ok) {
    io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
    throw new CliExit(1);
  }
  return {
    source: 'file',
    from: read.file,
    version: null,
    legacy: describeUpstreamTarget(read.config.legacy),
    routes: routeRowsFromFile(read.config),
  };
}

export function renderRoutes(table: RoutesJson, color: boolean): string {
  const colors = pc.createColors(color);
  const stageColor = {
    legacy: colors.dim,
    shadow: colors.cyan,
    canary: colors.yellow,
    migrated: colors.green,
  } as const;
  const rows = table.routes.map((row) => [
    colors.bold(row.id),
    row.path,
    typeof row.methods === 'string' ? colors.dim('all') : row.methods.join(','),
    row.autoRolledBack
      ? colors.red(`${describeStage(row)} (rolled back)`)
      : (stageColor[row.stage as keyof typeof stageColor] ?? colors.dim)(describeStage(row)),
    servedBy(row, table.legacy, colors),
    row.shadow === null
      ? colors.dim('-')
      : `${row.shadow}% → ${row.mirroredTo}` +
        (row.mirrorRequest === null ? '' : colors.dim(` (${row.mirrorRequest})`)) +
        (row.authBridge === null ? '' : colors.dim(` [auth ${row.authBridge}]`)),
    row.fallback === 'legacy' ? 'legacy' : colors.dim('-'),
  ]);
  const heading =
    table.source === 'admin'
      ? `live route table of the proxy at ${table.from} (version ${table.version})`
      : `route table of ${table.from} (the file; --admin URL shows the running proxy)`;
  const body = formatTable(
    ['ROUTE', 'PATH', 'METHODS', 'STAGE', 'SERVED BY', 'MIRRORED TO', 'FALLBACK'],
    rows,
  );
  return `${colors.dim(heading)}\n${body}\n${colors.dim(`anything else → legacy ${table.legacy}`)}`;
}

function describeStage(row: RouteRow): string {
  return row.canaryPercent === null ? row.stage : `canary ${row.canaryPercent}%`;
}

/** Who answers the route's requests: the monolith until canary, then both, then the service. */
function servedBy(row: RouteRow, legacy: string, colors: ReturnType<typeof pc.createColors>): string {
  const service = `${row.service} ${colors.dim(row.serviceUrl ?? '?')}`;
  if (row.servedBy === 'legacy') return `legacy ${colors.dim(legacy)}`;
  if (row.servedBy === 'service') return service;
  return `${service} ${row.canaryPercent}%, legacy ${100 - (row.canaryPercent ?? 0)}%`;
}
