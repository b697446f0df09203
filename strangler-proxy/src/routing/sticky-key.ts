/**
 * What identifies a user for a sticky split (`header:NAME`, `cookie:NAME` or `ip`), and how to read it from
 * a request cheaply: one header lookup, and for cookies a scan for the one named cookie (no full parse).
 */

export type StickySource =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string }
  | { readonly kind: 'ip' };

/** What a sticky key can be read from: plain values, no node:http types. */
export interface StickyRequest {
  /** A request header by lowercase name; repeated headers joined by the caller (cookies with `; `). */
  header(name: string): string | undefined;
  /** The client address as the proxy trusts it (after X-Forwarded-For handling, if any). */
  readonly remoteAddress?: string | undefined;
}

/**
 * Parses a validated `sticky` value. Header names are lowercased; cookie names are case-sensitive.
 *
 * @throws {TypeError} for a value the schema would have refused.
 */
export function parseStickySource(text: string): StickySource {
  if (text === 'ip') return { kind: 'ip' };
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (colon > 0 && name !== '') {
    if (kind === 'header') return { kind: 'header', name: name.toLowerCase() };
    if (kind === 'cookie') return { kind: 'cookie', name };
  }
  throw new TypeError(`not a sticky source: ${text}`);
}

/** The request's sticky key, or `undefined` when it has none (empty values count as none). */
export function readStickyKey(source: StickySource, request: StickyRequest): string | undefined {
  switch (source.kind) {
    case 'header':
      return request.header(source.name) || undefined;
    case 'cookie': {
      const cookies = request.header('cookie');
      return cookies === undefined ? undefined : readCookie(cookies, source.name);
    }
    case 'ip': {
      const address = request.remoteAddress;
      if (!address) return undefined;
      // One client, two spellings on a dual-stack socket: ::ffff:192.0.2.1 is 192.0.2.1.
      return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
    }
  }
}

/**
 * The value of one cookie in a `Cookie` header (`a=1; b=2`), or `undefined`. Scans for `name=` at a cookie
 * boundary; allocates only the value.
 *
 * @example readCookie('theme=dark; uid=42', 'uid') // → '42'
 */
export function readCookie(header: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = header.indexOf(name, from);
    if (at < 0) return undefined;
    const valueStart = at + name.length + 1;
    if (header.charCodeAt(valueStart - 1) === EQUALS && isCookieStart(header, at)) {
      let valueEnd = header.indexOf(';', valueStart);
      if (valueEnd < 0) valueEnd = header.length;
      const value = header.slice(valueStart, valueEnd).trim();
      return value === '' ? undefined : value;
    }
    from = at + 1;
  }
}

const EQUALS = 0x3d;

/** Whether `at` starts a cookie: the header's start, or after `;` and optional spaces. */
function isCookieStart(header: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (header.charCodeAt(i) === 0x20 || header.charCodeAt(i) === 0x09)) i--;
  return i < 0 || header.charCodeAt(i) === 0x3b;
}
