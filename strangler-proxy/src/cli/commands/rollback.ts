/**
 * `strangler rollback <route-id> [--to legacy|shadow|canary]`: move a route back, ungated. A thin layer
 * over {@link rollbackRoute}.
 */
import { Command, Option } from 'commander';
import type { CliIo } from '../io.ts';
import { noteUnsetUpstreamsOf } from '../read-routes-file.ts';
import { ROLLBACK_TARGETS, describePosition } from '../../promote/plan.ts';
import type { RollbackTarget } from '../../promote/plan.ts';
import { rollbackRoute, type RollbackRouteResult } from '../../promote/promote-route.ts';
import type { StoredDecision } from '../../store/result-store.ts';
import {
  colorsFor,
  configPath,
  inProcess,
  lines,
  moveJson,
  parseMessage,
  printChange,
  recordInLedger,
  reportingErrors,
} from './promote-shared.ts';
import { rollbackDecision } from '../../promote/decision-record.ts';
import { whoIsDeciding } from '../ledger.ts';
import type { PromoteCommandDeps } from './promote-shared.ts';

interface RollbackFlags {
  readonly config: string;
  readonly to?: RollbackTarget;
  readonly dryRun?: boolean;
  readonly store?: string;
  readonly message?: string;
  readonly json?: boolean;
}

export function createRollbackCommand(
  io: CliIo,
  deps: Pick<PromoteCommandDeps, 'validate' | 'now'> = {},
): Command {
  const command = new Command('rollback')
    .description('move a route back in routes.yaml: one step, or straight to a stage with --to (no gate)')
    .argument('<route-id>', 'the route to roll back')
    .option('-c, --config <file>', 'the routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .addOption(
      new Option(
        '--to <stage>',
        'go straight back to this stage (canary: the nearest lower canary step)',
      ).choices(ROLLBACK_TARGETS),
    )
    .option('--dry-run', 'print the change as a diff and write nothing')
    .option('--store <url>', 'the results store whose decision ledger records the rollback')
    .option(
      '-m, --message <text>',
      'a one-line summary: kept in the ledger, written as a comment on the route, a commit trailer in --json',
      parseMessage,
    )
    .option('--json', 'print the change and the commit trailer as JSON')
    .action((routeId: string, flags: RollbackFlags) =>
      reportingErrors(io, async () => {
        await noteUnsetUpstreamsOf(io, flags.config);
        const result = await rollbackRoute({
          file: configPath(io, flags.config),
          routeId,
          to: flags.to,
          dryRun: flags.dryRun === true,
          validate: deps.validate,
          env: io.env,
          ...(flags.message === undefined ? {} : { message: flags.message }),
        });
        if (flags.json === true) {
          const ledger =
            result.change?.written === true
              ? await recordInLedger(
                  io,
                  { file: configPath(io, flags.config), store: flags.store },
                  decisionOf(io, deps, result, flags),
                  true,
                )
              : null;
          io.stdout.write(`${JSON.stringify(moveJson(flags, result, 'rollback', ledger), null, 2)}\n`);
          return;
        }
        const c = colorsFor(io);
        if (!result.move.changes) {
          io.stdout.write(
            lines(`${result.routeId} is already at ${describePosition(result.move.from)}: nothing changed`),
          );
          return;
        }
        io.stdout.write(
          lines(c.bold(`${result.routeId}: ${result.move.description}`), 'rollback: not gated'),
        );
        if (result.change) printChange(io, flags.config, result.change, result.reloadInterval, c);
        if (result.change?.written !== true) return;
        await recordInLedger(
          io,
          { file: configPath(io, flags.config), store: flags.store },
          decisionOf(io, deps, result, flags),
        );
      }),
    );
  return inProcess(command, io);
}

function decisionOf(
  io: CliIo,
  deps: Pick<PromoteCommandDeps, 'now'>,
  result: RollbackRouteResult,
  flags: RollbackFlags,
): StoredDecision {
  return rollbackDecision(result, {
    ...whoIsDeciding(io),
    at: (deps.now ?? Date.now)(),
    ...(flags.message === undefined ? {} : { message: flags.message }),
  });
}
