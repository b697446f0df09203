/** `strangler routes [file]`: the route table with stages and upstreams. */
import { Command } from 'commander';
import pc from 'picocolors';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems, type RoutesConfig } from '../../config/index.ts';
import { readRoutesFile } from '../read-routes-file.ts';
import { formatTable } from '../format-table.ts';
import { describeUpstreamTarget } from '../../compare/describe-upstream-target.ts';
import { describeMirrorRequest } from '../../config/describe-mirror-request.ts';

export function createRoutesCommand(io: CliIo): Command {
  return new Command('routes')
    .description('show the route table: paths, stages and where each goes')
    .argument('[file]', 'routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { json?: boolean }) => {
      const read = await readRoutesFile(io, file);
      if (!read.ok) {
        io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
        throw new CliExit(1);
      }
      if (options.json) {
        io.stdout.write(`${JSON.stringify(routeRows(read.config), null, 2)}\n`);
        return;
      }
      io.stdout.write(`${renderRoutes(read.config, io.color)}\n`);
    });
}

function routeRows(config: RoutesConfig) {
  return config.routes.map((route) => ({
    id: route.id,
    path: route.path,
    methods: route.methods ?? 'all',
    stage: route.stage,
    canaryPercent: route.stage === 'canary' ? (route.canary?.percent ?? 0) : null,
    service: route.service,
    serviceUrl: serviceUrl(config, route.service),
    shadow:
      route.stage === 'legacy' ? null : (route.shadow?.percent ?? (route.stage === 'shadow' ? 100 : null)),
    fallback: route.fallback,
    mirrorRequest: describeMirrorRequest(route.shadow?.request),
    authBridge: authBridgeKind(config, route.service),
  }));
}

export function renderRoutes(config: RoutesConfig, color: boolean): string {
  const colors = pc.createColors(color);
  const stageColor = {
    legacy: colors.dim,
    shadow: colors.cyan,
    canary: colors.yellow,
    migrated: colors.green,
  } as const;
  const rows = routeRows(config).map((row) => [
    colors.bold(row.id),
    row.path,
    typeof row.methods === 'string' ? colors.dim('all') : row.methods.join(','),
    stageColor[row.stage](row.canaryPercent === null ? row.stage : `canary ${row.canaryPercent}%`),
    row.stage === 'legacy'
      ? `legacy ${colors.dim(describeUpstreamTarget(config.legacy))}`
      : `${row.service} ${colors.dim(row.serviceUrl ?? '?')}`,
    row.shadow === null
      ? colors.dim('-')
      : `${row.shadow}% → ${row.stage === 'migrated' ? 'legacy' : row.service}` +
        (row.mirrorRequest === null ? '' : colors.dim(` (${row.mirrorRequest})`)) +
        (row.authBridge === null ? '' : colors.dim(` [auth ${row.authBridge}]`)),
    row.fallback === 'legacy' ? 'legacy' : colors.dim('-'),
  ]);
  const table = formatTable(
    ['ROUTE', 'PATH', 'METHODS', 'STAGE', 'SERVED BY', 'MIRRORED TO', 'FALLBACK'],
    rows,
  );
  return `${table}\n${colors.dim(`anything else → legacy ${describeUpstreamTarget(config.legacy)}`)}`;
}

/** Which bridge presents the service with credentials (`jwt`, `hook`), never its keys. */
function authBridgeKind(config: RoutesConfig, name: string): string | null {
  const auth = config.services[name]?.auth;
  return auth?.jwt ? 'jwt' : auth?.hook ? 'hook' : null;
}

function serviceUrl(config: RoutesConfig, name: string): string | null {
  const service = config.services[name];
  return service === undefined ? null : describeUpstreamTarget(service);
}
