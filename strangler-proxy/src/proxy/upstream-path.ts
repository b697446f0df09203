/**
 * The path and query an upstream receives for a request: its URL's path (`url: http://host/svcbase`)
 * joined with the path forwarded, and its URL's query put before the request's. The primary goes through
 * httpxy, which joins them this way; mirrors and noise probes are sent by the proxy itself and ask this
 * function, so each side gets the request at the endpoint the primary would have reached on it.
 */

/** What of an upstream's URL the path depends on (a `URL`, read once per upstream by the caller). */
export interface UpstreamBase {
  readonly pathname: string;
  readonly search: string;
}

/**
 * @param forwarded The request's path and query as the proxy forwards it (normalised, starts with `/`).
 * @example upstreamPath(new URL('http://h/svcbase'), '/api/orders/1?x=2') // → '/svcbase/api/orders/1?x=2'
 * @example upstreamPath(new URL('http://h/svcbase/?key=k'), '/a?x=2') // → '/svcbase/a?key=k&x=2'
 */
export function upstreamPath(base: UpstreamBase, forwarded: string): string {
  const { pathname, search } = base;
  if ((pathname === '' || pathname === '/') && search === '') return forwarded;
  let path = joinPaths(pathname, forwarded);
  if (search !== '') {
    const query = path.indexOf('?');
    path = query < 0 ? path + search : `${path.slice(0, query)}${search}&${path.slice(query + 1)}`;
  }
  return path;
}

/** Joins with one slash between, as httpxy does: a bare `/` adds nothing to a base path. */
function joinPaths(base: string, path: string): string {
  if (base === '' || base === '/') return path || '/';
  if (path === '' || path === '/') return base;
  const baseEndsWithSlash = base.endsWith('/');
  const pathStartsWithSlash = path.startsWith('/');
  if (baseEndsWithSlash && pathStartsWithSlash) return base + path.slice(1);
  if (!baseEndsWithSlash && !pathStartsWithSlash) return `${base}/${path}`;
  return base + path;
}
