/**
 * The processes of one bench run: the upstream, and the servers under test started on it, each in a
 * child process spoken to over IPC, never while it is under load. Every process started is stopped at
 * the end, whatever happened; strangler's processes start as its launcher starts it (bin/strangler.js's
 * first line), each with a routes.yaml and a store of its own.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryModule, launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import { routesYaml, type RoutesFileOptions } from './routes-file.ts';
import type { ChildStatus, ServerSpec } from './server-process.ts';
import type { Ready } from './servers.ts';

/**
 * What the children run, decided once per run so every child and the report agree: the compiled build
 * (`npm run bench` builds it first), as `strangler` runs after `npm install`; the sources when one is
 * newer than the build.
 */
const CHILD_SCRIPT = entryModule('bench/lib/server-process.ts');
export const CHILD_CODE: 'compiled' | 'sources' = CHILD_SCRIPT.endsWith('.js') ? 'compiled' : 'sources';

/** A bound for a child that hangs, not a measure: a busy machine can take minutes to start a dozen. */
const ANSWER_TIMEOUT_MS = 600_000;

export type Child = Awaited<ReturnType<typeof startChild>>;

async function startChild(name: string, spec: ServerSpec) {
  const strangler = spec.kind === 'strangler';
  const args = [...(strangler ? launcherNodeFlags() : []), fileURLToPath(CHILD_SCRIPT), JSON.stringify(spec)];
  const env = { ...process.env, ...(strangler ? { ...launcherEnv(), ...spec.env } : {}) };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // One message at a time: each answer is the next message, unless the child is gone first.
  const answer = async <T>(what: string): Promise<T> => {
    const [message] = (await Promise.race([
      once(child, 'message', { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }),
      exited.then(() => Promise.reject(new Error(`${name} exited before its answer to ${what}`))),
    ])) as [{ ok: boolean; value?: T; error?: string }];
    if (!message.ok) throw new Error(`${name}: ${message.error}`);
    return message.value as T;
  };
  const call = <T>(type: string, payload?: unknown) => {
    child.send({ type, payload });
    return answer<T>(type);
  };
  const ready = await answer<Ready>('start').catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    ready,
    status: () => call<ChildStatus>('status'),
    /** Waits for the mirrors in flight, at most `boundMs`. */
    settle: (boundMs: number) => call('settle', boundMs),
    /** Asks the child to close (answer = its final report), then waits for it to exit (killed past a bound). */
    async stop<Final>() {
      const final = child.connected ? await call<Final>('close').catch(() => null) : null;
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
      return final;
    },
  };
}

/** Tracing configured (OTLP) towards a collector that is not there (the discard port): its worst cost. */
const NO_COLLECTOR = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };

/** A server to start: a hand-written proxy, or strangler on a generated routes.yaml. */
export type Setup =
  | { readonly kind: 'express-hpm' | 'fastify-proxy' }
  | ({ readonly kind: 'strangler' } & Pick<RoutesFileOptions, 'targetStage' | 'shadowUnsafe'> & {
        /** The target route's service never answers. */
        readonly hangingService?: boolean;
        readonly flushInterval?: number;
        readonly tracing?: boolean;
      });

export type Lab = Awaited<ReturnType<typeof openLab>>;

export async function openLab(routes: number) {
  const work = mkdtempSync(path.join(tmpdir(), 'strangler-bench-'));
  const children: Child[] = [];
  const start = async (name: string, spec: ServerSpec) => {
    const child = await startChild(name, spec);
    children.push(child);
    return child;
  };
  const upstream = (await start('upstream', { kind: 'upstream' })).ready;
  /** The spec of a process: strangler's with a routes.yaml of `routes` routes on this run's upstream. */
  const specOf = (name: string, setup: Setup): ServerSpec => {
    if (setup.kind !== 'strangler') return { kind: setup.kind, target: upstream.url };
    const { hangingService, flushInterval, tracing, targetStage, shadowUnsafe } = setup;
    const configFile = path.join(work, `${name}.routes.yaml`);
    const services = { legacyUrl: upstream.url, serviceUrl: upstream.service ?? '' };
    const target = hangingService ? { targetServiceUrl: upstream.hang ?? '' } : {};
    writeFileSync(configFile, routesYaml({ routes, ...services, ...target, targetStage, shadowUnsafe }));
    const store = { storeFile: path.join(work, `${name}.db`), ...(tracing ? { env: NO_COLLECTOR } : {}) };
    return { kind: 'strangler', configFile, ...store, ...(flushInterval ? { flushInterval } : {}) };
  };
  return {
    upstream,
    start: (name: string, setup: Setup) => start(name, specOf(name, setup)),
    async close() {
      // The upstream last: a proxy closing waits for its mirrors to it.
      await Promise.all(children.slice(1).map((child) => child.stop()));
      await children[0]?.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
