/**
 * A store that may not be reachable yet. Proxying must never depend on the results store, so a proxy
 * that starts while PostgreSQL is down (or the SQLite file is locked) still starts: this wrapper opens the
 * real store on first use and, after a failure, tries again at most every `retryAfter` milliseconds.
 * Until then every call rejects with the last error, which the batching recorder counts like any outage.
 *
 * A SQLite file deleted or replaced under the open store is closed and opened again at its path (the
 * migrations run), and the write that noticed it goes to the new file. What the old file held is not
 * where `strangler report` reads any more: that stays reported in {@link ReconnectingStore.problem}.
 */
import type { ResultStore, RollUpPolicy } from './result-store.ts';
import { isStoreFileReplaced } from './sqlite-file-guard.ts';
import type { StoreProblem } from './types.ts';

export interface ReconnectingStore extends ResultStore {
  /** Whether the real store is open. */
  readonly connected: boolean;
  /** The last time the store's file was found deleted or replaced (and reopened); null if never. */
  readonly problem: StoreProblem | null;
}

export interface ReconnectingStoreOptions {
  readonly retryAfter?: number;
  readonly clock?: () => number;
  /** Called when the store's file was found deleted or replaced, before it is opened again. */
  readonly onProblem?: (problem: StoreProblem) => void;
}

export function createReconnectingStore(
  open: () => Promise<ResultStore>,
  options: ReconnectingStoreOptions = {},
): ReconnectingStore {
  const retryAfter = options.retryAfter ?? 5_000;
  const clock = options.clock ?? Date.now;
  let store: ResultStore | null = null;
  let opening: Promise<ResultStore> | null = null;
  let lastFailure: { at: number; error: Error } | null = null;
  let closed = false;
  let problem: StoreProblem | null = null;

  const ensure = (): Promise<ResultStore> => {
    if (store) return Promise.resolve(store);
    if (closed) return Promise.reject(new Error('the results store is closed'));
    if (lastFailure && clock() - lastFailure.at < retryAfter) return Promise.reject(lastFailure.error);
    opening ??= open().then(
      (opened) => {
        opening = null;
        lastFailure = null;
        if (closed) {
          void opened.close();
          throw new Error('the results store is closed');
        }
        store = opened;
        return opened;
      },
      (error: unknown) => {
        opening = null;
        lastFailure = { at: clock(), error: error instanceof Error ? error : new Error(String(error)) };
        throw error;
      },
    );
    return opening;
  };

  const via =
    <Args extends unknown[], Result>(call: (store: ResultStore, ...args: Args) => Promise<Result>) =>
    (...args: Args): Promise<Result> =>
      ensure().then((opened) => call(opened, ...args));

  /** Writes; if the file was deleted or replaced, closes it, opens the path again and writes there. */
  const write = async (batch: Parameters<ResultStore['write']>[0]): Promise<void> => {
    const opened = await ensure();
    try {
      await opened.write(batch);
    } catch (error) {
      if (!isStoreFileReplaced(error)) throw error;
      problem = { code: error.code, message: error.message, at: clock() };
      options.onProblem?.(problem);
      // Closed before the path is opened again: closing checkpoints the old WAL and removes it, so the
      // new file never starts with a WAL that belongs to another database.
      if (store === opened) store = null;
      await opened.close().catch(() => undefined);
      await (await ensure()).write(batch);
    }
  };

  return {
    get connected() {
      return store !== null;
    },
    get problem() {
      return problem;
    },
    write,
    routes: via((opened, query?: Parameters<ResultStore['routes']>[0]) => opened.routes(query)),
    comparisons: via((opened, query?: Parameters<ResultStore['comparisons']>[0]) =>
      opened.comparisons(query),
    ),
    timeline: via((opened, query: Parameters<ResultStore['timeline']>[0]) => opened.timeline(query)),
    latency: via((opened, query?: Parameters<ResultStore['latency']>[0]) => opened.latency(query)),
    noiseProbes: via((opened, query?: Parameters<ResultStore['noiseProbes']>[0]) =>
      opened.noiseProbes(query),
    ),
    diffs: via((opened, query?: Parameters<ResultStore['diffs']>[0]) => opened.diffs(query)),
    signatures: via((opened, query?: Parameters<ResultStore['signatures']>[0]) => opened.signatures(query)),
    skips: via((opened, query?: Parameters<ResultStore['skips']>[0]) => opened.skips(query)),
    served: via((opened, query?: Parameters<ResultStore['served']>[0]) => opened.served(query)),
    noise: via((opened, query?: Parameters<ResultStore['noise']>[0]) => opened.noise(query)),
    unmatched: via((opened, query?: Parameters<ResultStore['unmatched']>[0]) => opened.unmatched(query)),
    samples: via((opened, query?: Parameters<ResultStore['samples']>[0]) => opened.samples(query)),
    events: via((opened, query?: Parameters<ResultStore['events']>[0]) => opened.events(query)),
    decisions: via((opened, query?: Parameters<ResultStore['decisions']>[0]) => opened.decisions(query)),
    correlations: via((opened, limit: number) => opened.correlations(limit)),
    sync: via((opened, query?: Parameters<ResultStore['sync']>[0]) => opened.sync(query)),
    syncExamples: via((opened, query?: Parameters<ResultStore['syncExamples']>[0]) =>
      opened.syncExamples(query),
    ),
    putInstance: via((opened, instance: Parameters<ResultStore['putInstance']>[0]) =>
      opened.putInstance(instance),
    ),
    removeInstance: via((opened, id: string) => opened.removeInstance(id)),
    instances: via((opened) => opened.instances()),
    rollUp: via(async (opened, policy: RollUpPolicy, now?: number) =>
      opened.rollUp ? opened.rollUp(policy, now) : { hoursRolled: 0, rowsRemoved: 0, more: false },
    ),
    async close() {
      closed = true;
      const pending = opening;
      if (pending) await pending.catch(() => undefined);
      await store?.close();
      store = null;
    },
  };
}
