/**
 * `strangler-proxy status [-c routes.yaml] [--admin URL] [--json]`: where the migration stands. With
 * `--admin` (or STRANGLER_ADMIN_URL), from the running proxy; without, from the file, and it says so.
 * Each source is a module of `../status/` producing one {@link StatusView}.
 */
import { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { adminOption, adminUrlOf } from '../admin-client.ts';
import { configOption } from '../options.ts';
import { inProcess } from './promote-shared.ts';
import { renderStatus, type StatusView } from '../status/status-view.ts';
import { statusFromAdmin } from '../status/status-from-admin.ts';
import { statusFromFile } from '../status/status-from-file.ts';

interface StatusFlags {
  readonly config?: string;
  readonly admin?: string;
  readonly json?: boolean;
}

export function createStatusCommand(io: CliIo): Command {
  const command = new Command('status')
    .description(
      'show where each route stands: stages, who serves, rollbacks, breakers (file or running proxy)',
    )
    .addOption(configOption())
    .addOption(adminOption())
    .option('--json', 'machine-readable output')
    .action(async (flags: StatusFlags) => {
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
