/**
 * Reads a routes file's bytes, refusing what is not a regular file and never reading more than the size
 * limit allows. The proxy's start, its reloads (poll, SIGHUP, admin) and the CLI commands all read through
 * here, so none of them can be made to read without end (a symlink to /dev/zero), to hold a huge file
 * (a sparse one reports gigabytes it never stored), or to wait for ever (opening a FIFO blocks until a
 * writer comes; non-blocking, the open returns at once and the fstat refuses it).
 *
 * Symbolic links are followed: a Kubernetes ConfigMap mounts routes.yaml as a link to a regular file.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { DEFAULT_LOAD_LIMITS, type ConfigProblem } from '../config/index.ts';

export type RoutesBytesRead =
  { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly problem: ConfigProblem };

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * The file's bytes, or the one problem that stops it being read: `CONFIG_UNREADABLE` (cannot be opened or
 * read, or not a regular file) or `CONFIG_FILE_TOO_LARGE`. Never throws.
 *
 * @param shown the file's name in the problem (`routes.yaml`, or the path as the user gave it).
 */
export async function readRoutesBytes(
  file: string,
  shown: string = file,
  maxBytes: number = DEFAULT_LOAD_LIMITS.maxBytes,
): Promise<RoutesBytesRead> {
  const refuse = (code: ConfigProblem['code'], message: string): RoutesBytesRead => ({
    ok: false,
    problem: { code, message, file: shown, line: 0, column: 0, path: '' },
  });
  const tooLarge = () =>
    refuse('CONFIG_FILE_TOO_LARGE', `${shown} is larger than the limit of ${maxBytes} bytes`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, OPEN_FLAGS);
    const info = await handle.stat();
    if (!info.isFile()) return refuse('CONFIG_UNREADABLE', `${shown} is ${kindOf(info)}, not a regular file`);
    if (info.size > maxBytes) return tooLarge();
    const bytes = await readAtMost(handle, info.size, maxBytes + 1);
    return bytes.length > maxBytes ? tooLarge() : { ok: true, bytes };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return refuse('CONFIG_UNREADABLE', `cannot read the routes file ${shown} (${code})`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Up to `limit` bytes; `expected` (the size fstat gave) sizes the first buffer, as the file may grow. */
async function readAtMost(handle: FileHandle, expected: number, limit: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(expected + 1, limit));
  let length = 0;
  while (length < limit) {
    if (length === buffer.length) {
      const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'of another kind';
}
