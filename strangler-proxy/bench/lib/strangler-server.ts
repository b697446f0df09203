/**
 * strangler as `strangler start` runs it: metrics on (admin listener), JSON access logs through the
 * production destination, the SQLite results store, reload polling on.
 */
import type { RedactionSource } from '../../src/store/batching-recorder.ts';
import type { RunningServer } from './servers.ts';

export interface StranglerSpec {
  readonly kind: 'strangler';
  readonly configFile: string;
  /** SQLite results store (as `strangler start --store sqlite:FILE`). */
  readonly storeFile: string;
  readonly flushInterval?: number;
  /** Variables added to the process's environment (OTEL_*). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A strangler child's last word: its mirrors, and the comparisons read back from its SQLite store. */
export interface StranglerFinal {
  readonly compared: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly stored: Awaited<ReturnType<typeof readBack>>;
}

export async function startStrangler(spec: StranglerSpec): Promise<RunningServer> {
  const { startProxy } = await import('../../src/runtime/start-proxy.ts');
  const { createLogger } = await import('../../src/logging/logger.ts');
  const { openRecorder } = await import('../../src/runtime/open-recorder.ts');

  // Written to /dev/null: the cost measured is the proxy's, not a terminal's.
  const logger = createLogger({ level: 'info', file: '/dev/null' });
  let routes: () => readonly RedactionSource[] = () => [];
  const store = `sqlite:${spec.storeFile}`;
  const recorder = await openRecorder(store, {
    cwd: process.cwd(),
    logger,
    routes: () => routes(),
    ...(spec.flushInterval === undefined ? {} : { flushInterval: spec.flushInterval }),
  });
  const options = { configFile: spec.configFile, port: 0, host: '127.0.0.1', admin: { port: 0 } };
  const proxy = await startProxy({ ...options, recorder, logger, accessLog: true });
  routes = () => proxy.snapshot().config.routes;

  let compared = 0;
  const skipped: Record<string, number> = {};
  proxy.mirror.onSettled((event) => {
    if (event.verdict) compared++;
    else if (event.skipped) skipped[event.skipped] = (skipped[event.skipped] ?? 0) + 1;
  });
  const mirrors = () => ({ compared, skipped: { ...skipped } });
  return {
    ready: { url: proxy.url },
    mirrors,
    settle: (boundMs) =>
      Promise.race([proxy.mirror.idle(), new Promise((resolve) => setTimeout(resolve, boundMs))]),
    async close() {
      // Closing waits for mirrors in flight and flushes the recorder: count after it.
      await proxy.close();
      return { ...mirrors(), stored: await readBack(store) };
    },
  };
}

/** What reached the database: the comparisons actually persisted. */
async function readBack(url: string) {
  const { createKnexStore } = await import('../../src/store/knex-store.ts');
  const store = await createKnexStore({ url });
  try {
    const rows = await store.comparisons();
    const total = (key: 'compared' | 'mismatched' | 'errors') => rows.reduce((sum, row) => sum + row[key], 0);
    return { compared: total('compared'), mismatched: total('mismatched'), errors: total('errors') };
  } finally {
    await store.close();
  }
}
