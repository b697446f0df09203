/**
 * What the admin listener checks before anything else, against DNS rebinding and cross-site requests
 * from a browser on the operator's machine: a page on `evil.example` whose name is made to resolve to
 * 127.0.0.1 reaches the listener with `Host: evil.example:9901`, and any page can send a simple
 * cross-site `POST /reload` (no preflight), even though it cannot read the answer.
 *
 * - `Host` must name the bound port and an address that cannot be rebound: an IP literal (the bound
 *   address, or any when bound to every interface), `localhost` when bound to loopback or every
 *   interface, or a name the operator allowed (`--admin-allowed-host`).
 * - A state-changing request must not say it comes from another site (`Origin` other than the listener's
 *   own, `Sec-Fetch-Site` other than `same-origin`/`none`) nor carry a content type a cross-site form or
 *   `fetch` may send without a preflight.
 */
import type { ErrorCode } from '../errors/catalogue.ts';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

export interface AdminRefusal {
  readonly status: 421 | 403;
  readonly code: Extract<ErrorCode, 'ADMIN_HOST_NOT_ALLOWED' | 'ADMIN_CROSS_SITE'>;
  readonly message: string;
}

export interface AdminBinding {
  /** The address the listener is bound to, as given (`127.0.0.1`, `::`, `localhost`…). */
  readonly host: string;
  readonly port: number;
  /** Whether that address is loopback. */
  readonly loopback: boolean;
  /** Further host names the operator allows in `Host` (any case). */
  readonly allowedHosts?: readonly string[];
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);
/** Content types a browser sends cross-site without a preflight (the CORS-safelisted ones). */
const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);
const SAME_SITE_FETCHES = new Set(['same-origin', 'none']);

/** Host name and port of a `Host` header (or an origin's authority); null when it does not parse. */
function parseAuthority(authority: string): { hostname: string; port: number } | null {
  if (!URL.canParse(`http://${authority}`)) return null;
  const url = new URL(`http://${authority}`);
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '') return null;
  return { hostname: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(url.port || 80) };
}

export function createAdminRequestGuard(binding: AdminBinding) {
  const bound = binding.host.replace(/^\[|\]$/g, '').toLowerCase();
  const wildcard = WILDCARD.has(bound);
  const allowed = new Set((binding.allowedHosts ?? []).map((name) => name.toLowerCase()));
  const hostAllowed = (hostname: string): boolean =>
    hostname === bound ||
    allowed.has(hostname) ||
    (hostname === 'localhost' && (binding.loopback || wildcard)) ||
    // An IP literal cannot be rebound: with every interface bound, any of the machine's addresses is ours.
    (wildcard && isIP(hostname) !== 0) ||
    (binding.loopback && (hostname === '::1' || (isIP(hostname) === 4 && hostname.startsWith('127.'))));

  return (method: string, headers: IncomingHttpHeaders): AdminRefusal | null => {
    const host = headers.host;
    const authority = host === undefined ? null : parseAuthority(host);
    if (authority === null || authority.port !== binding.port || !hostAllowed(authority.hostname)) {
      return {
        status: 421,
        code: 'ADMIN_HOST_NOT_ALLOWED',
        message: `Host ${JSON.stringify(host ?? '')} is not this admin listener's address (port ${binding.port}); allow a name with --admin-allowed-host`,
      };
    }
    if (method === 'GET' || method === 'HEAD') return null;
    const origin = headers.origin;
    const site = headers['sec-fetch-site'];
    const contentType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    const crossOrigin = origin !== undefined && origin.toLowerCase() !== `http://${host?.toLowerCase()}`;
    if (crossOrigin || (site !== undefined && !SAME_SITE_FETCHES.has(site.toLowerCase()))) {
      return {
        status: 403,
        code: 'ADMIN_CROSS_SITE',
        message: `a ${method} from another site (Origin ${origin ?? '-'}, Sec-Fetch-Site ${site ?? '-'}) is refused`,
      };
    }
    if (contentType !== undefined && SIMPLE_CONTENT_TYPES.has(contentType)) {
      return {
        status: 403,
        code: 'ADMIN_CROSS_SITE',
        message: `a ${method} with Content-Type ${contentType} (which any site may send) is refused: send no body, or application/json`,
      };
    }
    return null;
  };
}
