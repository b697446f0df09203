import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApiApp, createLogger } from '../src/index.ts';

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, logger: createLogger({ name: 'test-service', destination }) };
}

function createTestApp(logger: ReturnType<typeof createLogger>) {
  const router = express.Router();
  router.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  return createApiApp({ logger, routers: [router], healthChecks: {} });
}

describe('request log', () => {
  it('logs one JSON line per request with the service name and the request id it echoes', async () => {
    const { lines, logger } = captureLogs();
    const response = await request(createTestApp(logger)).get('/hello');
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'test-service',
      msg: 'request',
      request_id: requestId,
      method: 'GET',
      url: '/hello',
      status: 200,
    });
  });

  it('keeps a well-formed incoming request id and replaces a hostile one', async () => {
    const { logger } = captureLogs();
    const app = createTestApp(logger);
    const kept = await request(app).get('/hello').set('x-request-id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(app).get('/hello').set('x-request-id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).not.toBe('bad id\twith spaces');
  });

  it('does not advertise the framework', async () => {
    const { logger } = captureLogs();
    const response = await request(createTestApp(logger)).get('/hello');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
