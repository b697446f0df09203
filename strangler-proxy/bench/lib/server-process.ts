/**
 * One child process of the bench: the upstream, or one setup under test (so that its CPU time and
 * memory are its own). Started by `lab.ts` with a JSON spec as its only argument; answers `status`,
 * `settle` and `close` over IPC, one message at a time. Everything listens on 127.0.0.1 only.
 */
import { startExpressHpm, startFastifyProxy, startUpstream, type RunningServer } from './servers.ts';
import { startStrangler, type StranglerSpec } from './strangler-server.ts';

export type ServerSpec =
  | { readonly kind: 'upstream' }
  | { readonly kind: 'express-hpm' | 'fastify-proxy'; readonly target: string }
  | StranglerSpec;

/** What a child reports about itself: CPU time (µs), memory (bytes; the peak from getrusage), mirrors. */
export type ChildStatus = Awaited<ReturnType<typeof status>>;

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;

function start(): Promise<RunningServer> {
  switch (spec.kind) {
    case 'upstream':
      return startUpstream();
    case 'express-hpm':
      return startExpressHpm(spec.target);
    case 'fastify-proxy':
      return startFastifyProxy(spec.target);
    case 'strangler':
      return startStrangler(spec);
  }
}

function status(server: RunningServer) {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  const usage = {
    cpuMicros: userCPUTime + systemCPUTime,
    rss: process.memoryUsage.rss(),
    maxRss: maxRSS * 1024,
  };
  return Promise.resolve({ ...usage, ...(server.mirrors?.() ?? { compared: 0, skipped: {} }) });
}

const answer = (server: RunningServer, type: string, payload: unknown): Promise<unknown> =>
  type === 'settle'
    ? Promise.resolve(server.settle?.(Number(payload)))
    : type === 'close'
      ? server.close()
      : status(server);

const server = await start().catch((error: unknown) => {
  console.error(`bench child ${spec.kind} failed:`, error);
  process.exit(1);
});
process.on('message', ({ type, payload }: { type: string; payload?: unknown }) => {
  answer(server, type, payload).then(
    (value) => process.send?.({ ok: true, value }, () => type === 'close' && process.exit(0)),
    (error: unknown) =>
      process.send?.({ ok: false, error: String(error) }, () => type === 'close' && process.exit(1)),
  );
});
// The parent going away (Ctrl-C, crash) takes its children with it.
process.on('disconnect', () => process.exit(0));
process.send?.({ ok: true, value: server.ready });
