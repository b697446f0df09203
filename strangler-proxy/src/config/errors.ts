/**
 * The config codes: every problem the loader reports has one of these stable codes, kept in the one
 * catalogue (`errors/catalogue.ts`). Tests and tools match codes, never message text.
 */
import { CONFIG_CATALOGUE, type Severity } from '../errors/catalogue.ts';

export type { Severity } from '../errors/catalogue.ts';

/** Code → severity, message and what to do: the config part of the one catalogue. */
export const CONFIG_ERRORS = CONFIG_CATALOGUE;

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
