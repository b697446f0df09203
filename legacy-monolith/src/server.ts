/** Listening, and stopping on SIGTERM/SIGINT: stop accepting, let requests in flight finish, then close. */
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(
  handler: RequestListener,
  port: number,
  host: string,
  drainMs = 10_000,
): Promise<Listening> {
  const server = createServer(handler);
  let draining = false;
  // Keep-alive connections whose response ends during the drain would otherwise idle until their timeout.
  server.on('request', (_req, res: NodeJS.EventEmitter) => {
    res.on('finish', () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close() {
      closing ??= (async () => {
        draining = true;
        const closed = once(server, 'close');
        server.close();
        server.closeIdleConnections();
        const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
        await closed.finally(() => clearTimeout(deadline));
      })();
      return closing;
    },
  };
}
