/**
 * URLs as they may be shown or logged: an upstream's, a results store's. The password in the userinfo
 * (`user:password@`) and the values of credential-like query parameters (the names `redactQuery` masks)
 * are replaced by {@link REDACTED}; everything else is kept as written.
 */
import { REDACTED, redactQuery } from './redact.ts';

/** `scheme://`, then the authority and path up to the last `@` before any query or fragment. */
const BEFORE_LAST_AT = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^?#]*)@/;

/**
 * `text` with its credentials masked: `postgres://app:p@ss@db/x?password=y` gives
 * `postgres://app:[redacted]@db/x?password=[redacted]`. The userinfo runs to the last `@` of the
 * authority, so a password holding `@` or `/` (which parsers split in different places) is masked whole;
 * a userinfo without a colon may be a token (`https://TOKEN@host`) as well as a user name, and is masked
 * whole. A `/…@` with no colon before the first `/` is an `@` in the path, left as it is.
 */
export function redactUrl(text: string): string {
  const match = BEFORE_LAST_AT.exec(text);
  let masked = text;
  if (match) {
    const [whole, scheme = '', userinfo = ''] = match;
    const slash = userinfo.indexOf('/');
    const isUserinfo = slash === -1 || userinfo.slice(0, slash).includes(':');
    if (isUserinfo) {
      const colon = userinfo.indexOf(':');
      const shown = colon === -1 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`;
      masked = `${scheme}${shown}@${text.slice(whole.length)}`;
    }
  }
  return redactQuery(masked);
}

/** A URL without its userinfo: what a request may be sent to (credentials in a URL are never sent). */
export function withoutUserinfo(url: URL): URL {
  if (url.username === '' && url.password === '') return url;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}
