/**
 * `strangler-proxy status [-c routes.yaml] [--admin URL | --fleet] [--json]`: where the migration stands.
 * With `--admin` (or STRANGLER_ADMIN_URL), from the running proxy; with `--fleet`, every proxy registered in
 * the results store and the routes revision each applied (`../fleet-status.ts`); without either, from the
 * file, and it says so. Each source is a module of `../status/` producing one {@link StatusView}.
 */
import { Command } from 'commander';
import { CliExit, type CliIo } from '../io.ts';
import { adminOption, adminUrlOf } from '../admin-client.ts';
import { configOption } from '../options.ts';
import { configPath, inProcess } from './promote-shared.ts';
import { renderStatus, type StatusView } from '../status/status-view.ts';
import { statusFromAdmin } from '../status/status-from-admin.ts';
import { statusFromFile } from '../status/status-from-file.ts';
import { formatFleetStatus, readFleetStatus } from '../fleet-status.ts';

interface StatusFlags {
  readonly config?: string;
  readonly admin?: string;
  readonly fleet?: boolean;
  readonly store?: string;
  readonly json?: boolean;
}

export function createStatusCommand(io: CliIo, now: () => number = Date.now): Command {
  const command = new Command('status')
    .description(
      'show where each route stands: stages, who serves, rollbacks, breakers (file, running proxy or fleet)',
    )
    .addOption(configOption())
    .addOption(adminOption())
    .option('--fleet', 'every proxy registered in the results store and the routes revision it applied')
    .option(
      '--store <url>',
      "results store for --fleet (default: STRANGLER_STORE, else the routes file's store:, else strangler.db beside it)",
    )
    .option('--json', 'machine-readable output')
    .action(async (flags: StatusFlags) => {
      if (flags.fleet === true) {
        if (flags.admin !== undefined)
          throw new CliExit(2, 'strangler: status takes --fleet or --admin, not both');
        const file = flags.config ?? io.env.STRANGLER_CONFIG ?? 'routes.yaml';
        const fleet = await readFleetStatus(io, { file: configPath(io, file), store: flags.store }, now());
        io.stdout.write(
          flags.json === true ? `${JSON.stringify({ file, ...fleet }, null, 2)}\n` : formatFleetStatus(fleet),
        );
        return;
      }
      const view = await readStatus(io, flags);
      io.stdout.write(
        flags.json === true ? `${JSON.stringify(view, null, 2)}\n` : `${renderStatus(view, io.color)}\n`,
      );
    });
  return inProcess(command, io);
}

function readStatus(io: CliIo, flags: StatusFlags): Promise<StatusView> {
  const adminUrl = adminUrlOf(io, flags.admin);
  if (adminUrl !== undefined) return statusFromAdmin(io, adminUrl);
  return statusFromFile(io, flags.config ?? io.env.STRANGLER_CONFIG ?? 'routes.yaml');
}
