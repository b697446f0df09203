/**
 * The headers that belong to one connection rather than to the message (RFC 9110 §7.6.1,
 * https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1, and the proxy credentials of §11.7): never
 * passed on as they came, never compared. The one list the proxy, the shadow and the comparison read; a
 * header a `Connection` value names is connection-specific as well.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = Object.freeze([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `keep-alive`, however it is spelled: the commonest Connection value, checked without allocating. */
export function isKeepAlive(connection: string): boolean {
  return (
    connection === 'keep-alive' ||
    connection === 'Keep-Alive' ||
    (connection.length === 10 && connection.toLowerCase() === 'keep-alive')
  );
}
