/**
 * The last middleware of every service: whatever was thrown becomes a JSON error body, never an HTML page
 * and never a crash. Only unexpected errors (5xx) are logged with their stack; a client's mistake is not.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ServiceError } from './service-error.ts';

/** The body every error response carries. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

interface ClassifiedError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** body-parser's error types (it tags its errors with `type`) → our codes. */
const BODY_PARSER_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: 'request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'request body is too large' },
  'encoding.unsupported': {
    status: 415,
    code: 'unsupported_media_type',
    message: 'request body encoding is not supported',
  },
  'charset.unsupported': {
    status: 415,
    code: 'unsupported_media_type',
    message: 'request body charset is not supported',
  },
};

/** Decides status, code and message for anything a handler may throw. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof ServiceError)
    return { status: error.status, code: error.code, message: error.message };
  const type: unknown =
    typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
  if (known) return known;
  return { status: 500, code: 'internal_error', message: 'internal error' };
}

/** Turns thrown errors into `{ "error": { code, message } }` responses. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const { status, code, message } = classifyError(error);
    if (status >= 500)
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    // Once headers are out the response cannot become an error body; Express closes the connection.
    if (res.headersSent) {
      next(error);
      return;
    }
    const body: ErrorBody = { error: { code, message } };
    res.status(status).json(body);
  };
}

/** 404 for any path no route claimed, in the same JSON shape as other errors. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = { error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } };
  res.status(404).json(body);
};
