/**
 * A real proxy over real upstreams, recording into a SQLite store in a temporary folder, for tests that
 * read the evidence back through the CLI (`report`, `check`, `promote`) and the admin API.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStrangler, type CliRun } from './cli-io.ts';
import { startProxy, type ReloadResult, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import type { ResultRecorder } from '../../src/store/types.ts';

export interface RecordedProxy {
  readonly proxy: RunningProxy;
  readonly recorder: ResultRecorder;
  readonly dir: string;
  readonly file: string;
  readonly store: string;
  /** Sends `count` GETs to `path/<i>`, one after another; resolves once every mirror is recorded. */
  traffic(pathPrefix: string, count: number): Promise<number[]>;
  /** Rewrites routes.yaml the way editors do (a temporary file renamed over it) and reloads it. */
  rewrite(routesYaml: string): Promise<ReloadResult>;
  /** Runs the CLI against this proxy's routes file and store. */
  cli(args: readonly string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export async function startRecordedProxy(routesYaml: string): Promise<RecordedProxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-recorded-'));
  const file = path.join(dir, 'routes.yaml');
  const store = `sqlite:${path.join(dir, 'strangler.db')}`;
  await writeFile(file, routesYaml);
  const recorder = await openRecorder(store, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
  const proxy = await startProxy({
    configFile: file,
    port: 0,
    admin: { port: 0 },
    recorder,
    logger: silentLogger,
    reloadInterval: 0,
  });
  return {
    proxy,
    recorder,
    dir,
    file,
    store,
    async traffic(pathPrefix, count) {
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const response = await fetch(`${proxy.url}${pathPrefix}/${i}`, {
          headers: { 'x-user-id': `u${i}` },
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      await proxy.mirror.idle();
      await recorder.flush();
      return statuses;
    },
    async rewrite(text) {
      await writeFile(`${file}.next`, text);
      await rename(`${file}.next`, file);
      return proxy.reload();
    },
    cli: (args) => runStrangler([...args, '--config', file, '--store', store], { cwd: dir }),
    async close() {
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
