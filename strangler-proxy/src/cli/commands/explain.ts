/** `strangler explain <METHOD> <path> [-H 'name: value']`: which route wins, why, and where it goes. */
import { Command } from 'commander';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems } from '../../config/index.ts';
import { createRouteTable } from '../../routing/route-table.ts';
import { explainRoute, formatExplanation } from '../../routing/explain.ts';
import { readRoutesFile } from '../read-routes-file.ts';
import pc from 'picocolors';
import { adminOption, adminUrlOf, readAdmin } from '../admin-client.ts';
import type { LiveExplanation } from '../../runtime/explain-live.ts';

export function createExplainCommand(io: CliIo): Command {
  return new Command('explain')
    .description('show which route a request matches, why, and where it would go')
    .argument('<method>', 'HTTP method, e.g. GET')
    .argument('<path>', 'request path, e.g. /api/products/7?x=1')
    .option('-H, --header <header>', "request header 'name: value' (repeatable)", collect, [] as string[])
    .option('-c, --config <file>', 'routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .addOption(adminOption())
    .option('--json', 'machine-readable output')
    .action(
      async (
        method: string,
        target: string,
        options: { header: string[]; config: string; admin?: string; json?: boolean },
      ) => {
        const headers: Record<string, string> = {};
        for (const header of options.header) {
          const colon = header.indexOf(':');
          if (colon <= 0) throw new CliExit(2, `strangler: -H expects 'name: value', got "${header}"`);
          headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
        }
        const adminUrl = adminUrlOf(io, options.admin);
        if (adminUrl !== undefined) {
          const query = new URLSearchParams({ method: method.toUpperCase(), path: target });
          for (const [name, value] of Object.entries(headers)) query.append('header', `${name}:${value}`);
          const live = await readAdmin<LiveExplanation>(io, adminUrl, `/explain?${query.toString()}`);
          io.stdout.write(
            options.json
              ? `${JSON.stringify({ source: 'admin', from: adminUrl, ...live }, null, 2)}\n`
              : `${formatLive(live, adminUrl, io.color)}\n`,
          );
          return;
        }
        const read = await readRoutesFile(io, options.config);
        if (!read.ok) {
          io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
          throw new CliExit(1);
        }
        const table = createRouteTable(read.config.routes, {
          caseSensitive: read.config.proxy.caseSensitive,
        });
        const explanation = explainRoute(table, read.config, {
          method: method.toUpperCase(),
          path: target,
          headers,
        });
        const colors = pc.createColors(io.color);
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ source: 'file', from: read.file, ...explanation }, null, 2)}\n`
            : `${colors.dim(`from ${read.file} (the file; --admin URL asks the running proxy)`)}\n` +
                `${formatExplanation(explanation, { color: io.color })}\n`,
        );
      },
    );
}

/** The explanation, the table version that gave it, and an automatic rollback that overrides the stage. */
function formatLive(live: LiveExplanation, adminUrl: string, color: boolean): string {
  const colors = pc.createColors(color);
  const lines = [
    colors.dim(`from the running proxy at ${adminUrl} (live table version ${live.version})`),
    formatExplanation(live, { color }),
  ];
  if (live.autoRolledBack)
    lines.push(
      `  ${colors.red('rolled back')} automatically: the monolith serves it until its stage or canary changes in routes.yaml`,
    );
  return lines.join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
