/** The upstream every setup forwards to: the monolith, the extracted service, and a service that hangs. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { UPSTREAM_BODIES, type RunningServer, type UpstreamReady } from '../specs.ts';
import { closeServer, listen } from './listen.ts';

/** Answers a GET with `body`, and any other method with how many bytes it received. */
const answerWith = (body: Buffer) => (req: IncomingMessage, res: ServerResponse) => {
  const send = (status: number, bytes: Buffer) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };
  if (req.method === 'GET' || req.method === 'HEAD') return send(200, body);
  let received = 0;
  req.on('data', (chunk: Buffer) => (received += chunk.length));
  req.on('end', () => send(201, Buffer.from(JSON.stringify({ ok: true, received }))));
};

// Long keep-alive: a proxy's idle pooled sockets must not be closed under it between trials.
const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, handler);

export async function startUpstream(): Promise<RunningServer<UpstreamReady>> {
  const legacy = serve(answerWith(UPSTREAM_BODIES.legacy));
  const service = serve(answerWith(UPSTREAM_BODIES.service));
  // Reads the request and never answers; closing the server drops what hangs.
  const hang = serve((req) => req.resume());
  const ready: UpstreamReady = {
    legacyUrl: await listen(legacy),
    serviceUrl: await listen(service),
    hangUrl: await listen(hang),
  };
  return { ready, close: () => Promise.all([legacy, service, hang].map(closeServer)) };
}
