/**
 * `strangler-proxy inventory`: what the monolith still serves. Paths no route matched, grouped into
 * templates (`/api/users/:id`), with request counts: the list of what is left to extract. `--suggest`
 * turns them into route entries to append to routes.yaml.
 */
import { Command } from 'commander';
import pc from 'picocolors';
import { CliExit, type CliIo } from '../io.ts';
import { parseDuration } from '../../config/schema.ts';
import { formatTable } from '../format-table.ts';
import { DEFAULT_STORE_FILE, describeStore, openStoreForReading, resolveStore } from '../store-resolver.ts';
import { readStoreKey } from '../read-store-key.ts';
import { suggestRoutes } from '../suggest-routes.ts';
import { readRoutesForSuggestions } from '../read-routes-for-suggestions.ts';

interface InventoryOptions {
  store?: string;
  since: string;
  limit: string;
  json?: boolean;
  suggest?: boolean;
  config: string;
  service?: string;
}

export function createInventoryCommand(io: CliIo): Command {
  return new Command('inventory')
    .description('list the paths the monolith still serves, grouped into templates, by traffic')
    .option(
      '--store <url>',
      `results store (default: STRANGLER_STORE, else store: in the routes file, else ${DEFAULT_STORE_FILE} beside it)`,
    )
    .option('--since <duration>', 'only traffic newer than this (e.g. 1h, 7d as 168h)', '24h')
    .option('--limit <n>', 'templates listed at most', '50')
    .option('--json', 'machine-readable output')
    .option('--suggest', 'print route entries (stage legacy) to append to routes.yaml')
    .option(
      '-c, --config <file>',
      'routes file (--suggest reads it; its store: key names the store)',
      io.env.STRANGLER_CONFIG ?? 'routes.yaml',
    )
    .option('--service <name>', 'the service --suggest names (default: the first in routes.yaml)')
    .action(async (options: InventoryOptions) => {
      let windowMs: number;
      try {
        windowMs = parseDuration(options.since);
      } catch {
        throw new CliExit(
          2,
          `strangler: --since expects a duration such as 30m, 1h or 24h, got "${options.since}"`,
        );
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new CliExit(2, `strangler: --limit expects a positive whole number`);
      const resolved = resolveStore({
        flag: options.store,
        env: io.env,
        routesFile: options.config,
        // Read only when it decides: a flag or variable makes the file's key (and the file) irrelevant.
        routesStore:
          options.store === undefined && !io.env.STRANGLER_STORE
            ? await readStoreKey(io, options.config)
            : undefined,
        cwd: io.cwd,
      });
      const store = await openStoreForReading(resolved);
      io.stderr.write(`store: ${describeStore(resolved)}\n`);
      try {
        // Shares are of all unmatched traffic in the window, not of the rows listed.
        const all = await store.unmatched({ since: Date.now() - windowMs });
        const total = all.reduce((sum, row) => sum + row.count, 0);
        const rows = all.slice(0, limit);
        if (options.suggest) {
          const routes = await readRoutesForSuggestions(io, options.config);
          const text = suggestRoutes(all, {
            ...routes,
            service: options.service,
            since: options.since,
            limit,
          });
          if (text === '')
            io.stderr.write(
              `no request outside the route table in the last ${options.since}: nothing to suggest\n`,
            );
          io.stdout.write(text);
          return;
        }
        if (options.json) {
          io.stdout.write(
            `${JSON.stringify({ store: describeStore(resolved), since: options.since, total, templates: rows }, null, 2)}\n`,
          );
          return;
        }
        const colors = pc.createColors(io.color);
        if (rows.length === 0) {
          io.stdout.write(
            `${colors.green('✓')} no request outside the route table in the last ${options.since}\n`,
          );
          return;
        }
        const table = formatTable(
          ['METHOD', 'TEMPLATE', 'REQUESTS', 'SHARE'],
          rows.map((row) => [
            row.method,
            colors.bold(row.template),
            String(row.count),
            `${((row.count / total) * 100).toFixed(1)}%`,
          ]),
        );
        io.stdout.write(`${colors.dim(`Still served by the monolith (last ${options.since}):`)}\n${table}\n`);
      } finally {
        await store.close();
      }
    });
}
