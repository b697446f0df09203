/**
 * Reads routes.yaml from disk and validates it. A change is detected by polling, which sees editor
 * rename-saves and Kubernetes ConfigMap symlink swaps that file watchers miss: each poll stats the file
 * (following symlinks) and reads and hashes its content only when the stat changed; a reload follows
 * only a change of content.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { ConfigProblem, LoadRoutesOptions, RoutesConfig } from '../config/index.ts';
import type { CompiledRoute } from '../routing/compile-route.ts';
import { loadRoutes, type RoutesLoad } from './load-routes.ts';
import { readRoutesBytes, type RoutesBytesRead } from './read-routes-bytes.ts';

/** What a read saw of the file: its content hash and, taken just before, its stat (see {@link statKey}). */
export interface FileSeen {
  readonly hash: string;
  readonly stat: string;
}

export type ConfigRead =
  | ({
      readonly ok: true;
      readonly config: RoutesConfig;
      /** The routes as the load compiled them, when it did (see {@link loadRoutes}). */
      readonly compiled?: readonly CompiledRoute[] | undefined;
    } & FileSeen)
  | ({ readonly ok: false; readonly problems: readonly ConfigProblem[] } & FileSeen);

/** Validates the text read: {@link loadRoutes}, or a function that gives what it gives. */
export type LoadRoutes = (text: string, options: LoadRoutesOptions) => RoutesLoad | Promise<RoutesLoad>;

export async function readConfigFile(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  load: LoadRoutes = loadRoutes,
): Promise<ConfigRead> {
  // Before the read: a change between the two is then seen again by the next poll, never missed.
  const statSeen = await statKey(file);
  const read = await readRoutesBytes(file);
  if (!read.ok) return { ok: false, hash: hashOf(read), stat: statSeen, problems: [read.problem] };
  const bytes = read.bytes;
  const hash = hashBytes(bytes);
  const loaded = await load(bytes.toString('utf8'), { file, env: { ...env } });
  return loaded.ok
    ? { ok: true, config: loaded.config, compiled: loaded.compiled, hash, stat: statSeen }
    : { ok: false, problems: loaded.problems, hash, stat: statSeen };
}

/** The content's hash, of the bytes as stored (no decoding). */
export function hashBytes(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a poll compares: the content's hash, or the reason the file was refused. */
function hashOf(read: RoutesBytesRead): string {
  return read.ok ? hashBytes(read.bytes) : `refused:${read.problem.code}:${read.problem.message}`;
}

/**
 * What a poll compares before reading: inode, size and the modification and change times in nanoseconds.
 * Any write, rename over or symlink swap changes one of them (the kernel sets ctime on every write).
 */
async function statKey(file: string): Promise<string> {
  try {
    const info = await stat(file, { bigint: true });
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch (error) {
    return `unreadable:${(error as NodeJS.ErrnoException).code ?? 'EIO'}`;
  }
}

/**
 * Calls `onChange` when the file's content hash changes; polls with an unref'd timer. A poll whose stat
 * is unchanged reads nothing: a stat is far cheaper than reading and hashing a large routes.yaml.
 */
export function watchFileContent(
  file: string,
  intervalMs: number,
  initial: FileSeen,
  onChange: () => Promise<void>,
): { stop(): void; setSeen(seen: FileSeen): void } {
  let last = initial;
  let busy = false;
  const poll = async () => {
    const statNow = await statKey(file);
    if (statNow === last.stat) return;
    const hash = hashOf(await readRoutesBytes(file));
    const changed = hash !== last.hash;
    last = { hash, stat: statNow };
    if (changed) await onChange();
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    poll()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    setSeen: (seen) => {
      last = seen;
    },
  };
}

/**
 * Where the proxy's routes come from: routes.yaml on disk ({@link fileRoutesSource}) or a version
 * published to the fleet's store (`published-routes-source.ts`). Both read and validate a whole config;
 * a change calls `onChange`, which reads again; `seen` is what a later change is told from.
 */
export interface RoutesSource {
  /** What the logs name (a path, or the store with its credentials redacted). */
  readonly name: string;
  read(load?: LoadRoutes): Promise<SourceRead>;
  watch(intervalMs: number, initial: SourceRead, onChange: () => Promise<void>): SourceWatch;
  /** Called once a read's config serves (the published source acknowledges the version). */
  applied?(read: SourceRead): Promise<void>;
  /** Releases what the source holds (connections). */
  close?(): Promise<void>;
}

export type SourceRead = ConfigRead & { readonly version?: number };

export interface SourceWatch {
  stop(): void;
  setSeen(read: SourceRead): void;
}

/** routes.yaml on disk, polled by stat and hash ({@link watchFileContent}). */
export function fileRoutesSource(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): RoutesSource {
  return {
    name: file,
    read: (load) => readConfigFile(file, env, load),
    watch: (intervalMs, initial, onChange) => watchFileContent(file, intervalMs, initial, onChange),
  };
}
