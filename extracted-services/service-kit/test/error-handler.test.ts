import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApiApp, createSilentLogger, defineErrors, classifyError, ServiceError } from '../src/index.ts';

const { error, catalogue } = defineErrors({ widget_not_found: 404, widget_locked: 409 });

function createTestApp() {
  const router = express.Router();
  router.get('/widgets/:id', (req) => {
    throw error('widget_not_found', `widget ${req.params.id} not found`);
  });
  router.post('/widgets', (req, res) => {
    res.status(201).json({ received: req.body as unknown });
  });
  router.get('/explode', () => {
    throw new Error('database on fire');
  });
  router.get('/explode-async', async () => {
    await Promise.resolve();
    throw new TypeError('undefined is not a function');
  });
  return createApiApp({ logger: createSilentLogger(), routers: [router], healthChecks: {} });
}

describe('error handling', () => {
  it('sends a thrown ServiceError with its status and code', async () => {
    const response = await request(createTestApp()).get('/widgets/7');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'widget_not_found', message: 'widget 7 not found' } });
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await request(createTestApp())
      .post('/widgets')
      .set('content-type', 'application/json')
      .send('{"name": "sprocket",');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const response = await request(createTestApp())
      .post('/widgets')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(200_000) }));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('hides unexpected errors, sync or async, behind 500 internal_error', async () => {
    for (const path of ['/explode', '/explode-async']) {
      const response = await request(createTestApp()).get(path);
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await request(createTestApp()).delete('/nowhere');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'no route for DELETE /nowhere' } });
  });

  it('merges the common codes into a service catalogue', () => {
    expect(catalogue.widget_locked).toBe(409);
    expect(catalogue.invalid_json).toBe(400);
    const built = error('widget_locked', 'locked');
    expect(built).toBeInstanceOf(ServiceError);
    expect(classifyError(built)).toEqual({ status: 409, code: 'widget_locked', message: 'locked' });
  });
});
