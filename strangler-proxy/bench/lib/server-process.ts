/**
 * One child process of the bench: the upstream, or one setup under test (a TCP relay, a hand-written
 * express + http-proxy-middleware proxy, fastify + @fastify/http-proxy, or strangler itself). Started by
 * `child-process.ts` with a JSON spec as its only argument; answers `usage`, `settle`, `stats` and `close`
 * over IPC. Everything listens on 127.0.0.1 only.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  connect,
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import type { ServerSpec, UpstreamReady, SetupReady, SetupStats, StranglerFinal } from './specs.ts';
import { UPSTREAM_BODIES } from './specs.ts';
import type { RedactionSource } from '../../src/store/batching-recorder.ts';
import { readThreadCpu } from './thread-cpu.ts';

type Handler = (payload: unknown) => unknown;

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
const handlers = new Map<string, Handler>();

handlers.set('usage', () => {
  const cpu = process.cpuUsage();
  const thread = process.threadCpuUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    mainThreadCpuMicros: thread.user + thread.system,
    threads: readThreadCpu(),
    rss: process.memoryUsage.rss(),
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
});

process.on('message', (raw: unknown) => {
  const message = raw as { id: number; type: string; payload?: unknown };
  const handler = handlers.get(message.type);
  if (!handler) {
    process.send?.({ id: message.id, ok: false, error: `unknown message ${message.type}` });
    return;
  }
  Promise.resolve()
    .then(() => handler(message.payload))
    .then(
      (value) => {
        process.send?.({ id: message.id, ok: true, value }, () => {
          if (message.type === 'close') process.exit(0);
        });
      },
      (error: unknown) => {
        process.send?.({ id: message.id, ok: false, error: String(error) }, () => {
          if (message.type === 'close') process.exit(1);
        });
      },
    );
});
// The parent going away (Ctrl-C, crash) takes its children with it.
process.on('disconnect', () => process.exit(0));

function listen(server: TcpServer): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startUpstream(): Promise<UpstreamReady> {
  const counts = {
    legacy: { connections: 0, requests: 0 },
    service: { connections: 0, requests: 0 },
    hang: { connections: 0, requests: 0 },
  };
  const answer =
    (body: Buffer, counter: { requests: number }) => (req: IncomingMessage, res: ServerResponse) => {
      counter.requests++;
      if (req.method === 'GET' || req.method === 'HEAD') {
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      let received = 0;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        const reply = Buffer.from(JSON.stringify({ ok: true, received }));
        res.writeHead(201, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': reply.length,
        });
        res.end(reply);
      });
    };
  const make = (
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    counter: { connections: number },
  ) => {
    // Long keep-alive: a proxy's idle pooled sockets must not be closed under it between trials.
    const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, handler);
    server.on('connection', () => counter.connections++);
    return server;
  };
  const legacy = make(answer(UPSTREAM_BODIES.legacy, counts.legacy), counts.legacy);
  const service = make(answer(UPSTREAM_BODIES.service, counts.service), counts.service);
  // A service that accepts, reads the request and never answers.
  const hung = new Set<Socket>();
  const hang = make((req) => {
    counts.hang.requests++;
    req.resume();
    hung.add(req.socket);
    req.socket.once('close', () => hung.delete(req.socket));
  }, counts.hang);
  const ready: UpstreamReady = {
    legacyUrl: await listen(legacy),
    serviceUrl: await listen(service),
    hangUrl: await listen(hang),
  };
  handlers.set('stats', () => ({ ...structuredClone(counts), hangingNow: hung.size }));
  handlers.set('settle', () => null);
  handlers.set('close', async () => {
    await Promise.all([closeServer(legacy), closeServer(service), closeServer(hang)]);
    return counts;
  });
  return ready;
}

async function startExpressHpm(target: string): Promise<SetupReady> {
  const { default: express } = await import('express');
  const { createProxyMiddleware } = await import('http-proxy-middleware');
  const app = express();
  // What a team writes by hand: one target, a keep-alive agent, nothing else.
  app.use(createProxyMiddleware({ target, changeOrigin: false, agent: new Agent({ keepAlive: true }) }));
  const server = createServer(app);
  const url = await listen(server);
  handlers.set('settle', () => null);
  handlers.set('stats', () => ({}));
  handlers.set('close', () => closeServer(server));
  return { url };
}

/**
 * The floor under every proxy: one more process between client and upstream, doing nothing but copy
 * bytes. What it adds to a latency is what the machine charges for the hop; the rest of a proxy's is HTTP.
 */
async function startTcpRelay(target: string): Promise<SetupReady> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createTcpServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: hostname, port: Number(port), noDelay: true });
    // Either side ending, failing or closing takes the other down with it.
    for (const [socket, peer] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(socket);
      socket.pipe(peer);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        sockets.delete(socket);
        peer.destroy();
      });
    }
  });
  const url = await listen(server);
  handlers.set('settle', () => null);
  handlers.set('stats', () => ({}));
  handlers.set(
    'close',
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
  return { url };
}

async function startFastifyProxy(target: string): Promise<SetupReady> {
  const { default: Fastify } = await import('fastify');
  const { default: proxy } = await import('@fastify/http-proxy');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream: target });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  handlers.set('settle', () => null);
  handlers.set('stats', () => ({}));
  handlers.set('close', () => app.close());
  return { url };
}

async function startStrangler(options: Extract<ServerSpec, { kind: 'strangler' }>): Promise<SetupReady> {
  const { startProxy } = await import('../../src/runtime/start-proxy.ts');
  const { createLogger, silentLogger } = await import('../../src/logging/logger.ts');
  const { openRecorder } = await import('../../src/runtime/open-recorder.ts');
  const { createKnexStore } = await import('../../src/store/knex-store.ts');

  // Access logs as in production (JSON lines, batched asynchronous writes: createLogger's own stdout
  // destination) but written to /dev/null: the cost measured is the proxy's, not a terminal's.
  const logger = options.accessLog ? createLogger({ level: 'info', file: '/dev/null' }) : silentLogger;
  let routes: () => readonly RedactionSource[] = () => [];
  const recorder = await openRecorder(options.storeFile ? `sqlite:${options.storeFile}` : 'none', {
    cwd: process.cwd(),
    logger,
    routes: () => routes(),
    ...(options.flushInterval === undefined ? {} : { flushInterval: options.flushInterval }),
  });
  let flushedRecords = 0;
  let flushes = 0;
  if ('onFlush' in recorder)
    recorder.onFlush((result) => {
      flushes++;
      if (result.ok) flushedRecords += result.records;
    });
  const proxy = await startProxy({
    configFile: options.configFile,
    port: 0,
    host: '127.0.0.1',
    admin: options.admin ? { port: 0 } : false,
    recorder,
    logger,
    accessLog: options.accessLog,
  });
  routes = () => proxy.snapshot().config.routes;

  // Circuit breakers that opened during the run, by upstream: they turn the load into fast 503s.
  const breakerOpens: Record<string, number> = {};
  for (const upstream of proxy.snapshot().upstreams.values())
    upstream.guard.onBreakerChange((state) => {
      if (state === 'open') breakerOpens[upstream.name] = (breakerOpens[upstream.name] ?? 0) + 1;
    });
  const outcomes: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const errorKinds: Record<string, number> = {};
  proxy.mirror.onSettled((event) => {
    const error = event.verdict?.error;
    if (error) {
      const key = `${error.side} ${error.kind}: ${error.message.slice(0, 60)}`;
      errorKinds[key] = (errorKinds[key] ?? 0) + 1;
    }
    if (event.verdict) outcomes[event.verdict.outcome] = (outcomes[event.verdict.outcome] ?? 0) + 1;
    else if (event.skipped) skipped[event.skipped] = (skipped[event.skipped] ?? 0) + 1;
  });
  const requestsCounted = async (): Promise<number> => {
    const metric = proxy.metrics.registry.getSingleMetric('strangler_requests_total');
    const values = metric ? (await metric.get()).values : [];
    return values.reduce((sum, value) => sum + value.value, 0);
  };
  const stats = async (): Promise<SetupStats> => ({
    outcomes: { ...outcomes },
    skipped: { ...skipped },
    errorKinds: { ...errorKinds },
    breakerOpens: { ...breakerOpens },
    shadowsInFlight: proxy.mirror.inFlight,
    requestsCounted: await requestsCounted(),
    flushes,
    flushedRecords,
  });
  handlers.set('stats', stats);
  handlers.set('settle', async (payload) => {
    const bound = typeof payload === 'number' ? payload : 3_000;
    await Promise.race([proxy.mirror.idle(), new Promise((resolve) => setTimeout(resolve, bound))]);
    return proxy.mirror.inFlight;
  });
  handlers.set('close', async (): Promise<StranglerFinal> => {
    // Closing waits for mirrors in flight and flushes the recorder: count after it.
    await proxy.close();
    const final = await stats();
    if (!options.storeFile) return { stats: final, stored: null };
    // Read back what reached the database: the count of comparisons actually persisted.
    const store = await createKnexStore({ url: `sqlite:${options.storeFile}` });
    try {
      const totals = await store.comparisons();
      const skips = await store.skips();
      return {
        stats: final,
        stored: {
          compared: totals.reduce((sum, row) => sum + row.compared, 0),
          matched: totals.reduce((sum, row) => sum + row.matched, 0),
          mismatched: totals.reduce((sum, row) => sum + row.mismatched, 0),
          errors: totals.reduce((sum, row) => sum + row.errors, 0),
          skipped: skips.reduce((sum, row) => sum + row.count, 0),
        },
      };
    } finally {
      await store.close();
    }
  });
  return { url: proxy.url };
}

async function main(): Promise<void> {
  let ready: unknown;
  switch (spec.kind) {
    case 'upstream':
      ready = await startUpstream();
      break;
    case 'tcp-relay':
      ready = await startTcpRelay(spec.target);
      break;
    case 'express-hpm':
      ready = await startExpressHpm(spec.target);
      break;
    case 'fastify-proxy':
      ready = await startFastifyProxy(spec.target);
      break;
    case 'strangler':
      ready = await startStrangler(spec);
      break;
  }
  process.send?.({ type: 'ready', ready });
}

main().catch((error: unknown) => {
  console.error(`bench child ${spec.kind} failed:`, error);
  process.exit(1);
});
