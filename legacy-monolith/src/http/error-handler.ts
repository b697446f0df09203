/**
 * The last middleware: thrown errors become JSON error bodies, never an HTML page or a crash. Only
 * unexpected failures are logged with their stack.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError, type ErrorBody, type ErrorCode } from './http-error.ts';

// body-parser tags its errors with `type`.
const BODY_ERRORS: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  'entity.parse.failed': { code: 'invalid_json', message: 'request body is not valid JSON' },
  'entity.too.large': { code: 'payload_too_large', message: 'request body is too large' },
  'encoding.unsupported': {
    code: 'unsupported_media_type',
    message: 'request body encoding is not supported',
  },
  'charset.unsupported': { code: 'unsupported_media_type', message: 'request body charset is not supported' },
};

/** Maps anything thrown to an {@link HttpError}; unknown errors become `internal_error`. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const type: unknown =
    typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  return known ? new HttpError(known.code, known.message) : new HttpError('internal_error', 'internal error');
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const failure = toHttpError(error);
    if (failure.status >= 500)
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      next(error);
      return;
    }
    const body: ErrorBody = { error: { code: failure.code, message: failure.message } };
    res.status(failure.status).json(body);
  };
}

/** JSON 404 for paths no route claimed. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = { error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } };
  res.status(404).json(body);
};
