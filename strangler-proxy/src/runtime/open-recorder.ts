/**
 * Opens the results store named by a URL and the batching recorder the proxy writes through. A store
 * that cannot be opened at start is an error the operator sees; `none` keeps no records.
 */
import type { Logger } from '../logging/logger.ts';
import { createKnexStore } from '../store/knex-store.ts';
import { createBatchingRecorder } from '../store/batching-recorder.ts';
import type { ObservableRecorder, ResultRecorder } from '../store/types.ts';
import type { RedactionSource } from '../store/batching-recorder.ts';

export interface OpenRecorderOptions {
  readonly cwd: string;
  readonly logger: Logger;
  /** Current routes, for each route's redaction rules (follows reloads). */
  readonly routes?: () => readonly RedactionSource[];
  readonly flushInterval?: number;
}

export async function openRecorder(
  storeUrl: string,
  options: OpenRecorderOptions,
): Promise<ResultRecorder | ObservableRecorder> {
  if (storeUrl === 'none') return nullRecorder;
  const store = await createKnexStore({ url: storeUrl, cwd: options.cwd });
  const recorder = createBatchingRecorder(store, {
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.flushInterval === undefined ? {} : { flushInterval: options.flushInterval }),
  });
  let lastHealthy = true;
  recorder.onFlush((result) => {
    const healthy = recorder.status().healthy;
    if (healthy !== lastHealthy) {
      lastHealthy = healthy;
      if (healthy) options.logger.info({ store: storeUrl }, 'results store available again');
      else
        options.logger.error(
          { store: storeUrl, result },
          'results store unavailable: comparisons are held, then dropped and counted',
        );
    }
  });
  const close = recorder.close.bind(recorder);
  return Object.assign(recorder, {
    async close() {
      await close();
      await store.close();
    },
  });
}

const nullRecorder: ResultRecorder = {
  recordComparison: () => undefined,
  recordSkip: () => undefined,
  recordNoise: () => undefined,
  recordServed: () => undefined,
  recordUnmatched: () => undefined,
  recordEvent: () => undefined,
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
