/** Starts support/proxy-process.ts in a child and talks to it over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './proxy-process.ts';

export interface ChildProxy {
  readonly url: string;
  readonly adminUrl: string;
  readonly child: ChildProcess;
  measure(): Promise<Measurement>;
  close(): Promise<number | null>;
}

const entry = fileURLToPath(new URL('./proxy-process.ts', import.meta.url));

/**
 * `logToPipe`: the child logs to a stdout pipe (`child.stdout`) that the caller holds and may leave
 * unread, and SIGTERM closes it as `strangler start` does.
 */
export async function startChildProxy(
  configFile: string,
  options: { logToPipe?: boolean } = {},
): Promise<ChildProxy> {
  const child = fork(entry, options.logToPipe ? [configFile, '--log-to-stdout'] : [configFile], {
    execPath: process.execPath,
    execArgv: ['--expose-gc'],
    stdio: ['ignore', options.logToPipe ? 'pipe' : 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`proxy child exited early (${String(code)})`);
    }),
  ])) as [{ url: string; adminUrl: string }];
  return {
    url: ready.url,
    adminUrl: ready.adminUrl,
    child,
    async measure() {
      const reply = once(child, 'message') as Promise<[{ measurement: Measurement }]>;
      child.send({ type: 'measure' });
      return (await reply)[0].measurement;
    },
    async close() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.send({ type: 'close' });
      return (await exited)[0];
    },
  };
}
