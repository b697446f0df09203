/**
 * Runs the real proxy (startProxy) alone in a child process so its memory and handles can be measured
 * without the test runner's own. Started with --expose-gc over an IPC channel:
 *   fork(this file, [routes.yaml], { execArgv: ['--expose-gc'] })
 * Messages: {type:'measure'} → a Measurement; {type:'close'} → graceful close, then exit.
 * With `--log-to-stdout` after the routes file, it logs JSON lines (access log included) to its stdout
 * as `strangler start` does, and SIGTERM closes it as `strangler start` does: the process then ends
 * when nothing is left to do, so whatever still holds it shows.
 */
import { startProxy } from '../../../src/runtime/start-proxy.ts';
import { createLogger, silentLogger } from '../../../src/logging/logger.ts';

export interface AgentFigures {
  readonly name: string;
  /** Sockets serving a request right now. */
  readonly busy: number;
  /** Idle keep-alive sockets. */
  readonly free: number;
  /** Most 'timeout' listeners on any of the agent's sockets (a listener leak shows here). */
  readonly maxTimeoutListeners: number;
}

export interface Measurement {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  /** Active handles by kind (process.getActiveResourcesInfo). */
  readonly resources: Record<string, number>;
  readonly agents: readonly AgentFigures[];
  readonly shadowsInFlight: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const configFile = process.argv[2];
if (!configFile || !process.send || !gc) throw new Error('run with fork(file, [routes.yaml], --expose-gc)');

const logToStdout = process.argv[3] === '--log-to-stdout';

const proxy = await startProxy({
  configFile,
  port: 0,
  admin: { port: 0 },
  logger: logToStdout ? createLogger() : silentLogger,
  accessLog: logToStdout,
  reloadInterval: 0,
});
process.send({ type: 'ready', url: proxy.url, adminUrl: proxy.adminUrl });
if (logToStdout) {
  process.once('SIGTERM', () => {
    void proxy.close().then(() => process.disconnect());
  });
}

const count = (map: NodeJS.ReadOnlyDict<unknown[]>) =>
  Object.values(map).reduce((sum, list) => sum + (list?.length ?? 0), 0);

/**
 * A socket destroyed in this turn of the event loop leaves its agent in libuv's close phase, which comes
 * after the check phase: two setImmediate hops let it go, so what is counted is what was left behind.
 */
const closedHandlesSettled = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

process.on('message', async (message: { type: string }) => {
  if (message.type === 'measure') {
    await closedHandlesSettled();
    for (let i = 0; i < 3; i += 1) gc();
    const memory = process.memoryUsage();
    const resources: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
    const agents = [...proxy.snapshot().upstreams.values()].map((upstream) => {
      const all = [...Object.values(upstream.agent.sockets), ...Object.values(upstream.agent.freeSockets)]
        .flat()
        .filter((socket) => socket !== undefined);
      return {
        name: upstream.name,
        busy: count(upstream.agent.sockets),
        free: count(upstream.agent.freeSockets),
        maxTimeoutListeners: Math.max(0, ...all.map((socket) => socket.listenerCount('timeout'))),
      };
    });
    const measurement: Measurement = {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      resources,
      agents,
      shadowsInFlight: proxy.mirror.inFlight,
    };
    process.send?.({ type: 'measure', measurement });
  } else if (message.type === 'close') {
    void proxy.close().then(() => process.exit(0));
  }
});
