import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { serve } from '../src/index.ts';

describe('serve', () => {
  it('binds a free port and closes once the request in flight has finished', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let onArrival: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (onArrival = resolve));
    const running = await serve(
      (_req, res) => {
        onArrival();
        void gate.then(() => res.end('done'));
      },
      { port: 0, host: '127.0.0.1' },
    );
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);

    const inFlight = httpRequest(running.url);
    inFlight.end();
    await arrived;
    const closed = running.close();
    release();
    const [response] = (await once(inFlight, 'response')) as [NodeJS.ReadableStream];
    let body = '';
    for await (const chunk of response) body += String(chunk);
    expect(body).toBe('done');
    await closed;
    expect(running.server.listening).toBe(false);
  });

  it('rejects when the port is already taken', async () => {
    const first = await serve((_req, res) => res.end(), { port: 0, host: '127.0.0.1' });
    await expect(serve((_req, res) => res.end(), { port: first.port, host: '127.0.0.1' })).rejects.toThrow(
      /EADDRINUSE/,
    );
    await first.close();
  });
});
