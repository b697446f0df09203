/**
 * The routes file as `inventory --suggest` needs it: its config (services, ids, routes that already
 * take traffic) when it exists, and whether it has a `routes:` key for the entries to go under. A file
 * that does not load stops the command: proposals appended to it would not load either.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDocument, parseDocument } from 'yaml';
import { formatProblems, type RoutesConfig } from '../config/index.ts';
import { CliExit, type CliIo } from './io.ts';
import { readRoutesFile } from './read-routes-file.ts';

export async function readRoutesForSuggestions(
  io: CliIo,
  file: string,
): Promise<{ config: RoutesConfig | undefined; hasRoutesKey: boolean }> {
  if (!existsSync(path.resolve(io.cwd, file))) return { config: undefined, hasRoutesKey: false };
  const read = await readRoutesFile(io, file);
  if (!read.ok) {
    io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
    throw new CliExit(1, `strangler: ${read.file} has problems; fix them before adding routes to it`);
  }
  const doc = parseDocument(await readFile(path.resolve(io.cwd, file), 'utf8'));
  return { config: read.config, hasRoutesKey: isDocument(doc) && doc.has('routes') };
}
