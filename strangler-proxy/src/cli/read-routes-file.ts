/** Reads and validates a routes file for the read-only commands (validate, routes, explain, report). */
import path from 'node:path';
import type { ConfigProblem, RoutesConfig } from '../config/index.ts';
import { loadRoutes } from '../runtime/load-routes.ts';
import { readRoutesBytes } from '../runtime/read-routes-bytes.ts';
import type { CliIo } from './io.ts';

/** Warnings (e.g. an unused service) never stop a load; `validate` shows them. */
export type RoutesFileRead =
  | { ok: true; file: string; config: RoutesConfig; warnings: readonly ConfigProblem[] }
  | { ok: false; file: string; problems: readonly ConfigProblem[]; warnings: readonly ConfigProblem[] };

export async function readRoutesFile(io: CliIo, file: string): Promise<RoutesFileRead> {
  const absolute = path.resolve(io.cwd, file);
  const shown = path.relative(io.cwd, absolute) || absolute;
  const read = await readRoutesBytes(absolute, shown);
  if (!read.ok) return { ok: false, file: shown, problems: [read.problem], warnings: [] };
  const loaded = loadRoutes(read.bytes.toString('utf8'), { file: shown, env: { ...io.env } });
  return loaded.ok
    ? { ok: true, file: shown, config: loaded.config, warnings: loaded.warnings }
    : { ok: false, file: shown, problems: loaded.problems, warnings: loaded.warnings };
}
