/**
 * Runs on a thread of its own, one per large load ({@link loadRoutesOffThread}): validates the routes.yaml
 * text it is given and posts the result back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRoutesConfig, type LoadResult, type LoadRoutesOptions } from '../config/index.ts';

export interface LoadRequest {
  readonly text: string;
  readonly options: LoadRoutesOptions;
}

const request = workerData as LoadRequest;
const result: LoadResult = loadRoutesConfig(request.text, request.options);
parentPort?.postMessage(result);
