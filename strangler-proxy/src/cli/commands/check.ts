/**
 * `strangler check [--route id] [--json]`: evaluate every route's gate for its next step, change nothing.
 * Exit 0 when every gate passes, 1 otherwise. A thin layer over {@link checkRoutes}.
 */
import { Command } from 'commander';
import { CliExit } from '../io.ts';
import type { CliIo } from '../io.ts';
import { noteUnsetUpstreamsOf } from '../read-routes-file.ts';
import { hintsOf } from '../evidence.ts';
import type { RootCauseHint } from '../../report/report-model.ts';
import { describePosition } from '../../promote/plan.ts';
import type { Position } from '../../promote/plan.ts';
import { checkRoutes } from '../../promote/promote-route.ts';
import type { CheckRoutesResult, RouteCheck } from '../../promote/promote-route.ts';
import {
  EXIT_GATE_FAILED,
  addEvidenceFlags,
  addGateFlags,
  evidenceChoice,
  colorsFor,
  configPath,
  gateOverrides,
  inProcess,
  lines,
  reportingErrors,
} from './promote-shared.ts';
import type { Colors, EvidenceFlags, GateFlags, PromoteCommandDeps } from './promote-shared.ts';

interface CheckFlags extends GateFlags, EvidenceFlags {
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
  addEvidenceFlags(addGateFlags(command), deps.now ?? Date.now).action((flags: CheckFlags) =>
    reportingErrors(io, async () => {
      await noteUnsetUpstreamsOf(io, flags.config);
      const result = await checkRoutes({
        file: configPath(io, flags.config),
        routeId: flags.route,
        loadEvidence: deps.loadEvidence,
        store: flags.store,
        gateOverrides: gateOverrides(flags),
        ...evidenceChoice(flags),
        now: deps.now,
        validate: deps.validate,
        env: io.env,
      });
      io.stdout.write(
        flags.json === true
          ? `${JSON.stringify({ file: flags.config, ...toJson(result) }, null, 2)}\n`
          : table(result, colorsFor(io)),
      );
      if (!result.passed) throw new CliExit(EXIT_GATE_FAILED);
    }),
  );
  return inProcess(command, io);
}

/** The `--json` shape: stable, documented field names. */
export interface CheckJson {
  /** The routes file read, as given (`--json` output only). */
  readonly file?: string;
  readonly passed: boolean;
  readonly routes: readonly {
    readonly id: string;
    readonly stage: Position['stage'];
    readonly percent?: number;
    /** Null for a migrated route. */
    readonly next: Position | null;
    readonly passed: boolean;
    /** The route's verdict, as `report` and `/status` give it (`hold`, `ready`, `mismatching`, …). */
    readonly verdict: string;
    /** `pass`, `hold` or `fail`. */
    readonly outcome: string;
    readonly label: string;
    readonly reason: string;
    /** Holding: observations still needed, and about how long at the recent pace (ms). */
    readonly more: number | null;
    readonly etaMs: number | null;
    readonly note?: string;
    readonly conditions: readonly {
      readonly name: string;
      readonly ok: boolean;
      readonly state: string;
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
      verdict: check.decision.verdict,
      outcome: check.decision.outcome,
      label: check.decision.label,
      reason: check.decision.reason,
      more: check.decision.more,
      etaMs: check.decision.etaMs,
      ...(check.gate?.note === undefined ? {} : { note: check.gate.note }),
      conditions: (check.gate?.conditions ?? []).map((condition) => ({
        name: condition.name,
        ok: condition.ok,
        state: condition.state,
        actual: condition.actual,
        limit: condition.limit,
        message: condition.message,
      })),
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
  const paint = (gate: string) =>
    (gate === 'pass' ? c.green : gate === 'FAIL' ? c.red : gate === 'HOLD' ? c.yellow : c.dim)(gate);
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
        `${result.routes.filter((check) => !check.passed).length} of ${rows.length} routes cannot move on yet (${result.routes.filter((check) => check.decision.outcome === 'hold').length} holding for more evidence)`,
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
  return { pass: 'pass', hold: 'HOLD', fail: 'FAIL' }[check.decision.outcome];
}

/** `hold: mismatch rate …`: the verdict's own words, which `report` and `promote` print too. */
function details(check: RouteCheck): string {
  return `${check.decision.label}: ${check.decision.reason}`;
}
