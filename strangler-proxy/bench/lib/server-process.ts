/**
 * One child process of the bench: the upstream, or one setup under test. Started by `child-process.ts`
 * with a JSON spec as its only argument; answers `usage`, `settle`, `stats` and `close` over IPC.
 * Everything listens on 127.0.0.1 only.
 */
import type { RunningServer, ServerSpec } from './specs.ts';
import { startUpstream } from './servers/upstream.ts';
import { startExpressHpm, startFastifyProxy } from './servers/hand-written-proxies.ts';
import { startStrangler } from './servers/strangler.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;

function start(): Promise<RunningServer<unknown>> {
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

function answer(server: RunningServer<unknown>, type: string, payload: unknown): unknown {
  switch (type) {
    case 'usage': {
      const cpu = process.cpuUsage();
      return {
        cpuMicros: cpu.user + cpu.system,
        rss: process.memoryUsage.rss(),
        maxRss: process.resourceUsage().maxRSS * 1024,
      };
    }
    case 'stats':
      return server.stats?.() ?? {};
    case 'settle':
      return server.settle?.(typeof payload === 'number' ? payload : 3_000) ?? null;
    case 'close':
      return server.close();
    default:
      throw new Error(`unknown message ${type}`);
  }
}

async function main(): Promise<void> {
  const server = await start();
  process.on('message', (raw: unknown) => {
    const { id, type, payload } = raw as { id: number; type: string; payload?: unknown };
    const reply = (message: object, code: number) =>
      process.send?.({ id, ...message }, () => {
        if (type === 'close') process.exit(code);
      });
    Promise.resolve()
      .then(() => answer(server, type, payload))
      .then(
        (value) => reply({ ok: true, value }, 0),
        (error: unknown) => reply({ ok: false, error: String(error) }, 1),
      );
  });
  // The parent going away (Ctrl-C, crash) takes its children with it.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', ready: server.ready });
}

main().catch((error: unknown) => {
  console.error(`bench child ${spec.kind} failed:`, error);
  process.exit(1);
});
