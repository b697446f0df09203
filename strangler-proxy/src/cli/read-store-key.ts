/**
 * The routes file's `store:` key, for a command that otherwise needs no routes file (inventory). No file,
 * no key; a file that does not load stops the command, since its key cannot be trusted to be absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatProblems } from '../config/index.ts';
import { CliExit, type CliIo } from './io.ts';
import { noteUnsetUpstreams, readRoutesFile } from './read-routes-file.ts';

export async function readStoreKey(
  io: CliIo,
  file: string,
  options: { readonly quiet?: boolean } = {},
): Promise<string | undefined> {
  if (!existsSync(path.resolve(io.cwd, file))) return undefined;
  // The store's place never depends on where the upstreams are: their variables need not be set.
  const read = await readRoutesFile(io, file, { unsetUpstreams: 'warn' });
  if (!read.ok) {
    io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
    throw new CliExit(2, `strangler: ${read.file} has problems; cannot tell which results store it names`);
  }
  if (options.quiet !== true) noteUnsetUpstreams(io, read.warnings);
  return read.config.store;
}
