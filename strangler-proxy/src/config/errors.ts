/**
 * The config error catalogue: every problem the loader reports has one of these stable codes. Tests and
 * tools match codes, never message text; docs/errors.md lists every code (a test keeps it complete).
 */

export type Severity = 'error' | 'warning';

/** Code → severity and a one-line summary (the docs say more). */
export const CONFIG_ERRORS = {
  CONFIG_UNREADABLE: {
    severity: 'error',
    summary: 'the file could not be read (reported by the caller that reads it)',
  },
  CONFIG_FILE_TOO_LARGE: { severity: 'error', summary: 'the file exceeds the size limit (1 MiB by default)' },
  CONFIG_RELOAD_FAILED: {
    severity: 'error',
    summary: 'a reload failed for a reason other than the file (reported by the proxy that reloads)',
  },
  CONFIG_YAML_SYNTAX: { severity: 'error', summary: 'the file is not well-formed YAML' },
  CONFIG_YAML_WARNING: { severity: 'warning', summary: 'the YAML parser warns about a construct' },
  CONFIG_DUPLICATE_KEY: { severity: 'error', summary: 'a mapping has the same key twice' },
  CONFIG_COMPLEX_KEY: { severity: 'error', summary: 'a key is a mapping or sequence instead of a string' },
  CONFIG_ALIAS_LIMIT: { severity: 'error', summary: 'aliases expand too much (alias bomb guard)' },
  CONFIG_TOO_DEEP: { severity: 'error', summary: 'the document nests deeper than allowed' },
  CONFIG_ROOT_NOT_MAPPING: { severity: 'error', summary: 'the document is empty or not a mapping' },
  CONFIG_ENV_UNSET: { severity: 'error', summary: '${VAR} names an unset variable and gives no default' },
  CONFIG_ENV_UNSET_UPSTREAM: {
    severity: 'warning',
    summary: 'an upstream URL names an unset variable, for a command that needs no upstream URLs',
  },
  CONFIG_ENV_SYNTAX: { severity: 'error', summary: 'a ${...} reference is malformed' },
  CONFIG_UNKNOWN_KEY: { severity: 'error', summary: 'a key the schema does not know (typo?)' },
  CONFIG_MISSING_KEY: { severity: 'error', summary: 'a required key is absent' },
  CONFIG_INVALID_TYPE: { severity: 'error', summary: 'a value has the wrong type' },
  CONFIG_INVALID_VALUE: { severity: 'error', summary: 'a value has the right type but is not allowed' },
  CONFIG_OUT_OF_RANGE: { severity: 'error', summary: 'a number, string or list is too small or too big' },
  CONFIG_UNKNOWN_SERVICE: { severity: 'error', summary: 'a route names a service not declared in services' },
  CONFIG_DUPLICATE_ROUTE_ID: { severity: 'error', summary: 'two routes have the same id' },
  CONFIG_CANARY_MISSING: { severity: 'error', summary: 'a route in stage canary has no canary block' },
  CONFIG_INVALID_JSON_PATH: {
    severity: 'error',
    summary: 'a compare rule path is outside the JSONPath subset',
  },
  CONFIG_CONFLICTING_RULES: {
    severity: 'error',
    summary: 'compare rules on one path that cannot apply together (tolerance on a time or string, …)',
  },
  CONFIG_INVALID_PATH_PATTERN: { severity: 'error', summary: 'a route path pattern is malformed' },
  CONFIG_INVALID_HEADER_CONDITION: { severity: 'error', summary: 'a header condition is malformed' },
  CONFIG_UNREACHABLE_ROUTE: {
    severity: 'error',
    summary: 'earlier routes take every request this route could',
  },
  CONFIG_UNUSED_SERVICE: { severity: 'warning', summary: 'a declared service is used by no route' },
  CONFIG_TOO_MANY_PROBLEMS: { severity: 'error', summary: 'the report was cut short' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;

/** Every code, in catalogue order. */
export const CONFIG_ERROR_CODES = Object.freeze(Object.keys(CONFIG_ERRORS) as ConfigErrorCode[]);

/** Whether a string is a code of the catalogue. */
export function isConfigErrorCode(value: string): value is ConfigErrorCode {
  return Object.hasOwn(CONFIG_ERRORS, value);
}

/** Whether a code denotes an error (the load fails) or a warning. */
export function severityOf(code: ConfigErrorCode): Severity {
  return CONFIG_ERRORS[code].severity;
}

/** One problem in routes.yaml, located. Warnings have the same shape (see {@link severityOf}). */
export interface ConfigProblem {
  readonly code: ConfigErrorCode;
  readonly message: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The route concerned, when there is one and its id is known. */
  readonly routeId?: string;
  /** Key path in the document, e.g. `routes[2].canary.percent`; `''` for the whole file. */
  readonly path: string;
}
