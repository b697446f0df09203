/**
 * One log line per request, with a request id that follows the request through the services: an incoming
 * `x-request-id` is kept (when it looks like an id), otherwise one is made; it is echoed on the response.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

// A caller's id is written to logs and echoed back, so only plain tokens are accepted.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reads or assigns the request id, echoes it, and logs method, path, status and duration at the end. */
export function createRequestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      logger.info(
        {
          request_id: requestId,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          duration_ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}
