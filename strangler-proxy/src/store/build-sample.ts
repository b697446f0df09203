/**
 * Turns a compared pair into a {@link StoredSample}: headers and body fields redacted, bodies cut to an
 * excerpt. Redaction happens on the parsed JSON, before cutting, so a cut can never expose a field that a
 * rule would have hidden; a body that cannot be parsed is withheld when the route redacts body fields.
 */
import type { CapturedResponse } from '../compare/verdict.ts';
import type { ComparisonEvent, RecordedRequest } from './types.ts';
import type { SampleRequest, SampleResponse, StoredSample } from './result-store.ts';
import { redactBody, redactHeaderValues, redactTarget, redactText, type Redaction } from './redact-sample.ts';

/** Default cap of a stored body excerpt. */
export const DEFAULT_EXCERPT_BYTES = 16_384;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** The redacted sample of one comparison. */
export function buildSample(
  event: ComparisonEvent,
  redaction: Redaction,
  excerptBytes: number = DEFAULT_EXCERPT_BYTES,
): StoredSample {
  return {
    routeId: event.routeId,
    signature: event.verdict.signature,
    at: event.at,
    request: sampleRequest(event.request, redaction, excerptBytes),
    legacy: event.legacy ? sampleResponse(event.legacy, redaction, excerptBytes) : null,
    service: event.service ? sampleResponse(event.service, redaction, excerptBytes) : null,
    differences: event.verdict.differences.map((difference) => ({
      path: difference.path,
      kind: difference.kind,
    })),
  };
}

function sampleRequest(request: RecordedRequest, redaction: Redaction, excerptBytes: number): SampleRequest {
  return {
    method: request.method,
    url: redactTarget(request.url, redaction),
    headers: redactHeaderValues(request.headers, redaction),
    body: request.body
      ? bodyExcerpt(request.body, redaction, excerptBytes, false, contentTypeOf(request.headers)).text
      : null,
  };
}

function sampleResponse(
  response: CapturedResponse,
  redaction: Redaction,
  excerptBytes: number,
): SampleResponse {
  const excerpt = bodyExcerpt(
    response.body,
    redaction,
    excerptBytes,
    response.truncated,
    contentTypeOf(response.headers),
  );
  return {
    status: response.status,
    headers: redactHeaderValues(response.headers, redaction),
    body: excerpt.text,
    truncated: excerpt.truncated,
    latencyMs: response.latencyMs,
  };
}

function contentTypeOf(headers: RecordedRequest['headers']): string | undefined {
  const value = headers['content-type'];
  return typeof value === 'string' ? value : value?.[0];
}

/** A redacted, bounded text excerpt of a body; null for an empty body. */
export function bodyExcerpt(
  body: Uint8Array,
  redaction: Redaction,
  excerptBytes: number,
  alreadyTruncated: boolean,
  contentType?: string,
): { text: string | null; truncated: boolean } {
  if (body.byteLength === 0) return { text: null, truncated: alreadyTruncated };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { text: `[binary body: ${body.byteLength} bytes]`, truncated: alreadyTruncated };
  }
  let parsed: unknown;
  let isJson = false;
  try {
    parsed = JSON.parse(text);
    isJson = true;
  } catch {
    // not JSON (or cut by the capture limit)
  }
  if (isJson) {
    text = JSON.stringify(redactBody(parsed, redaction));
  } else if (redaction.body !== null) {
    // Redaction rules need the structure; a body we cannot parse might hold the very fields to hide.
    return {
      text: `[body withheld: ${body.byteLength} bytes that are not complete JSON; this route redacts body fields]`,
      truncated: alreadyTruncated,
    };
  } else {
    text = redactText(text, contentType);
  }
  return cut(text, excerptBytes, alreadyTruncated);
}

function cut(
  text: string,
  maxBytes: number,
  alreadyTruncated: boolean,
): { text: string; truncated: boolean } {
  const bytes = encoder.encode(text);
  if (bytes.byteLength <= maxBytes) return { text, truncated: alreadyTruncated };
  // Back off to a character boundary so the excerpt stays valid UTF-8.
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: new TextDecoder().decode(bytes.subarray(0, end)), truncated: true };
}
