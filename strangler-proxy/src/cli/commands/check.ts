/**
 * `strangler check [--route id] [--json]`: evaluate every route's gate for its next step, change nothing.
 * Exit 0 when every gate passes, 1 otherwise. A thin layer over {@link checkRoutes}.
 */
import { Command } from 'commander';
import { CliExit } from '../io.ts';
import type { CliIo } from '../io.ts';
import { hintsOf } from '../evidence.ts';
import type { RootCauseHint } from '../../report/report-model.ts';
import { describePosition } from '../../promote/plan.ts';
import type { Position } from '../../promote/plan.ts';
import { checkRoutes } from '../../promote/promote-route.ts';
import type { CheckRoutesResult, RouteCheck } from '../../promote/promote-route.ts';
import {
  EXIT_GATE_FAILED,
  addGateFlags,
  colorsFor,
  configPath,
  gateOverrides,
  inProcess,
  lines,
  reportingErrors,
} from './promote-shared.ts';
import type { Colors, GateFlags, PromoteCommandDeps } from './promote-shared.ts';

interface CheckFlags extends GateFlags {
  readonly config: string;
  readonly store?: string;
  readonly route?: string;
  readonly json?: boolean;
}

export function createCheckCommand(io: CliIo, deps: PromoteCommandDeps): Command {
  const command = new Command('check')
    .description("evaluate each route's gate for its next step without changing anything")
    .option('-c, --config <file>', 'the routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--store <url>', 'the results store holding the evidence')
    .option('--route <id>', 'only this route')
    .option('--json', 'print the result as JSON');
  addGateFlags(command).action((flags: CheckFlags) =>
    reportingErrors(io, async () => {
      const result = await checkRoutes({
        file: configPath(io, flags.config),
        routeId: flags.route,
        loadEvidence: deps.loadEvidence,
        store: flags.store,
        gateOverrides: gateOverrides(flags),
        now: deps.now,
        validate: deps.validate,
        env: io.env,
      });
      io.stdout.write(
        flags.json === true ? `${JSON.stringify(toJson(result), null, 2)}\n` : table(result, colorsFor(io)),
      );
      if (!result.passed) throw new CliExit(EXIT_GATE_FAILED);
    }),
  );
  return inProcess(command, io);
}

/** The `--json` shape: stable, documented field names. */
export interface CheckJson {
  readonly passed: boolean;
  readonly routes: readonly {
    readonly id: string;
    readonly stage: Position['stage'];
    readonly percent?: number;
    /** Null for a migrated route. */
    readonly next: Position | null;
    readonly passed: boolean;
    readonly note?: string;
    readonly conditions: readonly {
      readonly name: string;
      readonly ok: boolean;
      readonly actual: number | null;
      readonly limit: number;
      readonly message: string;
    }[];
    /** Likely causes of the route's differences, from the report (status-class causes first). */
    readonly hints: readonly RootCauseHint[];
  }[];
}

export function toJson(result: CheckRoutesResult): CheckJson {
  return {
    passed: result.passed,
    routes: result.routes.map((check) => ({
      id: check.routeId,
      ...check.position,
      next: check.move?.to ?? null,
      passed: check.passed,
      ...(check.gate?.note === undefined ? {} : { note: check.gate.note }),
      conditions: (check.gate?.conditions ?? []).map((condition) => ({ ...condition })),
      hints: hintsOf(check.evidence),
    })),
  };
}

function table(result: CheckRoutesResult, c: Colors): string {
  const rows = result.routes.map((check) => ({
    route: check.routeId,
    stage: describePosition(check.position),
    next: check.move ? describePosition(check.move.to) : '—',
    gate: verdict(check),
    details: details(check),
  }));
  const header = { route: 'ROUTE', stage: 'STAGE', next: 'NEXT', gate: 'GATE', details: 'DETAILS' };
  const width = (key: 'route' | 'stage' | 'next' | 'gate') =>
    Math.max(header[key].length, ...rows.map((row) => row[key].length));
  const widths = { route: width('route'), stage: width('stage'), next: width('next'), gate: width('gate') };
  const paint = (gate: string) => (gate === 'pass' ? c.green : gate === 'FAIL' ? c.red : c.dim)(gate);
  const format = (row: typeof header, color: (gate: string) => string) =>
    [
      row.route.padEnd(widths.route),
      row.stage.padEnd(widths.stage),
      row.next.padEnd(widths.next),
      color(row.gate) + ' '.repeat(widths.gate - row.gate.length),
      row.details,
    ]
      .join('  ')
      .trimEnd();
  const summary = result.passed
    ? c.green(`every gate passes (${rows.length} route${rows.length === 1 ? '' : 's'})`)
    : c.red(
        `${result.routes.filter((check) => !check.passed).length} of ${rows.length} routes cannot move on yet`,
      );
  // Under a failed gate, what the figures suggest is behind it.
  const causes = result.routes
    .filter((check) => !check.passed)
    .flatMap((check) =>
      hintsOf(check.evidence).flatMap((hint) => [
        `${check.routeId}: likely cause: ${hint.summary}`,
        c.dim(`  ${hint.evidence}`),
        c.dim(`  next: ${hint.nextStep}`),
      ]),
    );
  return lines(
    c.bold(format(header, (gate) => gate)),
    ...rows.map((row) => format(row, paint)),
    ...(causes.length > 0 ? ['', ...causes] : []),
    '',
    summary,
  );
}

function verdict(check: RouteCheck): string {
  if (!check.move) return '—';
  return check.passed ? 'pass' : 'FAIL';
}

function details(check: RouteCheck): string {
  if (!check.move || !check.gate) return 'migrated: nothing left to gate';
  if (check.gate.conditions.length === 0) return check.gate.note ?? '';
  const failed = check.gate.conditions.filter((condition) => !condition.ok);
  const shown = failed.length > 0 ? failed : check.gate.conditions;
  return shown.map((condition) => condition.message).join('; ');
}
