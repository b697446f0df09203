/**
 * Bodies are compared as content, not as transfer bytes: two servers compress the same JSON differently
 * (or one not at all). Decoding happens on the shadow path only, bounded by the capture limit.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { CapturedResponse } from '../compare/verdict.ts';

const DECODERS: Readonly<Record<string, (body: Uint8Array, options: { maxOutputLength: number }) => Buffer>> =
  {
    gzip: gunzipSync,
    'x-gzip': gunzipSync,
    deflate: inflateSync,
    br: brotliDecompressSync,
  };

/** The response with its body decoded when it was compressed and complete; otherwise unchanged. */
export function decodeCapturedBody(response: CapturedResponse, maxBytes: number): CapturedResponse {
  const encoding = response.headers['content-encoding'];
  if (typeof encoding !== 'string' || response.truncated) return response;
  const decode = DECODERS[encoding.trim().toLowerCase()];
  if (!decode) return response;
  try {
    return { ...response, body: decode(response.body, { maxOutputLength: maxBytes }) };
  } catch {
    // Corrupt or over the limit: compare what was captured, as captured.
    return response;
  }
}
