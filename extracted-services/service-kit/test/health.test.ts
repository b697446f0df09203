import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApiApp, createSilentLogger, runHealthChecks } from '../src/index.ts';

describe('health', () => {
  it('answers 200 when every check passes', async () => {
    const app = createApiApp({
      logger: createSilentLogger(),
      routers: [],
      healthChecks: { database: () => Promise.resolve() },
    });
    const response = await request(app).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('answers 503 naming the failing check', async () => {
    const app = createApiApp({
      logger: createSilentLogger(),
      routers: [],
      healthChecks: {
        database: () => Promise.reject(new Error('SQLITE_CANTOPEN')),
        cache: () => Promise.resolve(),
      },
    });
    const response = await request(app).get('/health');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'failing', checks: { database: 'failing', cache: 'ok' } });
  });

  it('counts a check that never answers as failing once its timeout passes', async () => {
    const report = await runHealthChecks({ stuck: () => new Promise(() => {}) }, { timeoutMs: 20 });
    expect(report).toEqual({ status: 'failing', checks: { stuck: 'failing' } });
  });
});
