/**
 * Opens the results store named by a URL and the batching recorder the proxy writes through. A store
 * that cannot be opened at start is an error the operator sees; `none` keeps no records.
 */
import type { Logger } from '../logging/logger.ts';
import { createKnexStore } from '../store/knex-store.ts';
import { createReconnectingStore } from '../store/reconnecting-store.ts';
import { parseStoreUrl } from '../store/store-url.ts';
import { redactUrl } from '../compare/redact-url.ts';
import { createBatchingRecorder } from '../store/batching-recorder.ts';
import { discardingRecorder } from '../store/discarding-recorder.ts';
import type { ObservableRecorder, RecorderStatus, ResultRecorder } from '../store/types.ts';
import type { RedactionSource } from '../store/batching-recorder.ts';
import type { FleetMethods } from '../store/result-store.ts';

/** A recorder whose store also keeps the fleet's rows (the one {@link openRecorder} returns). */
export interface FleetStoreHolder {
  readonly fleetStore: FleetMethods;
}

export function hasFleetStore(recorder: object): recorder is FleetStoreHolder {
  return 'fleetStore' in recorder && typeof recorder.fleetStore === 'object' && recorder.fleetStore !== null;
}
import { DEFAULT_ROLL_UP, type ResultStore, type RollUpPolicy } from '../store/result-store.ts';

export interface OpenRecorderOptions {
  readonly cwd: string;
  readonly logger: Logger;
  /** Current routes, for each route's redaction rules (follows reloads). */
  readonly routes?: () => readonly RedactionSource[];
  readonly flushInterval?: number;
  /** After a failed attempt to open the store, the next one waits this long (ms). Default 5 000. */
  readonly retryAfter?: number;
  /** How old evidence is rolled up in the background ({@link DEFAULT_ROLL_UP}); `false` for never. */
  readonly rollUp?: RollUpPolicy | false;
}

/** One bounded roll-up step this often: old minutes wait a few minutes more, recording never waits long. */
const ROLL_UP_INTERVAL_MS = 5 * 60_000;

export async function openRecorder(
  storeUrl: string,
  options: OpenRecorderOptions,
): Promise<ResultRecorder | ObservableRecorder> {
  if (storeUrl === 'none') return discardingRecorder;
  // A malformed URL is the operator's mistake: say so now. An unreachable store is an outage: start anyway.
  parseStoreUrl(storeUrl, options.cwd);
  const store = createReconnectingStore(() => createKnexStore({ url: storeUrl, cwd: options.cwd }), {
    retryAfter: options.retryAfter ?? 5_000,
    onProblem: (problem) =>
      options.logger.error(
        { store: redactUrl(storeUrl), code: problem.code },
        `${problem.message}: opened a new file at the path; what the old one held is gone from it`,
      ),
  });
  await store.comparisons({ since: Date.now() }).catch((error: unknown) => {
    options.logger.error(
      { store: redactUrl(storeUrl), err: error instanceof Error ? error.message : String(error) },
      'results store unavailable at start: proxying goes on; comparisons are held, then dropped and counted, until it answers',
    );
  });
  const recorder = createBatchingRecorder(store, {
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.flushInterval === undefined ? {} : { flushInterval: options.flushInterval }),
  });
  let lastHealthy = true;
  recorder.onFlush((result) => {
    if (result.rejected)
      options.logger.error(
        { store: redactUrl(storeUrl), rejected: result.rejected },
        'results store refused rows for what they hold: those rows are dropped, the rest of the batch is stored',
      );
    const healthy = recorder.status().healthy;
    if (healthy !== lastHealthy) {
      lastHealthy = healthy;
      if (healthy) options.logger.info({ store: redactUrl(storeUrl) }, 'results store available again');
      else
        options.logger.error(
          { store: redactUrl(storeUrl), result },
          'results store unavailable: comparisons are held, then dropped and counted',
        );
    }
  });
  const stopRollUp =
    options.rollUp === false
      ? () => Promise.resolve()
      : rollUpInBackground(store, options.rollUp ?? DEFAULT_ROLL_UP, options.logger, storeUrl);
  const close = recorder.close.bind(recorder);
  const status = recorder.status.bind(recorder);
  return Object.assign(recorder, {
    /** The store read back, for the admin API's verdicts (`/status`). */
    reader: store,
    /** The same store, where the proxy registers itself in the fleet. */
    fleetStore: store,
    async close() {
      await stopRollUp();
      await close();
      await store.close();
    },
    status(): RecorderStatus {
      const problem = store.problem;
      return problem ? { ...status(), healthy: false, problem } : status();
    },
  });
}

/** Runs one bounded roll-up step per interval, never two at once; returns how to stop it. */
function rollUpInBackground(
  store: ResultStore,
  policy: RollUpPolicy,
  logger: Logger,
  storeUrl: string,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const step = () => {
    running ??= (async () => {
      try {
        const result = await store.rollUp?.(policy);
        if (result && (result.hoursRolled > 0 || result.rowsRemoved > 0))
          logger.info({ store: redactUrl(storeUrl), ...result }, 'old evidence rolled up');
      } catch (error) {
        logger.warn(
          { store: redactUrl(storeUrl), err: error instanceof Error ? error.message : String(error) },
          'rolling up old evidence failed; the next interval tries again',
        );
      } finally {
        running = null;
      }
    })();
  };
  // The first step at once: a proxy started with a shorter retention applies it from its start.
  const first = setImmediate(step);
  const timer = setInterval(step, ROLL_UP_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearImmediate(first);
    clearInterval(timer);
    await running;
  };
}
