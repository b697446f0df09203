/**
 * `strangler-proxy init --legacy URL [--service name=URL …]`: writes a commented starter routes.yaml,
 * valid as written, and refuses to replace an existing file without `--force`.
 */
import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pc from 'picocolors';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems } from '../../config/index.ts';
import { loadRoutes } from '../../runtime/load-routes.ts';
import { starterRoutes, type StarterService } from '../starter-routes.ts';

interface InitOptions {
  legacy: string;
  service: StarterService[];
  config: string;
  force?: boolean;
  json?: boolean;
}

export function createInitCommand(io: CliIo): Command {
  return new Command('init')
    .description('write a starter routes.yaml for your monolith (and services)')
    .requiredOption('--legacy <url>', "the monolith's URL, e.g. http://127.0.0.1:3000")
    .option('--service <name=url>', 'a service that takes routes over (repeatable)', collectService, [])
    .option('-c, --config <file>', 'the file to write', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('--force', 'replace the file if it exists')
    .option('--json', 'say what was written as JSON')
    .action(async (options: InitOptions) => {
      const text = starterRoutes({ legacyUrl: options.legacy, services: options.service });
      const file = path.resolve(io.cwd, options.config);
      const shown = path.relative(io.cwd, file) || file;
      // The starter must be valid as written: a bad URL is reported now, against the flags.
      const loaded = loadRoutes(text, { file: shown, env: {} });
      if (!loaded.ok) {
        io.stderr.write(`${formatProblems(loaded.problems, { color: io.color })}\n`);
        throw new CliExit(
          2,
          'strangler: --legacy and --service need http:// or https:// URLs; nothing written',
        );
      }
      try {
        await writeFile(file, text, { flag: options.force ? 'w' : 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new CliExit(1, `strangler: ${shown} exists; --force replaces it`);
        throw new CliExit(1, `strangler: cannot write ${shown}: ${(error as Error).message}`);
      }
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ file: shown, legacy: options.legacy, services: options.service, next: NEXT_STEPS }, null, 2)}\n`,
        );
        return;
      }
      const colors = pc.createColors(io.color);
      io.stdout.write(
        `${colors.green('✓')} wrote ${shown}: legacy ${options.legacy}` +
          `${options.service.map((service) => `, ${service.name} ${service.url}`).join('')}\n` +
          `  next: ${NEXT_STEPS.join(', then ')}\n`,
      );
    });
}

const NEXT_STEPS = [
  'strangler-proxy start',
  'send some traffic',
  'strangler-proxy inventory --suggest',
] as const;

function collectService(text: string, previous: StarterService[]): StarterService[] {
  const equals = text.indexOf('=');
  const name = text.slice(0, equals);
  if (equals <= 0 || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new CliExit(
      2,
      `strangler: --service expects name=URL (name: letters, digits, . _ -), got "${text}"`,
    );
  return [...previous, { name, url: text.slice(equals + 1) }];
}
