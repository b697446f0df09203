/**
 * strangler as `strangler start` runs it: metrics on (admin listener), JSON access logs through the
 * production destination, the SQLite results store, reload polling on.
 */
import type { RedactionSource } from '../../../src/store/batching-recorder.ts';
import type { RunningServer, ServerSpec, SetupReady, SetupStats, StranglerFinal } from '../specs.ts';

type StranglerSpec = Extract<ServerSpec, { kind: 'strangler' }>;

const increment = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

export async function startStrangler(spec: StranglerSpec): Promise<RunningServer<SetupReady>> {
  const { startProxy } = await import('../../../src/runtime/start-proxy.ts');
  const { createLogger } = await import('../../../src/logging/logger.ts');
  const { openRecorder } = await import('../../../src/runtime/open-recorder.ts');

  // Written to /dev/null: the cost measured is the proxy's, not a terminal's.
  const logger = createLogger({ level: 'info', file: '/dev/null' });
  let routes: () => readonly RedactionSource[] = () => [];
  const recorder = await openRecorder(`sqlite:${spec.storeFile}`, {
    cwd: process.cwd(),
    logger,
    routes: () => routes(),
    ...(spec.flushInterval === undefined ? {} : { flushInterval: spec.flushInterval }),
  });
  const proxy = await startProxy({
    configFile: spec.configFile,
    port: 0,
    host: '127.0.0.1',
    admin: { port: 0 },
    recorder,
    logger,
    accessLog: true,
  });
  routes = () => proxy.snapshot().config.routes;

  const outcomes: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  proxy.mirror.onSettled((event) => {
    if (event.verdict) increment(outcomes, event.verdict.outcome);
    else if (event.skipped) increment(skipped, event.skipped);
  });
  const stats = (): SetupStats => ({ outcomes: { ...outcomes }, skipped: { ...skipped } });

  return {
    ready: { url: proxy.url },
    stats,
    settle: (boundMs) =>
      Promise.race([proxy.mirror.idle(), new Promise((resolve) => setTimeout(resolve, boundMs))]),
    async close(): Promise<StranglerFinal> {
      // Closing waits for mirrors in flight and flushes the recorder: count after it.
      await proxy.close();
      return { stats: stats(), stored: await readBack(spec.storeFile) };
    },
  };
}

/** What reached the database: the comparisons actually persisted. */
async function readBack(storeFile: string): Promise<StranglerFinal['stored']> {
  const { createKnexStore } = await import('../../../src/store/knex-store.ts');
  const store = await createKnexStore({ url: `sqlite:${storeFile}` });
  try {
    const totals = await store.comparisons();
    const total = (pick: (row: (typeof totals)[number]) => number) =>
      totals.reduce((sum, row) => sum + pick(row), 0);
    return {
      compared: total((row) => row.compared),
      mismatched: total((row) => row.mismatched),
      errors: total((row) => row.errors),
    };
  } finally {
    await store.close();
  }
}
