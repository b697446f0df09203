/**
 * The real `strangler start` process: SIGTERM under load lets the requests in flight finish, flushes the
 * comparisons still pending and exits 0; SIGHUP reloads under load without a failed request; SIGKILL in
 * the middle of writes leaves a SQLite store (WAL, one transaction per batch) that passes an integrity
 * check, that a restarted proxy keeps writing to, and that `strangler report` still reads. A start that
 * cannot open a port, or refuses its admin bind, exits 1 at once and says why, shadow worker and all.
 * A stdout nobody reads costs log lines (dropped and counted), never memory without bound or the exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Agent, createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestUpstream, jsonEcho, type TestUpstream } from '../support/test-upstream.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { LISTENING, startArgs, startCli, type CliProcess } from './support/cli.ts';
import { send, type Outcome } from './support/http-client.ts';
import { writeRoutesFile } from './support/routes-file.ts';
import { startChildProxy } from './support/child-proxy.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;
let configFile: string;
let storeFile: string;

const routes = (percent: number) => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
proxy:
  drainTimeout: 5s
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { percent: ${percent}, noiseSample: 0 }
`;

beforeAll(async () => {
  // The monolith takes 400 ms on /slow: long enough to be in flight when the signal lands.
  const echo = jsonEcho('legacy');
  legacy = await startTestUpstream('legacy', (req, res, body) => {
    if (req.url?.includes('/slow')) setTimeout(() => echo(req, res, body), 400);
    else echo(req, res, body);
  });
  catalog = await startTestUpstream('catalog', jsonEcho('legacy'));
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-lifecycle-'));
  configFile = path.join(dir, 'routes.yaml');
  storeFile = path.join(dir, 'results.db');
  await writeFile(configFile, routes(100));
});
afterAll(async () => {
  await legacy.close();
  await catalog.close();
  await rm(dir, { recursive: true, force: true });
});

async function startStrangler(
  onStart: (cli: CliProcess) => void = () => undefined,
): Promise<{ cli: CliProcess; url: string; adminUrl: string }> {
  const cli = startCli(
    startArgs(
      configFile,
      '--store',
      `sqlite:${storeFile}`,
      '--no-access-log',
      '--log-level',
      'info',
      '--log-format',
      'json',
    ),
    { cwd: dir },
  );
  onStart(cli);
  const [, url, adminUrl] = await cli.waitFor(LISTENING, 20_000);
  return { cli, url: url as string, adminUrl: adminUrl as string };
}

async function storedComparisons(): Promise<number> {
  const store = await createKnexStore({ url: `sqlite:${storeFile}` });
  try {
    return (await store.comparisons({ routeId: 'products' })).reduce((sum, row) => sum + row.compared, 0);
  } finally {
    await store.close();
  }
}

/** Keeps `workers` keep-alive clients sending GETs until stopped (bounded by count and time). */
function startLoad(url: string, workers: number) {
  let stopped = false;
  const outcomes: Outcome[] = [];
  const waiting: Array<{ count: number; wake: () => void }> = [];
  const record = (outcome: Outcome) => {
    outcomes.push(outcome);
    for (const waiter of waiting.filter((entry) => outcomes.length >= entry.count)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.wake();
    }
  };
  const agent = new Agent({ keepAlive: true });
  const deadline = performance.now() + 60_000;
  const running = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; !stopped && i < 50_000 && performance.now() < deadline; i += 1)
        record(await send(url, `/api/products/${worker}-${i}`, { agent }));
    }),
  );
  return {
    outcomes,
    /** Resolves once `more` further requests have been answered. */
    answered(more: number): Promise<void> {
      const count = outcomes.length + more;
      return new Promise((wake) => waiting.push({ count, wake }));
    },
    async stop() {
      stopped = true;
      await running;
      agent.destroy();
      return outcomes;
    },
  };
}

describe('strangler start under signals', () => {
  it('SIGTERM: requests in flight complete, pending comparisons are flushed, exit 0', async () => {
    const { cli, url } = await startStrangler();
    const before = await storedComparisons();
    // Quick mirrored requests: their comparisons wait in the recorder (it writes every 2 s).
    const quick = await Promise.all(Array.from({ length: 30 }, (_, i) => send(url, `/api/products/q${i}`)));
    expect(quick.every((outcome) => outcome.status === 200)).toBe(true);
    // Slow ones still in flight when the signal arrives.
    const received = legacy.received.length;
    const slow = Array.from({ length: 10 }, (_, i) => send(url, `/api/products/slow-${i}`));
    while (legacy.received.length < received + 10) await legacy.nextRequest();
    cli.child.kill('SIGTERM');
    const answers = await Promise.all(slow);
    expect(answers.map((outcome) => [outcome.status, outcome.complete])).toEqual(Array(10).fill([200, true]));
    expect(await cli.exited(15_000)).toBe(0);
    expect(cli.stdout()).toContain('strangler proxy stopped');
    // 30 quick + 10 slow mirrors, all compared and stored before the exit.
    expect((await storedComparisons()) - before).toBe(40);
    // And the port is closed.
    expect((await send(url, '/api/products/after')).error).toBe('ECONNREFUSED');
  });

  it('SIGTERM with a request and a mirror that never end: both cut at the grace, exit 0, configured by environment', async () => {
    const hung = new Set<ServerResponse>();
    const stuck = await startTestUpstream('stuck', (req, res) => {
      hung.add(res); // never answered
    });
    const stuckConfig = path.join(dir, 'stuck.yaml');
    await writeFile(
      stuckConfig,
      `
version: 1
legacy: ${legacy.url}
services:
  stuck: ${stuck.url}
proxy:
  drainTimeout: 300ms
routes:
  - { id: mirrored, path: /api/mirrored, service: stuck, stage: shadow, shadow: { noiseSample: 0 } }
  - { id: served, path: /api/served, service: stuck, stage: migrated }
`,
    );
    // Nothing on the command line but the command: every setting from the environment.
    const cli = startCli(['start'], {
      cwd: dir,
      env: {
        STRANGLER_CONFIG: stuckConfig,
        STRANGLER_PORT: '0',
        STRANGLER_ADMIN_PORT: '0',
        STRANGLER_STORE: 'none',
        STRANGLER_LOG_FORMAT: 'json',
        STRANGLER_ACCESS_LOG: 'false',
      },
    });
    try {
      const [, url] = await cli.waitFor(LISTENING, 20_000);
      const mirrorArrived = stuck.nextRequest();
      expect((await send(url as string, '/api/mirrored/1')).status).toBe(200);
      await mirrorArrived;
      const servedArrived = stuck.nextRequest();
      const served = send(url as string, '/api/served/1');
      await servedArrived;
      cli.child.kill('SIGTERM');
      const cut = await served;
      expect(cut.complete).toBe(false);
      expect(await cli.exited(15_000)).toBe(0);
      expect(cli.stdout()).toMatch(/"drained":false,"msg":"strangler proxy stopped"/);
      expect(cli.stdout()).not.toContain('"msg":"request"');
    } finally {
      cli.child.kill('SIGKILL');
      for (const res of hung) res.destroy();
      await stuck.close();
    }
  });

  it('SIGTERM with a WebSocket open: it is closed after the drain timeout, on both sides, and exit 0', async () => {
    const wsServer = createHttpServer();
    const wss = new WebSocketServer({ server: wsServer });
    await new Promise<void>((resolve) => wsServer.listen(0, '127.0.0.1', resolve));
    const wsConfig = path.join(dir, 'websocket.yaml');
    await writeFile(
      wsConfig,
      `
version: 1
legacy: ${legacy.url}
services:
  live: http://127.0.0.1:${(wsServer.address() as AddressInfo).port}
proxy:
  drainTimeout: 300ms
routes:
  - { id: live, path: /live, service: live, stage: migrated }
`,
    );
    const cli = startCli(startArgs(wsConfig, '--store', 'none', '--no-access-log'), { cwd: dir });
    try {
      const [, url] = await cli.waitFor(LISTENING, 20_000);
      const upstreamSide = once(wss, 'connection') as Promise<[WebSocket]>;
      const client = new WebSocket(`${(url as string).replace('http', 'ws')}/live/socket`);
      await once(client, 'open');
      const [server] = await upstreamSide;
      const closed = Promise.all([once(client, 'close'), once(server, 'close')]);
      cli.child.kill('SIGTERM');
      expect(await cli.exited(15_000)).toBe(0);
      await closed;
      expect(cli.stdout()).toContain('strangler proxy stopped');
    } finally {
      cli.child.kill('SIGKILL');
      wss.close();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    }
  });

  it('SIGHUP under load reloads without a failed request', async () => {
    const { cli, url, adminUrl } = await startStrangler();
    const load = startLoad(url, 6);
    let outcomes: Outcome[];
    let exit: number | string;
    try {
      for (let i = 1; i <= 5; i += 1) {
        await writeFile(configFile, routes(100 - i * 10));
        cli.child.kill('SIGHUP');
        // The admin API shows the reload: ask it until it does (bounded in time: on a loaded machine the
        // reload competes with the load and with these very requests for the same thread).
        let version = 0;
        const deadline = performance.now() + 10_000;
        while (version < i + 1 && performance.now() < deadline) {
          version = ((await (await fetch(`${adminUrl}/routes`)).json()) as { version: number }).version;
        }
        expect(version).toBe(i + 1);
        // Traffic goes on between reloads (however quickly the reloads themselves go).
        await load.answered(5);
      }
      const table = (await (await fetch(`${adminUrl}/routes`)).json()) as {
        version: number;
        routes: Array<{ shadowPercent: number }>;
      };
      expect(table.version).toBe(6);
      expect(table.routes[0]?.shadowPercent).toBe(50);
    } finally {
      // Put the file back and stop the process before judging the load: a failure here must not leave the
      // next test a proxy that mirrors only part of its traffic.
      outcomes = await load.stop();
      await writeFile(configFile, routes(100));
      cli.child.kill('SIGTERM');
      exit = await cli.exited(15_000);
    }
    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((outcome) => outcome.status !== 200 || outcome.error !== null)).toEqual([]);
    expect(exit).toBe(0);
  });

  it('SIGHUP sent the moment the proxy says it is up reloads it instead of ending it', async () => {
    // A supervisor that signals as soon as it reads the line: five times, since the window was narrow.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await writeFile(configFile, routes(100 - attempt));
      const { cli, adminUrl } = await startStrangler((started) => {
        started.child.stdout?.on('data', (chunk: Buffer) => {
          if (LISTENING.test(chunk.toString('utf8'))) started.child.kill('SIGHUP');
        });
      });
      let version = 0;
      const deadline = performance.now() + 10_000;
      while (version < 2 && performance.now() < deadline && cli.child.exitCode === null) {
        version = ((await (await fetch(`${adminUrl}/routes`)).json()) as { version: number }).version;
      }
      cli.child.kill('SIGTERM');
      expect([attempt, await cli.exited(15_000)]).toEqual([attempt, 0]);
    }
    await writeFile(configFile, routes(100));
  });

  it('SIGKILL mid-write: the store stays intact, a restart keeps writing, the report still reads', async () => {
    const first = await startStrangler();
    const load = startLoad(first.url, 6);
    // Let at least one batch be written by this process, then kill it while traffic (and writes) go on.
    const initial = await storedComparisons();
    for (let i = 0; i < 200 && (await storedComparisons()) === initial; i += 1) {
      await send(first.url, `/api/products/probe-${i}`);
    }
    expect(await storedComparisons()).toBeGreaterThan(initial);
    first.cli.child.kill('SIGKILL');
    expect(await first.cli.exited(10_000)).toBe('SIGKILL');
    await load.stop();

    const raw = knexFactory({
      client: 'sqlite3',
      connection: { filename: storeFile },
      useNullAsDefault: true,
    });
    try {
      const [check] = await raw.raw<Array<{ integrity_check: string }>>('PRAGMA integrity_check');
      expect(check?.integrity_check).toBe('ok');
    } finally {
      await raw.destroy();
    }
    const afterKill = await storedComparisons();

    const second = await startStrangler();
    const more = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(second.url, `/api/products/r${i}`)),
    );
    expect(more.every((outcome) => outcome.status === 200)).toBe(true);
    second.cli.child.kill('SIGTERM');
    expect(await second.cli.exited(15_000)).toBe(0);
    expect((await storedComparisons()) - afterKill).toBe(20);

    const store = await createKnexStore({ url: `sqlite:${storeFile}` });
    try {
      const report = await buildReport(store);
      expect(report.routes.map((route) => route.id)).toContain('products');
    } finally {
      await store.close();
    }
    const cliReport = startCli(['report', '--store', `sqlite:${storeFile}`, '--format', 'json'], {
      cwd: dir,
    });
    expect(await cliReport.exited(20_000)).toBe(0);
    const parsed = JSON.parse(cliReport.stdout()) as { routes: Array<{ id: string }> };
    expect(parsed.routes.map((route) => route.id)).toContain('products');
  });
});

/** A port held by another listener for the duration of `use`. */
async function withPortTaken<T>(use: (port: number) => Promise<T>): Promise<T> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  try {
    return await use(address.port);
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
}

describe('strangler start that cannot serve', () => {
  // The routes file shadows a route, so a shadow worker thread is running when the start fails.
  const failedStart = async (...more: string[]) => {
    const cli = startCli(startArgs(configFile, '--store', `sqlite:${storeFile}`, ...more), { cwd: dir });
    return { code: await cli.exited(15_000), stderr: cli.stderr(), stdout: cli.stdout() };
  };

  it.each([['--port'], ['--admin-port']])(
    'a %s already taken: exits 1, naming the port and the reason',
    async (flag) => {
      await withPortTaken(async (port) => {
        const { code, stderr, stdout } = await failedStart(flag, String(port));
        expect(code).toBe(1);
        expect(stderr).toContain(`127.0.0.1:${port}`);
        expect(stderr).toContain('EADDRINUSE');
        expect(stderr).toContain(flag === '--port' ? 'proxy listener' : 'admin listener');
        expect(stdout).not.toMatch(LISTENING);
      });
    },
  );

  it('an admin bind it refuses (not loopback, no token): exits 1 and says a token is needed', async () => {
    const { code, stderr } = await failedStart('--admin-host', '0.0.0.0');
    expect(code).toBe(1);
    expect(stderr).toMatch(/admin-token/);
  });
});

describe('a stdout nobody reads', () => {
  /** The proxy's count of dropped log lines, from its admin /metrics. */
  const droppedLines = async (adminUrl: string) => {
    const text = (await send(adminUrl, '/metrics')).body;
    const match = /^strangler_log_dropped_lines_total (\d+)$/m.exec(text);
    if (!match) throw new Error(`no strangler_log_dropped_lines_total in /metrics`);
    return Number(match[1]);
  };

  it('drops log lines and counts them, and SIGTERM still ends the process', async () => {
    const { file } = await writeRoutesFile(`
version: 1
legacy: ${legacy.url}
`);
    // The child's stdout is a pipe this test holds and never reads: the pipe fills, then the proxy's
    // own buffer does. Long paths make each access-log line about 8 KB.
    const proxy = await startChildProxy(file, { logToPipe: true });
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const burst = async (from: number, count: number) => {
      const outcomes = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          send(proxy.url, `/unread/${from + i}/${'x'.repeat(8_000)}`, { agent }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
    };
    try {
      for (let i = 0; i < 4; i += 1) await burst(i * 100, 100);
      const first = await droppedLines(proxy.adminUrl);
      expect(first).toBeGreaterThan(0);
      await burst(400, 100);
      expect(await droppedLines(proxy.adminUrl)).toBeGreaterThan(first);
      const { rss } = await proxy.measure();
      console.info(
        `resident set with an unread stdout after 500 requests: ${Math.round(rss / 1_048_576)} MB`,
      );
    } finally {
      agent.destroy();
    }
    const exited = once(proxy.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    proxy.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      exited.then(([code, signal]) => code ?? signal),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still running'), 15_000);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'still running') proxy.child.kill('SIGKILL');
    expect(outcome).toBe(0);
  });
});
