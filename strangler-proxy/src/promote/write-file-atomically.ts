/**
 * Replaces a file so that a reader (the proxy's hot reload polls routes.yaml) sees either the old bytes or
 * the new ones, never a half-written file: write a temporary file in the same directory, fsync it, rename
 * it over the target, fsync the directory.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PromoteError } from './errors.ts';

export interface WriteAtomicallyOptions {
  /**
   * The content the file must still have just before the rename; when it has changed (someone else edited
   * it meanwhile), nothing is written and a `PROMOTE_FILE_CHANGED` error is thrown.
   */
  readonly expectedContent?: string;
}

/**
 * Writes `text` to `file` atomically. A symbolic link is followed, so the link itself stays in place; the
 * file's permission bits are kept.
 */
export async function writeFileAtomically(
  file: string,
  text: string,
  options: WriteAtomicallyOptions = {},
): Promise<void> {
  const target = await realpath(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return file;
    throw error;
  });
  const directory = dirname(target);
  const temporary = join(
    directory,
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const mode = await stat(target).then(
    (stats) => stats.mode & 0o7777,
    () => 0o644,
  );
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(mode); // the umask may have narrowed the mode given to open
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.expectedContent !== undefined) {
      const current = await readFile(target, 'utf8').catch(() => undefined);
      if (current !== options.expectedContent) {
        throw new PromoteError(
          'PROMOTE_FILE_CHANGED',
          `${file} changed on disk while it was being edited; try again`,
        );
      }
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes the rename durable. Some platforms cannot open a directory for fsync; the rename has happened anyway. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EISDIR / EPERM / EINVAL on some file systems: nothing more can be done.
  } finally {
    await handle.close();
  }
}
