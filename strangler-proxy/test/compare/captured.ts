/**
 * Builders of captured responses for the comparison tests: a JSON, text or binary body with the headers
 * a real server would send.
 */
import type { CapturedResponse } from '../../src/compare/verdict.ts';

type Headers = CapturedResponse['headers'];

export interface CaptureOptions {
  readonly status?: number;
  readonly headers?: Headers;
  readonly truncated?: boolean;
}

const encoder = new TextEncoder();

export function captured(body: Uint8Array | string, options: CaptureOptions = {}): CapturedResponse {
  return {
    status: options.status ?? 200,
    headers: options.headers ?? {},
    body: typeof body === 'string' ? encoder.encode(body) : body,
    truncated: options.truncated ?? false,
    latencyMs: 1,
  };
}

/** A JSON answer; `text` lets a test choose the exact serialisation. */
export function jsonResponse(
  value: unknown,
  options: CaptureOptions & { text?: string } = {},
): CapturedResponse {
  return captured(options.text ?? JSON.stringify(value), {
    ...options,
    headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
  });
}

export function textResponse(text: string, options: CaptureOptions = {}): CapturedResponse {
  return captured(text, { ...options, headers: { 'content-type': 'text/plain', ...options.headers } });
}

export function binaryResponse(bytes: readonly number[], options: CaptureOptions = {}): CapturedResponse {
  return captured(Uint8Array.from(bytes), {
    ...options,
    headers: { 'content-type': 'application/octet-stream', ...options.headers },
  });
}
