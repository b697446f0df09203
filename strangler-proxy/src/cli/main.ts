/**
 * The `strangler-proxy` CLI: a thin layer of commander over the programmatic API. Commands write to the
 * injected streams and end with a `CliExit`; only this entry point turns that into an exit code.
 */
import { Command, CommanderError } from 'commander';
import { CliExit, type CliIo } from './io.ts';
import { createStartCommand } from './commands/start.ts';
import { createValidateCommand } from './commands/validate.ts';
import { createRoutesCommand } from './commands/routes.ts';
import { createExplainCommand } from './commands/explain.ts';
import { createCheckCommand, createPromoteCommand, createRollbackCommand } from './commands/promote.ts';
import { createInventoryCommand } from './commands/inventory.ts';
import { createInitCommand } from './commands/init.ts';
import { createReportCommand } from './commands/report.ts';
import { createHistoryCommand } from './commands/history.ts';
import { createStatusCommand } from './commands/status.ts';
import { createRetireCommand } from './commands/retire.ts';
import { createEvidenceLoader } from './evidence.ts';
import { createPublishCommand } from './commands/publish.ts';
import { createRollUpCommand } from './commands/roll-up.ts';
import { COMMAND_NAME, packageVersion } from './package-info.ts';

export function createProgram(io: CliIo): Command {
  const output = {
    writeOut: (text: string) => void io.stdout.write(text),
    writeErr: (text: string) => void io.stderr.write(text),
  };
  const program = new Command(COMMAND_NAME)
    .description('Route, shadow, compare and promote: a strangler-fig migration, one route at a time.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput(output);
  const deps = { loadEvidence: createEvidenceLoader(io) };
  for (const command of [
    createInitCommand(io),
    createStartCommand(io),
    createValidateCommand(io),
    createStatusCommand(io),
    createRoutesCommand(io),
    createExplainCommand(io),
    createReportCommand(io),
    createPromoteCommand(io, deps),
    createRollbackCommand(io),
    createCheckCommand(io, deps),
    createHistoryCommand(io),
    createRetireCommand(io),
    createInventoryCommand(io),
    createPublishCommand(io),
    createRollUpCommand(io),
  ]) {
    // Added commands do not inherit the program's output: `start --help` goes to the same streams.
    program.addCommand(command.exitOverride().configureOutput(output));
  }
  return program;
}

/** Runs the CLI with `argv` (without the node and script entries); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message) io.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr.write(
      `strangler: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

export function processIo(): CliIo {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return { stdout: process.stdout, stderr: process.stderr, color, cwd: process.cwd(), env: process.env };
}
