/**
 * Rewrites a mirrored request through the correlation map, so that a read or an update of a record
 * created through the proxy reaches the other side's copy of it: whole path segments, query values and
 * JSON body values that are a known identifier become the other side's identifier. Partial matches are
 * left alone (`/articles/17-draft` is not `/articles/17`).
 */
import { isIdentifier, type Identifier } from '../compare/correspondence.ts';
import { declaredKind } from '../compare/compare-bodies.ts';

/** The other side's identifier for one of this side's, by its text; undefined when none is known. */
export type Translate = (value: string) => Identifier | undefined;

export interface RewrittenRequest {
  readonly path: string;
  readonly body: Uint8Array | null;
  /** Values replaced, in the path, query and body together. */
  readonly replaced: number;
}

/** `path` is the path and query as sent; `contentType` the request's. */
export function rewriteThroughMap(
  path: string,
  body: Uint8Array | null,
  contentType: string | undefined,
  translate: Translate,
): RewrittenRequest {
  let replaced = 0;
  const swap = (raw: string, encode: (text: string) => string): string => {
    let text: string;
    try {
      text = decodeURIComponent(raw);
    } catch {
      return raw;
    }
    const other = translate(text);
    if (other === undefined) return raw;
    replaced += 1;
    return encode(String(other));
  };
  const query = path.indexOf('?');
  const pathname = query < 0 ? path : path.slice(0, query);
  const search = query < 0 ? '' : path.slice(query + 1);
  let rewritten = pathname
    .split('/')
    .map((segment) => (segment === '' ? segment : swap(segment, encodeURIComponent)))
    .join('/');
  if (query >= 0) {
    const pairs = search.split('&').map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const value = pair.slice(equals + 1).replaceAll('+', ' ');
      return `${pair.slice(0, equals)}=${swap(value, encodeURIComponent)}`;
    });
    rewritten += `?${pairs.join('&')}`;
  }
  let rewrittenBody = body;
  if (body !== null && body.byteLength > 0 && declaredKind(contentType) === 'json') {
    const next = rewriteJson(body, translate);
    if (next !== null) {
      rewrittenBody = next.body;
      replaced += next.replaced;
    }
  }
  return { path: replaced > 0 ? rewritten : path, body: rewrittenBody, replaced };
}

/** The body with its known identifiers replaced; null when it is not JSON or nothing changed. */
function rewriteJson(body: Uint8Array, translate: Translate): { body: Uint8Array; replaced: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  let replaced = 0;
  // Iterative: a deeply nested body must not overflow the stack.
  const stack: unknown[] = [];
  const visit = (holder: Record<string | number, unknown>, key: string | number) => {
    const value = holder[key];
    if (isIdentifier(value)) {
      const other = translate(String(value));
      if (other !== undefined) {
        holder[key] =
          typeof value === 'number' && typeof other === 'string' && /^\d+$/.test(other)
            ? Number(other)
            : other;
        replaced += 1;
      }
    } else if (typeof value === 'object' && value !== null) stack.push(value);
  };
  const root = { value: parsed };
  visit(root, 'value');
  while (stack.length > 0) {
    const node = stack.pop() as Record<string | number, unknown> | unknown[];
    if (Array.isArray(node)) for (let index = 0; index < node.length; index++) visit(node as never, index);
    else for (const key of Object.keys(node)) visit(node, key);
  }
  if (replaced === 0) return null;
  return { body: Buffer.from(JSON.stringify(root.value)), replaced };
}
