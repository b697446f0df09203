/** `strangler explain <METHOD> <path> [-H 'name: value']`: which route wins, why, and where it goes. */
import { Command } from 'commander';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems } from '../../config/index.ts';
import { createRouteTable } from '../../routing/route-table.ts';
import { explainRoute, formatExplanation } from '../../routing/explain.ts';
import { readRoutesFile } from '../read-routes-file.ts';

export function createExplainCommand(io: CliIo): Command {
  return new Command('explain')
    .description('show which route a request matches, why, and where it would go')
    .argument('<method>', 'HTTP method, e.g. GET')
    .argument('<path>', 'request path, e.g. /api/products/7?x=1')
    .option('-H, --header <header>', "request header 'name: value' (repeatable)", collect, [] as string[])
    .option('-c, --config <file>', 'routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--json', 'machine-readable output')
    .action(
      async (
        method: string,
        target: string,
        options: { header: string[]; config: string; json?: boolean },
      ) => {
        const read = await readRoutesFile(io, options.config);
        if (!read.ok) {
          io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
          throw new CliExit(1);
        }
        const headers: Record<string, string> = {};
        for (const header of options.header) {
          const colon = header.indexOf(':');
          if (colon <= 0) throw new CliExit(2, `strangler: -H expects 'name: value', got "${header}"`);
          headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
        }
        const table = createRouteTable(read.config.routes, {
          caseSensitive: read.config.proxy.caseSensitive,
        });
        const explanation = explainRoute(table, read.config, {
          method: method.toUpperCase(),
          path: target,
          headers,
        });
        io.stdout.write(
          options.json
            ? `${JSON.stringify(explanation, null, 2)}\n`
            : `${formatExplanation(explanation, { color: io.color })}\n`,
        );
      },
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
