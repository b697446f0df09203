/**
 * What `promote`, `rollback` and `check` share: option parsers, the in-process commander setup, printing
 * gate conditions and promotion errors.
 *
 * Exit codes: 0 done (or every gate passes); 1 a gate failed; 2 the command could not run (invalid file,
 * unknown route, no step to move to, bad arguments). Commands print their own diagnostics and end by
 * throwing {@link CliExit}, which carries no message.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import pc from 'picocolors';
import { CliExit } from '../io.ts';
import type { CliIo } from '../io.ts';
import { isPromoteError } from '../../promote/errors.ts';
import type { GateCondition, GateOverrides, GateResult } from '../../promote/gate.ts';
import type { RouteFileChange } from '../../promote/edit-routes-file.ts';
import type { LoadEvidence } from '../../promote/promote-route.ts';
import type { RouteDecision } from '../../promote/decide-route.ts';
import { revisionOption, type RevisionChoice } from '../options.ts';
import { parseSince } from './report.ts';
import { ledgerStore, recordDecision } from '../ledger.ts';
import { describeStore } from '../store-resolver.ts';
import type { StoredDecision } from '../../store/result-store.ts';
import type { ValidateRoutesText } from '../../promote/validate-routes-text.ts';
import { describePosition, type Move } from '../../promote/plan.ts';
import { decisionTrailer, type DecisionKindText } from '../../promote/move-summary.ts';

export type Colors = ReturnType<typeof pc.createColors>;

export const EXIT_GATE_FAILED = 1;
export const EXIT_ERROR = 2;

/** What the integrator supplies to the promotion commands. */
export interface PromoteCommandDeps {
  /** Reads the figures of the results store (`--store` tells where). */
  readonly loadEvidence: LoadEvidence;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly now?: () => number;
  /** How routes.yaml text is validated; the config loader once it exists. */
  readonly validate?: ValidateRoutesText;
}

export function colorsFor(io: CliIo): Colors {
  return pc.createColors(io.color);
}

/** Output through `io`, and commander's own exits (usage errors, --help) as {@link CliExit}. */
export function inProcess(command: Command, io: CliIo): Command {
  return command
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .exitOverride((error) => {
      throw new CliExit(error.exitCode === 0 ? 0 : EXIT_ERROR);
    });
}

export function configPath(io: CliIo, file: string): string {
  return resolve(io.cwd, file);
}

export function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return value;
}

/** `0.01` or `1%`. */
export function parseRate(text: string): number {
  const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidArgumentError('expected a rate between 0 and 1 (or a percentage such as 1%)');
  }
  return value;
}

/** `--message`: one line, since it is a summary beside a diff, not a description. */
export function parseMessage(text: string): string {
  const message = text.trim();
  if (message === '' || /[\r\n]/.test(message))
    throw new InvalidArgumentError('expected a one-line summary (no line breaks, not empty)');
  return message;
}

/**
 * Appends a move to the decision ledger. The file is already changed by then, so a failed write warns
 * rather than fails: repeating the command would move the route again.
 */
export async function recordInLedger(
  io: CliIo,
  source: { readonly file: string; readonly store?: string },
  decision: StoredDecision,
  quiet = false,
): Promise<string | null> {
  const ledger = await ledgerStore(io, source);
  const where = describeStore(ledger);
  try {
    await recordDecision(ledger, decision);
    if (!quiet) io.stdout.write(lines(`recorded in the decision ledger of ${where}`));
    return where;
  } catch (error) {
    io.stderr.write(
      lines(
        `${colorsFor(io).yellow('warning')}: the move is made but not recorded in the decision ledger of ${where}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    return null;
  }
}

/** What `promote --json` and `rollback --json` share. */
export interface MoveJson {
  readonly routeId: string;
  /** The routes file, as given. */
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** Whether the file was rewritten (false for a dry run, a refused gate, or nothing to change). */
  readonly written: boolean;
  /** The unified diff of the change, empty when there is none. */
  readonly diff: string;
  /** The route's revision before the move. */
  readonly revision: string;
  readonly message: string | null;
  /** With `--message`: a line to append to the commit that carries the change. */
  readonly trailer: string | null;
  /** The store whose ledger recorded the move, null when nothing was recorded. */
  readonly ledger: string | null;
}

export function moveJson(
  flags: { readonly config: string; readonly message?: string },
  result: {
    readonly routeId: string;
    readonly move: Move;
    readonly revision: string;
    readonly change?: RouteFileChange;
  },
  kind: DecisionKindText,
  ledger: string | null,
): MoveJson {
  return {
    routeId: result.routeId,
    file: flags.config,
    from: describePosition(result.move.from),
    to: describePosition(result.move.to),
    written: result.change?.written === true,
    diff: result.change?.diff ?? '',
    revision: result.revision,
    message: flags.message ?? null,
    trailer:
      flags.message === undefined
        ? null
        : decisionTrailer(result.routeId, kind, result.move, result.revision, flags.message),
    ledger,
  };
}

export function parseRatio(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('expected a number > 0');
  return value;
}

export interface GateFlags {
  readonly minCompared?: number;
  readonly maxMismatchRate?: number;
  readonly maxErrorRate?: number;
  readonly maxLatencyRatio?: number;
}

export function addGateFlags(command: Command): Command {
  return command
    .option('--min-compared <n>', 'compared pairs needed to leave shadow', parseCount)
    .option('--max-mismatch-rate <rate>', 'highest mismatch rate allowed (0.01 or 1%)', parseRate)
    .option('--max-error-rate <rate>', 'highest service error rate allowed (0.01 or 1%)', parseRate)
    .option('--max-latency-ratio <ratio>', 'highest service p95 / legacy p95 allowed', parseRatio);
}

export interface EvidenceFlags {
  readonly since?: number;
  readonly revision?: RevisionChoice;
}

/** `--since` and `--revision`: which evidence the gate counts (default: the gate window, current revision). */
export function addEvidenceFlags(command: Command, now: () => number): Command {
  return command
    .option(
      '--since <duration|time>',
      'count evidence newer than this: 30m, 6h, 7d or an ISO time (default: the gate window)',
      (text) => parseSince(text, now()),
    )
    .addOption(revisionOption());
}

export function evidenceChoice(flags: EvidenceFlags): { since?: number; revisions?: RevisionChoice } {
  return {
    ...(flags.since === undefined ? {} : { since: flags.since }),
    ...(flags.revision === undefined ? {} : { revisions: flags.revision }),
  };
}

export function gateOverrides(flags: GateFlags): GateOverrides {
  return {
    minCompared: flags.minCompared,
    maxMismatchRate: flags.maxMismatchRate,
    maxErrorRate: flags.maxErrorRate,
    maxLatencyRatio: flags.maxLatencyRatio,
  };
}

export function formatCondition(condition: GateCondition, c: Colors): string {
  const mark =
    condition.state === 'pass' ? c.green('✓') : condition.state === 'hold' ? c.yellow('…') : c.red('✗');
  return `  ${mark} ${condition.message}`;
}

export function formatGate(gate: GateResult, c: Colors): string[] {
  if (gate.conditions.length === 0) return [`gate: ${gate.note ?? 'nothing to check'}`];
  const word = gate.outcome === 'hold' ? 'HOLDS' : 'FAILED';
  const verdict = gate.passed
    ? c.green('passed')
    : gate.forced
      ? c.yellow(`${word} (forced)`)
      : gate.outcome === 'hold'
        ? c.yellow(word)
        : c.red(word);
  return [`gate ${verdict}:`, ...gate.conditions.map((condition) => formatCondition(condition, c))];
}

/** `verdict: hold: …`: the route's verdict in the words `report` and `check` use. */
export function formatDecision(decision: RouteDecision): string {
  return `verdict: ${decision.label}: ${decision.reason}`;
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/**
 * Runs a command body: a promotion error is printed with its code and details, and ends the command with
 * exit code 2; other errors propagate.
 */
export async function reportingErrors(io: CliIo, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!isPromoteError(error)) throw error;
    const c = colorsFor(io);
    io.stderr.write(`${c.red('error')} ${error.code}: ${error.message}\n`);
    for (const detail of error.details) io.stderr.write(`  ${detail}\n`);
    throw new CliExit(EXIT_ERROR);
  }
}

/** For promote and rollback: the diff of a dry run, or what was written and when the proxy sees it. */
export function printChange(
  io: CliIo,
  file: string,
  change: RouteFileChange,
  reloadInterval: number,
  c: Colors,
): void {
  if (!change.written && change.diff !== '') {
    io.stdout.write(change.diff);
    io.stdout.write(lines(c.dim(`dry run: ${file} not changed`)));
    return;
  }
  if (!change.written) {
    io.stdout.write(lines(`${file} already says so: nothing to write`));
    return;
  }
  io.stdout.write(
    lines(
      `${c.green('updated')} ${file}`,
      `a running proxy picks this up by hot reload (it polls the file every ${seconds(reloadInterval)})`,
    ),
  );
}

export function lines(...text: readonly string[]): string {
  return text.map((line) => `${line}\n`).join('');
}
