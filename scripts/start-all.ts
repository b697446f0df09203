/**
 * `npm start`: the whole demo system on one machine. Starts the legacy monolith, catalog-service,
 * orders-service and (when it exists) the strangler proxy as child processes, one after the other, each
 * once the previous one answers its readiness URL; prints the URLs; stops everything in reverse order on
 * Ctrl-C or SIGTERM. If any process dies, the others are stopped too and the exit code is 1.
 *
 *   npm start                 # ports from MONOLITH_PORT, CATALOG_PORT, ORDERS_PORT, PROXY_PORT
 *   npm start -- --fresh      # delete the demo databases under .data/ first (a new seed, a new copy)
 *
 * Adding a process is one entry in {@link processes}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launcherEnv, launcherNodeFlags } from '../strangler-proxy/bin/launch.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

interface ProcessSpec {
  /** Short name, used as the log prefix. */
  readonly name: string;
  /** Entry point, relative to the repository root; run with this Node. */
  readonly entry: string;
  /** Node's own flags, before the entry point. */
  readonly nodeFlags?: readonly string[];
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** What to print for people to open. */
  readonly url: string;
  /** Answers 200 once the process is ready to serve. */
  readonly readyUrl: string;
  /** Ports it listens on: checked to be free first, or another program could answer its readiness URL. */
  readonly ports: readonly number[];
  /** Started only when this returns true (a process still being written, say). */
  readonly enabled?: () => boolean;
}

function port(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new Error(`${name}=${text}: expected a port number from 1 to 65535`);
  }
  return value;
}

const ports = {
  monolith: port('MONOLITH_PORT', 3000),
  catalog: port('CATALOG_PORT', 4001),
  orders: port('ORDERS_PORT', 4002),
  proxy: port('PROXY_PORT', 8080),
  proxyAdmin: port('PROXY_ADMIN_PORT', 9901),
};
const urls = {
  monolith: `http://${HOST}:${ports.monolith}`,
  catalog: `http://${HOST}:${ports.catalog}`,
  orders: `http://${HOST}:${ports.orders}`,
  proxy: `http://${HOST}:${ports.proxy}`,
  proxyAdmin: `http://${HOST}:${ports.proxyAdmin}`,
};
/**
 * orders-service's token key. DEMO ONLY: a fixed, public value so that `npm start` works out of the box;
 * set ORDERS_TOKEN_SECRET to override it, and keep a real key in a secret store.
 */
const ORDERS_TOKEN_SECRET = process.env.ORDERS_TOKEN_SECRET ?? 'demo-only-orders-token-key-not-a-secret';
const DATA_DIR = join(ROOT, '.data');
const dbFile = (name: string): string => join(DATA_DIR, `${name}.db`);

/** Started in this order, stopped in the reverse one. */
const processes: readonly ProcessSpec[] = [
  {
    name: 'monolith',
    entry: 'legacy-monolith/src/main.ts',
    env: { PORT: String(ports.monolith), HOST, DB_FILE: dbFile('monolith') },
    url: urls.monolith,
    readyUrl: `${urls.monolith}/health`,
    ports: [ports.monolith],
  },
  {
    // Copies the catalog out of the monolith's database on its first start, so it comes second.
    name: 'catalog',
    entry: 'extracted-services/catalog-service/src/main.ts',
    env: {
      PORT: String(ports.catalog),
      HOST,
      DB_FILE: dbFile('catalog'),
      MONOLITH_DB_FILE: dbFile('monolith'),
    },
    url: urls.catalog,
    readyUrl: `${urls.catalog}/health`,
    ports: [ports.catalog],
  },
  {
    name: 'orders',
    entry: 'extracted-services/orders-service/src/main.ts',
    env: {
      PORT: String(ports.orders),
      HOST,
      DB_FILE: dbFile('orders'),
      CATALOG_URL: urls.catalog,
      LEGACY_URL: urls.monolith,
      // Its own tokens: the monolith's mean nothing to it, so the proxy's mirrors need the auth bridge.
      TOKEN_SECRET: ORDERS_TOKEN_SECRET,
    },
    url: urls.orders,
    readyUrl: `${urls.orders}/health`,
    ports: [ports.orders],
  },
  {
    name: 'proxy',
    entry: 'strangler-proxy/bin/strangler.js',
    // As the launcher's own #! line would start it (its variables are added to env below).
    nodeFlags: launcherNodeFlags(),
    args: ['start', '--config', 'routes.yaml', '--port', String(ports.proxy)],
    // routes.yaml reads these; the proxy's admin port is where its readiness is.
    env: {
      ...launcherEnv(),
      LEGACY_URL: urls.monolith,
      CATALOG_URL: urls.catalog,
      ORDERS_URL: urls.orders,
      // Read by the auth bridge hook (scripts/demo-auth-bridge.ts) to sign orders-service's tokens.
      ORDERS_TOKEN_SECRET,
      STRANGLER_ADMIN_PORT: String(ports.proxyAdmin),
    },
    url: urls.proxy,
    readyUrl: `${urls.proxyAdmin}/ready`,
    ports: [ports.proxy, ports.proxyAdmin],
    enabled: () => existsSync(join(ROOT, 'strangler-proxy/bin/strangler.js')),
  },
];

// ---------------------------------------------------------------------------------------------------
// Output: each child's JSON log lines, shortened to one readable line with the process's name in front.

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (color: string, text: string): string => (useColor ? `${color}${text}\x1b[0m` : text);
const LEVELS: Readonly<Record<number, string>> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg']);

/** A pino line as `[LEVEL] msg key=value …`; anything else as it came. */
function compactLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.msg !== 'string') return line;
  const level = typeof entry.level === 'number' ? LEVELS[entry.level] : undefined;
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const text = `${level ? `${level} ` : ''}${entry.msg}${fields ? ` ${fields}` : ''}`;
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

const width = Math.max(...processes.map((spec) => spec.name.length));
function printer(name: string, index: number): (line: string) => void {
  const prefix = paint(COLORS[index % COLORS.length] ?? '', `${name.padEnd(width)} |`);
  return (line) => process.stdout.write(`${prefix} ${compactLogLine(line)}\n`);
}
const say = (text: string): void => void process.stdout.write(`${paint('\x1b[1m', 'start-all')} ${text}\n`);

// ---------------------------------------------------------------------------------------------------
// Processes.

interface Running {
  readonly spec: ProcessSpec;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal) when the process ends. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

const running: Running[] = [];
let stopping = false;

function launch(spec: ProcessSpec, index: number): Running {
  const child = spawn(
    process.execPath,
    [...(spec.nodeFlags ?? []), join(ROOT, spec.entry), ...(spec.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches only this script, which then stops the children
      // one by one, in order, with a single SIGTERM each.
      detached: true,
    },
  );
  const print = printer(spec.name, index);
  createInterface({ input: child.stdout }).on('line', print);
  createInterface({ input: child.stderr }).on('line', print);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 1));
    child.once('error', (error) => {
      print(`could not start: ${error.message}`);
      resolve(1);
    });
  });
  return { spec, child, exited };
}

/** Resolves if nothing listens on `port` (by binding it for a moment), rejects naming the port otherwise. */
async function ensureFree(port: number, owner: string): Promise<void> {
  const probe = createServer();
  try {
    probe.listen(port, HOST);
    await once(probe, 'listening');
  } catch {
    throw new Error(`port ${port} (${owner}) is in use by another program: stop it or choose other ports`);
  } finally {
    probe.close();
  }
}

/**
 * Polls the readiness URL until it answers 200. Resolves false if the process exits first (the exit
 * handler has already begun stopping everything); rejects if it takes too long.
 */
async function waitUntilReady(process_: Running): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  void process_.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) return false;
    try {
      const response = await fetch(process_.spec.readyUrl, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return true;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  throw new Error(
    `${process_.spec.name} was not ready at ${process_.spec.readyUrl} within ${READY_TIMEOUT_MS / 1000} s`,
  );
}

async function stopOne({ spec, child, exited }: Running): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    say(`${spec.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  const code = await exited;
  clearTimeout(timer);
  say(`${spec.name} stopped (${code})`);
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const process_ of [...running].reverse()) await stopOne(process_);
  process.exitCode = exitCode;
}

// A last resort if this script dies some other way: never leave detached children behind.
process.on('exit', () => {
  for (const { child } of running)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { fresh: { type: 'boolean' } } });
  if (values.fresh) {
    for (const name of ['monolith', 'catalog', 'orders']) {
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        await rm(`${dbFile(name)}${suffix}`, { force: true });
    }
    say('removed the demo databases under .data/');
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      say(`${signal}: stopping`);
      void stopAll(0);
    });
  }
  const enabled = processes.filter((spec) => spec.enabled?.() ?? true);
  for (const spec of enabled) for (const taken of spec.ports) await ensureFree(taken, spec.name);
  for (const [index, spec] of enabled.entries()) {
    if (stopping) return;
    say(`starting ${spec.name}`);
    const process_ = launch(spec, index);
    running.push(process_);
    // Any process ending on its own takes the whole system down: a half-running demo misleads.
    void process_.exited.then((code) => {
      if (stopping) return;
      say(`${spec.name} exited (${code}): stopping the others`);
      void stopAll(1);
    });
    if (!(await waitUntilReady(process_))) return;
  }
  if (stopping) return;
  const rows = enabled.map((spec) => `  ${spec.name.padEnd(width)}  ${spec.url}`);
  say(`ready:\n${rows.join('\n')}`);
  if (enabled.some((spec) => spec.name === 'proxy')) {
    say(`send traffic through the proxy: npm run demo:traffic   (admin: ${urls.proxyAdmin})`);
  }
  say('Ctrl-C stops everything');
}

main().catch(async (error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
