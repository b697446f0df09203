/** Reads and validates a routes file for the read-only commands (validate, routes, explain, report). */
import path from 'node:path';
import {
  formatProblems,
  type ConfigProblem,
  type RoutesConfig,
  type UnsetUpstreams,
} from '../config/index.ts';
import { loadRoutes } from '../runtime/load-routes.ts';
import { readRoutesBytes } from '../runtime/read-routes-bytes.ts';
import type { CliIo } from './io.ts';

/** Warnings (e.g. an unused service) never stop a load; `validate` shows them. */
export type RoutesFileRead =
  | { ok: true; file: string; config: RoutesConfig; warnings: readonly ConfigProblem[] }
  | { ok: false; file: string; problems: readonly ConfigProblem[]; warnings: readonly ConfigProblem[] };

export interface ReadRoutesOptions {
  /** `warn` for a command that sends nothing upstream: an unset `${VAR}` in a URL does not stop it. */
  readonly unsetUpstreams?: UnsetUpstreams;
}

export async function readRoutesFile(
  io: CliIo,
  file: string,
  options: ReadRoutesOptions = {},
): Promise<RoutesFileRead> {
  const absolute = path.resolve(io.cwd, file);
  const shown = path.relative(io.cwd, absolute) || absolute;
  const read = await readRoutesBytes(absolute, shown);
  if (!read.ok) return { ok: false, file: shown, problems: [read.problem], warnings: [] };
  const loaded = loadRoutes(read.bytes.toString('utf8'), {
    file: shown,
    env: { ...io.env },
    ...(options.unsetUpstreams === undefined ? {} : { unsetUpstreams: options.unsetUpstreams }),
  });
  return loaded.ok
    ? { ok: true, file: shown, config: loaded.config, warnings: loaded.warnings }
    : { ok: false, file: shown, problems: loaded.problems, warnings: loaded.warnings };
}

/**
 * Says on stderr which upstream URLs were left unset (and so not needed) by a command that sends nothing
 * upstream; nothing when every variable was set.
 */
export function noteUnsetUpstreams(io: CliIo, warnings: readonly ConfigProblem[]): void {
  const unset = warnings.filter((warning) => warning.code === 'CONFIG_ENV_UNSET_UPSTREAM');
  if (unset.length > 0) io.stderr.write(`${formatProblems(unset, { color: io.color })}\n`);
}

/** For check, promote and rollback: reads the file only to name the unset upstream variables. */
export async function noteUnsetUpstreamsOf(io: CliIo, file: string): Promise<void> {
  const read = await readRoutesFile(io, file, { unsetUpstreams: 'warn' });
  noteUnsetUpstreams(io, read.warnings);
}
