/**
 * Runs on a thread of its own, one per large load ({@link loadRoutesOffThread}): validates the routes.yaml
 * text it is given and posts the result back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadResult, LoadRoutesOptions } from '../config/index.ts';
import { loadRoutes } from './load-routes.ts';

export interface LoadRequest {
  readonly text: string;
  readonly options: LoadRoutesOptions;
}

const request = workerData as LoadRequest;
const loaded = loadRoutes(request.text, request.options);
// Compiled routes hold functions, which no message carries: the serving thread compiles its own.
const result: LoadResult = loaded.ok
  ? { ok: true, config: loaded.config, warnings: loaded.warnings }
  : loaded;
parentPort?.postMessage(result);
