/**
 * `strangler promote <route-id>`: gate the route's next step on recorded evidence, then edit routes.yaml in
 * place. A thin layer over {@link promoteRoute}. The rollback and check commands live beside it and are
 * re-exported here.
 */
import { Command } from 'commander';
import { CliExit } from '../io.ts';
import type { CliIo } from '../io.ts';
import { noteUnsetUpstreamsOf } from '../read-routes-file.ts';
import { describePosition } from '../../promote/plan.ts';
import { promoteRoute } from '../../promote/promote-route.ts';
import type { PromoteRouteResult } from '../../promote/promote-route.ts';
import { promoteDecision } from '../../promote/decision-record.ts';
import { whoIsDeciding } from '../ledger.ts';
import { checkFleetAgreement } from '../fleet-agreement.ts';
import {
  EXIT_GATE_FAILED,
  addEvidenceFlags,
  addGateFlags,
  evidenceChoice,
  colorsFor,
  configPath,
  formatDecision,
  formatGate,
  gateOverrides,
  inProcess,
  lines,
  parseMessage,
  printChange,
  moveJson,
  recordInLedger,
  reportingErrors,
} from './promote-shared.ts';
import type { MoveJson } from './promote-shared.ts';
import type { EvidenceFlags, GateFlags, PromoteCommandDeps } from './promote-shared.ts';

export { createRollbackCommand } from './rollback.ts';
export { createCheckCommand } from './check.ts';
export type { PromoteCommandDeps } from './promote-shared.ts';

interface PromoteFlags extends GateFlags, EvidenceFlags {
  readonly config: string;
  readonly store?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly message?: string;
  readonly json?: boolean;
}

export function createPromoteCommand(io: CliIo, deps: PromoteCommandDeps): Command {
  const command = new Command('promote')
    .description('gate a route on recorded evidence, then move it one step along its plan in routes.yaml')
    .argument('<route-id>', 'the route to promote')
    .option('-c, --config <file>', 'the routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--store <url>', 'the results store holding the evidence')
    .option('--force', 'promote even though the gate fails (says so loudly)')
    .option('--dry-run', 'print the change as a diff and write nothing')
    .option(
      '-m, --message <text>',
      'a one-line summary: kept in the ledger, written as a comment on the route, a commit trailer in --json',
      parseMessage,
    )
    .option('--json', 'print the gate, the change and the commit trailer as JSON');
  addEvidenceFlags(addGateFlags(command), deps.now ?? Date.now).action(
    (routeId: string, flags: PromoteFlags) =>
      reportingErrors(io, async () => {
        await checkFleetAgreement(io, { file: configPath(io, flags.config), store: flags.store }, routeId, {
          refuse: flags.force !== true && flags.dryRun !== true,
          now: (deps.now ?? Date.now)(),
        });
        await noteUnsetUpstreamsOf(io, flags.config);
        const result = await promoteRoute({
          file: configPath(io, flags.config),
          routeId,
          loadEvidence: deps.loadEvidence,
          store: flags.store,
          force: flags.force === true,
          dryRun: flags.dryRun === true,
          gateOverrides: gateOverrides(flags),
          ...evidenceChoice(flags),
          now: deps.now,
          validate: deps.validate,
          env: io.env,
          ...(flags.message === undefined ? {} : { message: flags.message }),
        });
        if (flags.json !== true) printPromotion(io, flags.config, result);
        const decision =
          result.change?.written === true
            ? promoteDecision(result, {
                ...whoIsDeciding(io),
                at: (deps.now ?? Date.now)(),
                ...(flags.message === undefined ? {} : { message: flags.message }),
              })
            : undefined;
        const ledger = decision
          ? await recordInLedger(
              io,
              { file: configPath(io, flags.config), store: flags.store },
              decision,
              flags.json === true,
            )
          : null;
        if (flags.json !== true) return;
        io.stdout.write(`${JSON.stringify(promoteJson(flags, result, ledger), null, 2)}\n`);
        if (!result.gate.proceed) throw new CliExit(EXIT_GATE_FAILED);
      }),
  );
  return inProcess(command, io);
}

/** The `--json` shape of promote: the gate, the change, the ledger and the commit trailer. */
export interface PromoteJson extends MoveJson {
  readonly gate: {
    readonly outcome: string;
    readonly passed: boolean;
    readonly forced: boolean;
    readonly conditions: readonly { name: string; state: string; actual: number | null; limit: number }[];
  };
  readonly verdict: string;
}

function promoteJson(flags: PromoteFlags, result: PromoteRouteResult, ledger: string | null): PromoteJson {
  return {
    ...moveJson(flags, result, result.gate.forced ? 'forced promote' : 'promote', ledger),
    gate: {
      outcome: result.gate.outcome,
      passed: result.gate.passed,
      forced: result.gate.forced,
      conditions: result.gate.conditions.map(({ name, state, actual, limit }) => ({
        name,
        state,
        actual,
        limit,
      })),
    },
    verdict: result.decision.verdict,
  };
}

function printPromotion(io: CliIo, file: string, result: PromoteRouteResult): void {
  const c = colorsFor(io);
  io.stdout.write(
    lines(
      c.bold(`${result.routeId}: ${result.move.description}`),
      ...formatGate(result.gate, c),
      formatDecision(result.decision),
    ),
  );
  const named = (state: 'fail' | 'hold') =>
    result.gate.conditions
      .filter((condition) => condition.state === state)
      .map((condition) => condition.name);
  const failed = named('fail');
  const holding = named('hold');
  // `mismatch_rate failed; min_compared, error_rate hold` (or the verdict, for a rolled-back canary).
  const why = [
    failed.length > 0 ? `${failed.join(', ')} failed` : undefined,
    holding.length > 0 ? `${holding.join(', ')} hold for more evidence` : undefined,
  ].filter((part) => part !== undefined);
  const because = why.length > 0 ? why.join('; ') : result.decision.label;
  if (!result.gate.proceed) {
    io.stderr.write(
      lines(`${c.red('promotion refused')}: ${because}; ${file} not changed (--force overrides the gate)`),
    );
    throw new CliExit(EXIT_GATE_FAILED);
  }
  if (result.gate.forced) {
    const word = result.gate.outcome === 'hold' ? 'HOLDS' : 'FAILED';
    io.stderr.write(
      lines(
        c.bold(c.yellow(`FORCED: the gate ${word} (${because}) and --force overrides it.`)),
        c.yellow(
          `${result.routeId} ${result.change?.written === false ? 'would move' : 'moves'} to ${describePosition(result.move.to)} without the evidence its plan asks for.`,
        ),
      ),
    );
  }
  if (result.change) printChange(io, file, result.change, result.reloadInterval, c);
}
