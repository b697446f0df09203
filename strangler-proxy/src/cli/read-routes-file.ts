/** Reads and validates a routes file for the read-only commands (validate, routes, explain). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadRoutesConfig, type ConfigProblem, type RoutesConfig } from '../config/index.ts';
import type { CliIo } from './io.ts';

export type RoutesFileRead =
  | { ok: true; file: string; config: RoutesConfig }
  | { ok: false; file: string; problems: readonly ConfigProblem[] };

export async function readRoutesFile(io: CliIo, file: string): Promise<RoutesFileRead> {
  const absolute = path.resolve(io.cwd, file);
  const shown = path.relative(io.cwd, absolute) || absolute;
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return {
      ok: false,
      file: shown,
      problems: [
        {
          code: 'CONFIG_UNREADABLE',
          message: `cannot read the routes file (${code})`,
          file: shown,
          line: 0,
          column: 0,
          path: '',
        },
      ],
    };
  }
  const loaded = loadRoutesConfig(text, { file: shown, env: { ...io.env } });
  return loaded.ok
    ? { ok: true, file: shown, config: loaded.config }
    : { ok: false, file: shown, problems: loaded.problems };
}
