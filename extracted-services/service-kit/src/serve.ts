/**
 * Listening and stopping. `serve` resolves once the port is bound (or rejects, e.g. when it is taken);
 * `close` stops accepting, lets requests in flight finish for a grace period, then cuts what is left.
 */
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export interface ServeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** How long requests in flight may take to finish once closing starts. */
  readonly drainMs?: number;
}

/** A bound HTTP server. */
export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  /** Stops accepting, drains, resolves when every connection is closed. Safe to call twice. */
  close(): Promise<void>;
}

/** Binds `handler` (an Express app or any request listener) to `host:port`. */
export async function serve(handler: RequestListener, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(handler);
  let draining = false;
  // A keep-alive connection whose last response ends while draining would otherwise sit idle until its
  // keep-alive timeout, holding the close up for seconds.
  server.on('request', (_req, res: ServerResponse) => {
    res.on('finish', () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    draining = true;
    closing ??= drain(server, options.drainMs ?? 10_000);
    return closing;
  };
  return { server, port, url: `http://${host}:${port}`, close };
}

async function drain(server: Server, drainMs: number): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  // Keep-alive connections with no request in flight would otherwise hold the server open until they time out.
  server.closeIdleConnections();
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await closed;
  } finally {
    clearTimeout(deadline);
  }
}

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Everything to stop, in order (the server first, then what it uses, such as the database). */
  readonly steps: ReadonlyArray<() => Promise<unknown>>;
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * On SIGTERM or SIGINT runs the shutdown steps once and lets the process end by itself (exit code 0, or 1
 * when a step failed). A second signal while shutting down exits at once.
 */
export function closeOnSignals(options: ShutdownOptions): void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    options.logger.info({ signal }, 'shutting down');
    void runSteps(options).then((ok) => {
      for (const name of signals) process.off(name, onSignal);
      process.exitCode = ok ? 0 : 1;
      options.logger.info('stopped');
    });
  };
  for (const signal of signals) process.on(signal, onSignal);
}

async function runSteps(options: ShutdownOptions): Promise<boolean> {
  let ok = true;
  for (const step of options.steps) {
    try {
      await step();
    } catch (error) {
      ok = false;
      options.logger.error({ err: error }, 'shutdown step failed');
    }
  }
  return ok;
}
