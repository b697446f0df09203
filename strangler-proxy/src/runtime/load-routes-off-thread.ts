/**
 * Validates routes.yaml text for a reload without holding the serving thread. Parsing and checking a
 * large file take long enough to stall every request in flight, so a file over {@link OFF_THREAD_MIN_BYTES}
 * is validated on a thread started for that load and ended after it (reloads are rare: a thread kept for
 * them would hold its memory for nothing). The result comes back as plain data and is frozen here in
 * slices, between which the serving thread answers requests. A smaller file costs less to validate
 * than a thread costs to start, and is validated in place.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadResult, LoadRoutesOptions } from '../config/index.ts';
import { loadRoutes, type RoutesLoad } from './load-routes.ts';
import { deepFreeze, type RoutesConfig } from '../config/routes-config.ts';
import type { LoadRequest } from './load-routes-worker.ts';
import { nextTurn, ROUTES_PER_SLICE } from '../proxy/slices.ts';

/** Below this size a file is validated on the calling thread. */
export const OFF_THREAD_MIN_BYTES = 64 * 1024;

/** Next to this module, with its extension: `.ts` when running the sources, `.js` in the compiled build. */
const WORKER_SCRIPT = new URL(`./load-routes-worker${path.extname(import.meta.url)}`, import.meta.url);

/**
 * What {@link loadRoutes} returns for the same text, the config deeply frozen likewise; routes compiled on
 * the loader's thread cannot cross to this one, so a large file's come back uncompiled.
 */
export async function loadRoutesOffThread(text: string, options: LoadRoutesOptions): Promise<RoutesLoad> {
  if (text.length < OFF_THREAD_MIN_BYTES) return loadRoutes(text, options);
  const result = await loadOnWorker({ text, options });
  if (!result.ok) return result;
  return { ...result, config: await freezeInSlices(result.config) };
}

function loadOnWorker(request: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { name: 'routes-loader', workerData: request });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the routes loader thread exited (${code}) with no result`)),
    );
  });
}

/** {@link deepFreeze}, a slice of routes at a time. */
async function freezeInSlices(config: RoutesConfig): Promise<RoutesConfig> {
  for (let start = 0; start < config.routes.length; start += ROUTES_PER_SLICE) {
    for (const route of config.routes.slice(start, start + ROUTES_PER_SLICE)) deepFreeze(route);
    await nextTurn();
  }
  Object.freeze(config.routes);
  for (const [key, value] of Object.entries(config)) if (key !== 'routes') deepFreeze(value);
  return Object.freeze(config);
}
