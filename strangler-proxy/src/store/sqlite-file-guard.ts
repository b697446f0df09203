/**
 * Notices a SQLite file deleted or replaced under an open store. The connection keeps writing to the
 * inode it opened, which after an `rm` or a `mv` over the path is no longer what `strangler report` reads
 * there: evidence would go nowhere anyone looks. Comparing the path's device and inode with the ones
 * seen at open costs one `stat` per write.
 */
import type { ErrorCode } from '../errors/catalogue.ts';
import { stat, unlink } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

/** The SQLite file at the store's path is no longer the one the store has open. */
export class StoreFileReplacedError extends Error {
  readonly code: ErrorCode = 'STRANGLER_ERR_STORE_FILE_REPLACED';
}

export function isStoreFileReplaced(error: unknown): error is StoreFileReplacedError {
  return error instanceof StoreFileReplacedError;
}

export interface SqliteFileGuard {
  /** Rejects with {@link StoreFileReplacedError} once the path names another file, or none. */
  check(): Promise<void>;
  /**
   * Once the connection is closed: if the file was found replaced, removes the WAL and shared-memory
   * files the old database left beside the path. SQLite does not checkpoint or remove them when its file
   * has moved, and a database opened at the path later would read the old one's pages from that WAL.
   */
  cleanUp(): Promise<void>;
}

type Identity = Pick<BigIntStats, 'dev' | 'ino'>;

/** Remembers the identity of `file` and its WAL companions now, right after the store opened it. */
export async function guardSqliteFile(file: string): Promise<SqliteFileGuard> {
  const companions = [`${file}-wal`, `${file}-shm`];
  const opened = await identity(file);
  if (opened === null) throw new StoreFileReplacedError(`the SQLite file ${file} vanished as it was opened`);
  const openedCompanions = await Promise.all(companions.map(identity));
  let replaced = false;
  return {
    async check() {
      const now = await identity(file);
      if (now !== null && same(now, opened)) return;
      replaced = true;
      throw new StoreFileReplacedError(
        `the SQLite file ${file} was ${now === null ? 'deleted' : 'replaced'} while the store had it open`,
      );
    },
    async cleanUp() {
      if (!replaced) return;
      await Promise.all(
        companions.map(async (companion, i) => {
          const then = openedCompanions[i];
          const now = await identity(companion);
          if (then && now && same(now, then)) await unlink(companion).catch(() => undefined);
        }),
      );
    },
  };
}

async function identity(file: string): Promise<Identity | null> {
  try {
    return await stat(file, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function same(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
