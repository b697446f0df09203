/**
 * `strangler-proxy validate [file]`: every problem at once, with file:line:column; exit 1 when invalid.
 * Warnings (a service no route uses, …) are shown too, and never change the exit code.
 */
import { Command } from 'commander';
import pc from 'picocolors';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems, type ConfigProblem } from '../../config/index.ts';
import { describePathCase } from '../../routing/path-case.ts';
import { readRoutesFile } from '../read-routes-file.ts';
import { configOption, routesFileOf } from '../options.ts';

export function createValidateCommand(io: CliIo): Command {
  return new Command('validate')
    .description('check a routes file and list every problem with its location')
    .argument('[file]', 'routes file (the same as -c)')
    .addOption(configOption())
    .option('--json', 'machine-readable output')
    .action(async (argument: string | undefined, options: { config?: string; json?: boolean }) => {
      const file = routesFileOf(io, argument, options.config);
      const read = await readRoutesFile(io, file, { unsetUpstreams: 'warn' });
      const colors = pc.createColors(io.color);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify(read.ok ? { valid: true, file: read.file, routes: read.config.routes.length, caseSensitive: read.config.proxy.caseSensitive, warnings: read.warnings } : { valid: false, file: read.file, problems: read.problems, warnings: read.warnings }, null, 2)}\n`,
        );
        if (!read.ok) throw new CliExit(1);
        return;
      }
      if (read.ok) {
        const count = read.config.routes.length;
        io.stdout.write(
          `${colors.green('✓')} ${read.file}: valid, ${count} route${count === 1 ? '' : 's'}${countWarnings(read.warnings)}\n` +
            `  path case ${describePathCase(read.config.proxy.caseSensitive)}\n`,
        );
        if (read.warnings.length > 0)
          io.stderr.write(`${formatProblems(read.warnings, { color: io.color })}\n`);
        return;
      }
      io.stderr.write(
        `${formatProblems(byPlace([...read.problems, ...read.warnings]), { color: io.color })}\n`,
      );
      const count = read.problems.length;
      throw new CliExit(
        1,
        colors.red(
          `✗ ${read.file}: ${count} problem${count === 1 ? '' : 's'}${countWarnings(read.warnings)}`,
        ),
      );
    });
}

function countWarnings(warnings: readonly ConfigProblem[]): string {
  const count = warnings.length;
  return count === 0 ? '' : `, ${count} warning${count === 1 ? '' : 's'}`;
}

/** Errors and warnings in the order they are written in the file. */
function byPlace(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}
