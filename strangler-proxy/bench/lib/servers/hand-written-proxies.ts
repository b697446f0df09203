/** The proxies a team would write by hand instead of strangler: one target, keep-alive, nothing else. */
import { Agent, createServer } from 'node:http';
import type { RunningServer, SetupReady } from '../specs.ts';
import { closeServer, listen } from './listen.ts';

export async function startExpressHpm(target: string): Promise<RunningServer<SetupReady>> {
  const { default: express } = await import('express');
  const { createProxyMiddleware } = await import('http-proxy-middleware');
  const app = express();
  app.use(createProxyMiddleware({ target, changeOrigin: false, agent: new Agent({ keepAlive: true }) }));
  const server = createServer(app);
  return { ready: { url: await listen(server) }, close: () => closeServer(server) };
}

export async function startFastifyProxy(target: string): Promise<RunningServer<SetupReady>> {
  const { default: Fastify } = await import('fastify');
  const { default: proxy } = await import('@fastify/http-proxy');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream: target });
  return { ready: { url: await app.listen({ port: 0, host: '127.0.0.1' }) }, close: () => app.close() };
}
