/**
 * The one error catalogue: every stable code the proxy and its commands report, with the HTTP status where
 * one applies, what it means and what to do. Tests and tools match codes, never message text.
 * `docs/errors.md` is rendered from it (`npm run schema`); a test checks that every code in the sources is
 * here and documented, and that every code here is used. Imports nothing: every layer may read it.
 */

export type Severity = 'error' | 'warning';

export interface CatalogueEntry {
  /** Who reports it. */
  readonly area: 'config' | 'path' | 'promote' | 'proxy' | 'admin' | 'store' | 'cli';
  /** The status of the HTTP answer that carries it, where one does. */
  readonly status?: number;
  /** Config problems only: whether the load fails (error) or goes on (warning). */
  readonly severity?: Severity;
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
}

/** routes.yaml problems, each located at file:line:column by the loader. */
export const CONFIG_CATALOGUE = {
  CONFIG_UNREADABLE: {
    area: 'config',
    severity: 'error',
    message: 'the file could not be read (reported by the caller that reads it)',
    action: 'Check the path and permissions; point the proxy at a regular file.',
  },
  CONFIG_FILE_TOO_LARGE: {
    area: 'config',
    severity: 'error',
    message: 'the file exceeds the size limit (1 MiB by default)',
    action: 'Split the file or raise the limit; a routes file this large is likely a mistake.',
  },
  CONFIG_RELOAD_FAILED: {
    area: 'config',
    severity: 'error',
    message: 'a reload failed for a reason other than the file (reported by the proxy that reloads)',
    action: 'Read the logged cause; the last good table keeps serving meanwhile.',
  },
  CONFIG_YAML_SYNTAX: {
    area: 'config',
    severity: 'error',
    message: 'the file is not well-formed YAML',
    action: 'Fix the YAML at the line and column given.',
  },
  CONFIG_YAML_WARNING: {
    area: 'config',
    severity: 'warning',
    message: 'the YAML parser warns about a construct',
    action: 'Rewrite the construct the parser warns about.',
  },
  CONFIG_DUPLICATE_KEY: {
    area: 'config',
    severity: 'error',
    message: 'a mapping has the same key twice',
    action: 'Remove or rename one of the two keys.',
  },
  CONFIG_COMPLEX_KEY: {
    area: 'config',
    severity: 'error',
    message: 'a key is a mapping or sequence instead of a string',
    action: 'Write the key as a plain string.',
  },
  CONFIG_ALIAS_LIMIT: {
    area: 'config',
    severity: 'error',
    message: 'aliases expand too much (alias bomb guard)',
    action: 'Write the values out instead of expanding aliases this much.',
  },
  CONFIG_TOO_DEEP: {
    area: 'config',
    severity: 'error',
    message: 'the document nests deeper than allowed',
    action: 'Flatten the document; routes.yaml needs six levels.',
  },
  CONFIG_ROOT_NOT_MAPPING: {
    area: 'config',
    severity: 'error',
    message: 'the document is empty or not a mapping',
    action: 'Start the file with `version: 1` and the other top-level keys.',
  },
  CONFIG_ENV_UNSET: {
    area: 'config',
    severity: 'error',
    message: '${VAR} names an unset variable and gives no default',
    action: 'Set the variable, or give a default with `${VAR:-default}`.',
  },
  CONFIG_ENV_UNSET_UPSTREAM: {
    area: 'config',
    severity: 'warning',
    message: 'an upstream URL names an unset variable, for a command that needs no upstream URLs',
    action: 'Nothing, for check, report, promote and the like; set it before `start`, `routes` or `explain`.',
  },
  CONFIG_ENV_SYNTAX: {
    area: 'config',
    severity: 'error',
    message: 'a ${...} reference is malformed',
    action: 'Write `${NAME}` or `${NAME:-default}`; `$${` for a literal `${`.',
  },
  CONFIG_UNKNOWN_KEY: {
    area: 'config',
    severity: 'error',
    message: 'a key the schema does not know (typo?)',
    action: 'Fix the spelling (the message suggests the closest key) or remove it.',
  },
  CONFIG_MISSING_KEY: {
    area: 'config',
    severity: 'error',
    message: 'a required key is absent',
    action: 'Add the key.',
  },
  CONFIG_INVALID_TYPE: {
    area: 'config',
    severity: 'error',
    message: 'a value has the wrong type',
    action: 'Give a value of the type the message names.',
  },
  CONFIG_INVALID_VALUE: {
    area: 'config',
    severity: 'error',
    message: 'a value has the right type but is not allowed',
    action: 'Use one of the values the message lists.',
  },
  CONFIG_OUT_OF_RANGE: {
    area: 'config',
    severity: 'error',
    message: 'a number, string or list is too small or too big',
    action: 'Bring the value within the bounds the message gives.',
  },
  CONFIG_UNKNOWN_SERVICE: {
    area: 'config',
    severity: 'error',
    message: 'a route names a service not declared in services',
    action: 'Declare the service under `services`, or fix the name.',
  },
  CONFIG_DUPLICATE_ROUTE_ID: {
    area: 'config',
    severity: 'error',
    message: 'two routes have the same id',
    action: 'Give each route its own id.',
  },
  CONFIG_CANARY_MISSING: {
    area: 'config',
    severity: 'error',
    message: 'a route in stage canary has no canary block',
    action: 'Add `canary: { percent: N }` to the route.',
  },
  CONFIG_INVALID_JSON_PATH: {
    area: 'config',
    severity: 'error',
    message: 'a compare rule path is outside the JSONPath subset',
    action: "Use the supported subset: `$`, `.key`, `['key']`, `[n]`, `[*]`, `.*`, `..key`.",
  },
  CONFIG_CONFLICTING_RULES: {
    area: 'config',
    severity: 'error',
    message: 'compare rules on one path that cannot apply together (tolerance on a time or string, …)',
    action: 'Keep one of the rules on that path.',
  },
  CONFIG_INVALID_PATH_PATTERN: {
    area: 'config',
    severity: 'error',
    message: 'a route path pattern is malformed',
    action: 'Fix the pattern as the message says.',
  },
  CONFIG_INVALID_HEADER_CONDITION: {
    area: 'config',
    severity: 'error',
    message: 'a header condition is malformed',
    action: 'Use valid header names, each once ignoring case.',
  },
  CONFIG_UNREACHABLE_ROUTE: {
    area: 'config',
    severity: 'error',
    message: 'earlier routes take every request this route could',
    action: 'Move the route above the ones that cover it, or narrow those.',
  },
  CONFIG_UNUSED_SERVICE: {
    area: 'config',
    severity: 'warning',
    message: 'a declared service is used by no route',
    action: 'Route something to the service or remove it.',
  },
  CONFIG_TOO_MANY_PROBLEMS: {
    area: 'config',
    severity: 'error',
    message: 'the report was cut short',
    action: 'Fix the problems listed and validate again for the rest.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Request targets refused before routing (a 414 for a path too long, else 400). */
export const PATH_CATALOGUE = {
  PATH_NOT_ORIGIN_FORM: {
    area: 'path',
    status: 400,
    message: 'the request target is not a path (absolute form, `*`, CONNECT)',
    action: 'Send an origin-form target such as `/api/products`.',
  },
  PATH_TOO_LONG: {
    area: 'path',
    status: 414,
    message: 'the request path is longer than allowed',
    action: 'Shorten the path.',
  },
  PATH_INVALID_PERCENT_ENCODING: {
    area: 'path',
    status: 400,
    message: 'a `%` is not followed by two hex digits',
    action: 'Encode `%` as `%25`.',
  },
  PATH_CONTROL_CHARACTER: {
    area: 'path',
    status: 400,
    message: 'the path holds a control character, raw or percent-encoded',
    action: 'Remove it; no route can take it.',
  },
  PATH_INVALID_CHARACTER: {
    area: 'path',
    status: 400,
    message: 'the path holds a character a path may not',
    action: 'Percent-encode it.',
  },
  PATH_AMBIGUOUS_SEGMENT: {
    area: 'path',
    status: 400,
    message: 'an encoded `/`, `\\` or dot segment that upstreams would read another way',
    action: 'Send the path decoded, or without the encoded separator.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Failures of `promote`, `rollback` and `check`. */
export const PROMOTE_CATALOGUE = {
  PROMOTE_ROUTE_NOT_FOUND: {
    area: 'promote',
    message: 'no route in the file has this id',
    action: 'Check the route id (`strangler-proxy routes` lists them).',
  },
  PROMOTE_DUPLICATE_ROUTE: {
    area: 'promote',
    message: 'more than one route in the file has this id',
    action: 'Give each route its own id.',
  },
  PROMOTE_INVALID_CONFIG: {
    area: 'promote',
    message: 'the routes file is not valid before any edit, so no move can be planned',
    action: 'Run `strangler-proxy validate` and fix the problems it lists.',
  },
  PROMOTE_ALREADY_MIGRATED: {
    area: 'promote',
    message: 'the route is migrated: there is no further step to promote to',
    action: 'Nothing to do; remove the legacy code path when ready.',
  },
  PROMOTE_NOTHING_TO_ROLL_BACK: {
    area: 'promote',
    message: 'the route is at legacy: there is no earlier step',
    action: 'Nothing to do.',
  },
  PROMOTE_TARGET_NOT_BEHIND: {
    area: 'promote',
    message: 'the rollback target is not behind the route’s current position',
    action: 'Name a stage behind the current one.',
  },
  PROMOTE_UNSUPPORTED_YAML: {
    area: 'promote',
    message: 'the route is written in a form the text editor cannot change safely (alias, merge key…)',
    action: 'Write the route out plainly, then promote again.',
  },
  PROMOTE_INVALID_RESULT: {
    area: 'promote',
    message: 'the edited file would not be valid (or not say what was intended), so it was not written',
    action: 'Edit the file by hand, or report the case.',
  },
  PROMOTE_FILE_CHANGED: {
    area: 'promote',
    message: 'the file changed on disk while it was being edited; nothing was written',
    action: 'Run the command again.',
  },
  PROMOTE_FLEET_DISAGREES: {
    area: 'promote',
    message: 'the live proxies sharing the results store run different revisions of the route',
    action:
      'Let every proxy apply the same routes.yaml (`status --fleet` shows who runs what), or pass `--force`.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Answers the proxy makes itself, in its JSON error body (`proxy/failure-status.ts` maps failures to them). */
export const PROXY_CATALOGUE = {
  UPSTREAM_UNAVAILABLE: {
    area: 'proxy',
    status: 502,
    message: 'the upstream refused the connection',
    action: 'Check that the service runs and its address in routes.yaml.',
  },
  UPSTREAM_RESET: {
    area: 'proxy',
    status: 502,
    message: 'the upstream closed the connection',
    action: 'Look at the upstream’s logs for a crash or a restart.',
  },
  UPSTREAM_TIMEOUT: {
    area: 'proxy',
    status: 504,
    message: 'the upstream did not answer in time',
    action: 'Look at the upstream’s latency, or raise the route’s timeout.',
  },
  UPSTREAM_BAD_RESPONSE: {
    area: 'proxy',
    status: 502,
    message: 'the upstream sent an invalid response',
    action: 'Fix the upstream’s answer.',
  },
  UPSTREAM_OVER_CAPACITY: {
    area: 'proxy',
    status: 503,
    message: 'too many requests in flight to the upstream',
    action: 'Raise the upstream’s limit or add instances.',
  },
  UPSTREAM_CIRCUIT_OPEN: {
    area: 'proxy',
    status: 503,
    message: 'the upstream is failing; its circuit breaker is open',
    action: 'Wait; the breaker tries again by itself.',
  },
  BAD_REQUEST: {
    area: 'proxy',
    status: 400,
    message: 'the request is malformed',
    action: 'Fix the client’s request.',
  },
  URI_TOO_LONG: {
    area: 'proxy',
    status: 414,
    message: 'the request path is longer than allowed',
    action: 'Shorten the path.',
  },
  NOT_AN_OPEN_PROXY: {
    area: 'proxy',
    status: 400,
    message: 'absolute-form targets and CONNECT are refused',
    action: 'Send origin-form requests to the proxy.',
  },
  BODY_TOO_LARGE: {
    area: 'proxy',
    status: 413,
    message: 'the request body is larger than allowed',
    action: 'Send a smaller body, or raise the limit.',
  },
  HEADERS_TOO_LARGE: {
    area: 'proxy',
    status: 431,
    message: 'the request headers are larger than allowed',
    action: 'Send fewer or smaller headers.',
  },
  REQUEST_TIMEOUT: {
    area: 'proxy',
    status: 408,
    message: 'the request was not received in time',
    action: 'Check the client’s connection.',
  },
  RATE_LIMITED: {
    area: 'proxy',
    status: 429,
    message: 'too many requests',
    action: 'Wait for the time `Retry-After` gives.',
  },
  AUTH_MISSING: {
    area: 'proxy',
    status: 401,
    message: 'a bearer token is required',
    action: 'Send `Authorization: Bearer <token>`.',
  },
  AUTH_EXPIRED: {
    area: 'proxy',
    status: 401,
    message: 'the token has expired',
    action: 'Get a new token.',
  },
  AUTH_BAD_SIGNATURE: {
    area: 'proxy',
    status: 401,
    message: 'the token signature does not verify',
    action: 'Get a token from the configured issuer.',
  },
  AUTH_WRONG_AUDIENCE: {
    area: 'proxy',
    status: 401,
    message: 'the token is for another audience',
    action: 'Get a token for this audience.',
  },
  AUTH_INVALID: {
    area: 'proxy',
    status: 401,
    message: 'the token is invalid',
    action: 'Get a valid token.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** The admin API’s answers, and its refusal to start unprotected. */
export const ADMIN_CATALOGUE = {
  ADMIN_UNAUTHORIZED: {
    area: 'admin',
    status: 401,
    message: 'a valid admin token is required',
    action: 'Send `Authorization: Bearer <admin token>`.',
  },
  ADMIN_HOST_NOT_ALLOWED: {
    area: 'admin',
    status: 421,
    message: 'the Host header names no address the admin API answers for',
    action: 'Use the bound address, or list the name in `--admin-allowed-hosts`.',
  },
  ADMIN_CROSS_SITE: {
    area: 'admin',
    status: 403,
    message: 'a browser sent the request from another site',
    action: 'Call the admin API from a tool, not a web page.',
  },
  ADMIN_BAD_REQUEST: {
    area: 'admin',
    status: 400,
    message: 'the admin request lacks or garbles a parameter',
    action: 'Send the parameters the message names (e.g. `/explain?method=GET&path=/api/x`).',
  },
  ADMIN_FAILED: {
    area: 'admin',
    status: 500,
    message: 'the admin endpoint failed',
    action: 'Read the logged cause.',
  },
  METHOD_NOT_ALLOWED: {
    area: 'admin',
    status: 405,
    message: 'the admin endpoint does not take this method',
    action: 'Use the method the message names.',
  },
  NOT_FOUND: {
    area: 'admin',
    status: 404,
    message: 'there is no admin endpoint at this path',
    action: 'Check the path.',
  },
  ADMIN_TOKEN_REQUIRED: {
    area: 'admin',
    message: 'the admin API listens beyond loopback without a token',
    action: 'Set `STRANGLER_ADMIN_TOKEN`, or bind the admin API to loopback.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** The results store. */
export const STORE_CATALOGUE = {
  STRANGLER_ERR_STORE_URL: {
    area: 'store',
    message: 'the results store URL is not one the proxy can open',
    action: 'Give a file path, `sqlite:`, `postgres://` or `memory:`.',
  },
  STRANGLER_ERR_STORE_FILE_REPLACED: {
    area: 'store',
    message: 'the SQLite file was replaced or removed while open',
    action: 'Restart with the file in place; nothing is written to a replaced file.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** What the commands and the programmatic API throw. */
export const CLI_CATALOGUE = {
  CONFIG_INVALID: {
    area: 'cli',
    message: 'the routes file is invalid at start (its problems are listed with their codes)',
    action: 'Fix the problems listed, then start again.',
  },
  LISTEN_FAILED: {
    area: 'cli',
    message: 'a listener could not listen, for a reason the system did not name',
    action: 'Check the host and port.',
  },
  STRANGLER_ERR_REPORT_FORMAT: {
    area: 'cli',
    message: '`--format` names no report format',
    action: 'Use one of the formats the message lists.',
  },
  COMPARE_INVALID_JSON_PATH: {
    area: 'cli',
    message: 'a JSONPath given to the comparison engine is outside its subset',
    action: 'Use the supported subset (see CONFIG_INVALID_JSON_PATH).',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Every code, each with its entry. */
export const ERROR_CATALOGUE = {
  ...CONFIG_CATALOGUE,
  ...PATH_CATALOGUE,
  ...PROMOTE_CATALOGUE,
  ...PROXY_CATALOGUE,
  ...ADMIN_CATALOGUE,
  ...STORE_CATALOGUE,
  ...CLI_CATALOGUE,
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Whether a string is a code of the catalogue. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value);
}
