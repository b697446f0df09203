/**
 * `strangler-proxy status --fleet`: the proxies registered in the results store, live and gone, with the
 * routes revision each applied (`fleet-status.ts`).
 */
import { Command } from 'commander';
import { CliExit, type CliIo } from '../io.ts';
import { configPath, inProcess } from './promote-shared.ts';
import { formatFleetStatus, readFleetStatus } from '../fleet-status.ts';

interface StatusFlags {
  readonly fleet?: boolean;
  readonly store?: string;
  readonly config: string;
  readonly json?: boolean;
}

export function createStatusCommand(io: CliIo, now: () => number = Date.now): Command {
  const command = new Command('status')
    .description('show the state of running proxies: --fleet lists every proxy sharing the results store')
    .option('--fleet', 'every proxy registered in the results store and the routes revision it applied')
    .option(
      '--store <url>',
      "results store (default: STRANGLER_STORE, else the routes file's store:, else strangler.db beside it)",
    )
    .option(
      '-c, --config <file>',
      'routes file beside which the default store lies',
      io.env.STRANGLER_CONFIG ?? 'routes.yaml',
    )
    .option('--json', 'print it as JSON')
    .action(async (flags: StatusFlags) => {
      if (flags.fleet !== true) throw new CliExit(2, 'strangler: status needs a view: --fleet');
      const fleet = await readFleetStatus(
        io,
        { file: configPath(io, flags.config), store: flags.store },
        now(),
      );
      io.stdout.write(flags.json === true ? `${JSON.stringify(fleet, null, 2)}\n` : formatFleetStatus(fleet));
    });
  return inProcess(command, io);
}
