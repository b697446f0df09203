/**
 * `strangler-proxy roll-up [--store url]`: removes minute evidence older than `--minutes-for` (its hours
 * and days stay: every write counts in all three) and whole days older than `--hours-for`, in bounded
 * steps until nothing is left to do. The proxy does the same in the background, one step per interval.
 */
import { Command } from 'commander';
import { CliExit, type CliIo } from '../io.ts';
import { describeStore, openStoreForReading, resolveStore } from '../store-resolver.ts';
import { RETENTION_DEFAULTS, retentionPolicy } from '../options.ts';
import { readStoreKey } from '../read-store-key.ts';
import { configPath } from './promote-shared.ts';

interface RollUpFlags {
  readonly config: string;
  readonly store?: string;
  readonly minutesFor: string;
  readonly hoursFor: string;
  readonly json?: boolean;
}

export function createRollUpCommand(io: CliIo): Command {
  return new Command('roll-up')
    .description('drop old minute evidence (its hours stay) and evidence past the period kept')
    .option('-c, --config <file>', 'routes file naming the store', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--store <url>', 'results store (default: STRANGLER_STORE, else store: in the routes file)')
    .option(
      '--minutes-for <duration>',
      'keep minutes this long, then hours (24h, 7d)',
      RETENTION_DEFAULTS.minutesFor,
    )
    .option(
      '--hours-for <duration>',
      'keep hours and days this long (whole days), then remove them (90d)',
      RETENTION_DEFAULTS.hoursFor,
    )
    .option('--json', 'machine-readable output')
    .action((flags: RollUpFlags) => rollUp(io, flags));
}

async function rollUp(io: CliIo, flags: RollUpFlags): Promise<void> {
  const routesFile = configPath(io, flags.config);
  const routesStore = flags.store === undefined ? await readStoreKey(io, routesFile) : undefined;
  const resolved = resolveStore({ flag: flags.store, env: io.env, routesFile, routesStore, cwd: io.cwd });
  const policy = retentionPolicy(flags, { minutesFor: '--minutes-for', hoursFor: '--hours-for' });
  const store = await openStoreForReading(resolved);
  let hoursRolled = 0;
  let rowsRemoved = 0;
  try {
    if (!store.rollUp)
      throw new CliExit(2, `strangler: ${describeStore(resolved)} keeps no evidence to roll up`);
    for (;;) {
      const result = await store.rollUp(policy);
      hoursRolled += result.hoursRolled;
      rowsRemoved += result.rowsRemoved;
      if (!result.more) break;
    }
  } finally {
    await store.close();
  }
  const summary = { file: flags.config, store: describeStore(resolved), hoursRolled, rowsRemoved };
  io.stdout.write(
    flags.json
      ? `${JSON.stringify(summary, null, 2)}\n`
      : `${summary.store}: ${hoursRolled} hour${hoursRolled === 1 ? '' : 's'} of minutes rolled up, ${rowsRemoved} row${rowsRemoved === 1 ? '' : 's'} past the period kept removed\n`,
  );
}
