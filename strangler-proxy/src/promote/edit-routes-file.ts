/**
 * The file edge of promotion: read routes.yaml, plan the move on its text, validate the result, write it
 * atomically (or, for a dry run, only show the diff). A result that does not validate is never written.
 */
import { basename } from 'node:path';
import { editRouteText } from './edit-routes-text.ts';
import type { TextEdit } from './edit-routes-text.ts';
import { PromoteError } from './errors.ts';
import { unifiedDiff } from './line-diff.ts';
import type { Position } from './plan.ts';
import { validateRoutesText } from './validate-routes-text.ts';
import type { ValidateRoutesText } from './validate-routes-text.ts';
import { writeFileAtomically } from './write-file-atomically.ts';
import { formatProblems, type RoutesConfig } from '../config/index.ts';
import { readRoutesBytes } from '../runtime/read-routes-bytes.ts';

export interface LoadedRoutesFile {
  readonly file: string;
  /** The exact text read. */
  readonly text: string;
  readonly config: RoutesConfig;
}

export interface RoutesFileOptions {
  readonly validate?: ValidateRoutesText;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads and validates routes.yaml.
 * @throws PromoteError `PROMOTE_INVALID_CONFIG` with every problem in `details`.
 */
export async function readRoutesFile(
  file: string,
  options: RoutesFileOptions = {},
): Promise<LoadedRoutesFile> {
  const read = await readRoutesBytes(file);
  if (!read.ok) {
    const details = [formatProblems([read.problem], { color: false })];
    throw new PromoteError('PROMOTE_INVALID_CONFIG', `${file} cannot be read as a routes file`, details);
  }
  const text = read.bytes.toString('utf8');
  const validate = options.validate ?? validateRoutesText;
  const result = validate(text, { file, env: options.env });
  if (!result.ok) {
    throw new PromoteError('PROMOTE_INVALID_CONFIG', `${file} is not a valid routes file`, result.problems);
  }
  return { file, text, config: result.config };
}

export interface MoveRouteOptions extends RoutesFileOptions {
  /** Compute and return the change without writing. */
  readonly dryRun?: boolean;
  /** A one-line comment written above the route's `stage:` (see {@link editRouteText}). */
  readonly note?: string;
}

export interface RouteFileChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly edits: readonly TextEdit[];
  /** Unified diff of the change (empty when nothing changes). */
  readonly diff: string;
  /** Whether the file was rewritten (false for a dry run or when nothing changes). */
  readonly written: boolean;
}

/**
 * Moves a route of an already read file to `position` and writes the result, unless it is a dry run.
 * The write fails with `PROMOTE_FILE_CHANGED` when the file no longer holds `loaded.text`.
 *
 * @throws PromoteError `PROMOTE_ROUTE_NOT_FOUND`, `PROMOTE_UNSUPPORTED_YAML`, `PROMOTE_INVALID_RESULT`,
 *   `PROMOTE_FILE_CHANGED`.
 */
export async function moveRouteInFile(
  loaded: Pick<LoadedRoutesFile, 'file' | 'text'>,
  routeId: string,
  position: Position,
  options: MoveRouteOptions = {},
): Promise<RouteFileChange> {
  const { file, text: before } = loaded;
  const { text: after, edits } = editRouteText(before, routeId, position, {
    ...(options.note === undefined ? {} : { note: options.note }),
  });
  const validate = options.validate ?? validateRoutesText;
  const result = validate(after, { file, env: options.env });
  if (!result.ok) {
    throw new PromoteError(
      'PROMOTE_INVALID_RESULT',
      `moving route "${routeId}" would make ${file} invalid`,
      result.problems,
    );
  }
  const name = basename(file);
  const diff = unifiedDiff(before, after, { fromFile: `a/${name}`, toFile: `b/${name}` });
  const write = !options.dryRun && after !== before;
  if (write) await writeFileAtomically(file, after, { expectedContent: before });
  return { file, before, after, edits, diff, written: write };
}
