/**
 * `strangler-proxy retire <route-id>`: the certificate that the monolith's code for a route can go,
 * from the evidence every proxy pooled in the results store over a window (7 days by default, at most
 * the unmatched inventory's retention). Exit 0 when it holds, 1 when it does not (with the figures), 2
 * when it cannot be made (bad arguments, unknown route, no store).
 */
import { Command } from 'commander';
import { formatProblems } from '../../config/index.ts';
import { currentRevisions } from '../../config/route-revision.ts';
import { UNMATCHED_RETENTION_MS } from '../../store/result-store.ts';
import { readFleet } from '../../fleet/read-fleet.ts';
import { certifyRetirement, type RetirementCertificate } from '../../retire/retirement-certificate.ts';
import { renderCertificateMarkdown } from '../../retire/render-certificate.ts';
import { CliExit, type CliIo } from '../io.ts';
import { readRoutesFile } from '../read-routes-file.ts';
import { describeStore, openStoreForReading, resolveStore } from '../store-resolver.ts';
import { configPath, inProcess } from './promote-shared.ts';
import { parseSince } from './report.ts';

export const DEFAULT_RETIRE_WINDOW = '7d';

interface RetireFlags {
  readonly window: string;
  readonly store?: string;
  readonly config: string;
  readonly json?: boolean;
}

export function createRetireCommand(io: CliIo, now: () => number = Date.now): Command {
  const command = new Command('retire')
    .description(
      "certify from the fleet's pooled evidence that the monolith served none of a route's traffic over a window",
    )
    .argument('<route-id>', 'the migrated route whose monolith code is to be deleted')
    .option('--window <duration>', 'the window the evidence covers: 24h, 7d…', DEFAULT_RETIRE_WINDOW)
    .option(
      '--store <url>',
      "results store (default: STRANGLER_STORE, else the routes file's store:, else strangler.db beside it)",
    )
    .option('-c, --config <file>', 'the routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--json', 'print the certificate as JSON')
    .action(async (routeId: string, flags: RetireFlags) => {
      const until = now();
      const since = windowStart(flags.window, until);
      const read = await readRoutesFile(io, configPath(io, flags.config));
      if (!read.ok) {
        io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
        throw new CliExit(2, `strangler: ${read.file} has problems; nothing to certify`);
      }
      const route = read.config.routes.find((candidate) => candidate.id === routeId);
      if (!route)
        throw new CliExit(
          2,
          `strangler: no route "${routeId}" in ${read.file} (routes: ${read.config.routes.map((r) => r.id).join(', ')})`,
        );
      const resolved = resolveStore({
        flag: flags.store,
        env: io.env,
        routesFile: configPath(io, flags.config),
        routesStore: read.config.store,
        cwd: io.cwd,
      });
      const store = await openStoreForReading(resolved);
      io.stderr.write(`store: ${describeStore(resolved)}\n`);
      let certificate: RetirementCertificate;
      try {
        const served = await store.served({ routeId, since, until });
        const side = (name: 'service' | 'legacy') => served.find((row) => row.side === name);
        const fleet = await readFleet(store, until);
        certificate = certifyRetirement({
          routeId,
          path: route.path,
          service: route.service,
          stage: route.stage,
          revision: currentRevisions(read.config).get(routeId) ?? '',
          since,
          until,
          served: {
            service: side('service')?.requests ?? 0,
            legacy: side('legacy')?.requests ?? 0,
            fallbacks: served.reduce((sum, row) => sum + row.fallbacks, 0),
          },
          unmatched: await store.unmatched({ since, until }),
          fleet: fleet.live.map((proxy) => ({
            id: proxy.id,
            revision: proxy.routeRevisions[routeId] ?? null,
          })),
        });
      } finally {
        await store.close();
      }
      const where = describeStore(resolved);
      io.stdout.write(
        flags.json === true
          ? `${JSON.stringify({ file: read.file, store: where, since: new Date(since).toISOString(), until: new Date(until).toISOString(), ...certificate }, null, 2)}\n`
          : renderCertificateMarkdown(certificate, where),
      );
      if (!certificate.retirable) throw new CliExit(1);
    });
  return inProcess(command, io);
}

/** The window's start; longer than the unmatched inventory keeps, it could not prove unclaimed paths gone. */
function windowStart(text: string, until: number): number {
  let since: number;
  try {
    since = parseSince(text, until);
  } catch (error) {
    throw new CliExit(2, `strangler: --window: ${(error as Error).message}, got "${text}"`);
  }
  if (since >= until)
    throw new CliExit(2, `strangler: --window must be a duration before now, got "${text}"`);
  if (until - since > UNMATCHED_RETENTION_MS)
    throw new CliExit(
      2,
      `strangler: --window ${text} is longer than the ${UNMATCHED_RETENTION_MS / 86_400_000} days the inventory of unclaimed paths is kept`,
    );
  return since;
}
