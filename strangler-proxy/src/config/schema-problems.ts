/**
 * Turns zod issues into config problems: a stable code per kind of issue, a message that names the key (and
 * the likely intended one for typos), and the key path the loader locates in the YAML document.
 */
import { z } from 'zod';
import type { ConfigErrorCode } from './errors.ts';
import { leafLabel, type KeyPath } from './key-path.ts';
import { didYouMean } from './suggest.ts';

export interface SchemaProblem {
  readonly code: ConfigErrorCode;
  readonly message: string;
  readonly path: KeyPath;
  /** Locate the key rather than the value (unknown and invalid keys). */
  readonly atKey: boolean;
}

type Issue = z.core.$ZodIssue;

/** Problems for every issue of a failed parse of `input` against `schema`. */
export function problemsFromIssues(
  issues: readonly Issue[],
  input: unknown,
  schema: z.ZodType,
): SchemaProblem[] {
  return issues.flatMap((issue) => fromIssue(issue, [], input, schema));
}

function fromIssue(issue: Issue, prefix: KeyPath, input: unknown, schema: z.ZodType): SchemaProblem[] {
  const path: KeyPath = [...prefix, ...(issue.path as (string | number)[])];
  const label = leafLabel(path);
  const problem = (code: ConfigErrorCode, message: string, atKey = false): SchemaProblem[] => [
    { code, message, path, atKey },
  ];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => ({
        code: 'CONFIG_UNKNOWN_KEY',
        message: `unknown key "${key}"${label ? ` in ${label}` : ''}${didYouMean(key, known)}${
          known.length > 0 ? `; expected one of: ${known.join(', ')}` : ''
        }`,
        path: [...path, key],
        atKey: true,
      }));
    }
    case 'invalid_type': {
      const value = valueAt(input, path);
      if (value === undefined) return problem('CONFIG_MISSING_KEY', `missing required key "${label}"`);
      return problem(
        'CONFIG_INVALID_TYPE',
        `${label}: expected ${typeName(issue.expected)}, got ${describe(value)}`,
      );
    }
    case 'invalid_union':
      return fromUnion(issue, path, input, schema);
    case 'too_small':
    case 'too_big':
      return problem(
        'CONFIG_OUT_OF_RANGE',
        `${label}: ${describeBound(issue)}, got ${describe(valueAt(input, path))}`,
      );
    case 'invalid_value': {
      const value = valueAt(input, path);
      const options = issue.values.map((option) => JSON.stringify(option));
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
      return problem(
        'CONFIG_INVALID_VALUE',
        `${label}: expected ${options.length === 1 ? options[0] : `one of ${options.join(', ')}`}, got ${describe(value)}${hint}`,
      );
    }
    case 'invalid_key': {
      const inner = issue.issues[0];
      const reason = inner === undefined ? issue.message : cleanMessage(inner.message);
      const jsonPath = inner?.code === 'invalid_format' && inner.format === 'starts_with';
      return problem(
        jsonPath ? 'CONFIG_INVALID_JSON_PATH' : 'CONFIG_INVALID_VALUE',
        `key "${String(path[path.length - 1])}": ${reason}`,
        true,
      );
    }
    case 'invalid_format': {
      const jsonPath = issue.format === 'starts_with' && 'prefix' in issue && issue.prefix === '$';
      return problem(
        jsonPath ? 'CONFIG_INVALID_JSON_PATH' : 'CONFIG_INVALID_VALUE',
        `${label}: ${cleanMessage(issue.message)}`,
      );
    }
    default:
      return problem('CONFIG_INVALID_VALUE', `${label}: ${cleanMessage(issue.message)}`);
  }
}

/**
 * A union (an upstream is a URL or a mapping) fails with one list of issues per branch. Report the branch
 * that matches the value's type; if none does, say which types were expected.
 */
function fromUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: KeyPath,
  input: unknown,
  schema: z.ZodType,
): SchemaProblem[] {
  const typeMismatch = (branch: readonly Issue[]) =>
    branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
  const branch = issue.errors.find((candidate) => !typeMismatch(candidate));
  if (branch !== undefined) return branch.flatMap((inner) => fromIssue(inner, path, input, schema));
  const expected = issue.errors.flatMap((candidate) =>
    candidate[0]?.code === 'invalid_type' ? [typeName(candidate[0].expected)] : [],
  );
  const value = valueAt(input, path);
  if (value === undefined)
    return [
      {
        code: 'CONFIG_MISSING_KEY',
        message: `missing required key "${leafLabel(path)}"`,
        path,
        atKey: false,
      },
    ];
  return [
    {
      code: 'CONFIG_INVALID_TYPE',
      message: `${leafLabel(path)}: expected ${expected.join(' or ') || 'another value'}, got ${describe(value)}`,
      path,
      atKey: false,
    },
  ];
}

function describeBound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `must have ${small ? 'at least' : 'at most'} ${bound} item(s)`;
    case 'string':
      return `must be ${small ? 'at least' : 'at most'} ${bound} character(s) long`;
    default:
      if (small) return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
      return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
  }
}

function cleanMessage(message: string): string {
  return message.replace(/^Invalid (string|input): /, '');
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    default:
      return `a ${expected}`;
  }
}

/** How a value reads in a message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `"${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
    case 'undefined':
      return 'nothing';
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return typeof value;
  }
}

function valueAt(input: unknown, path: KeyPath): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The keys the schema allows for the mapping at `path` (for "did you mean"). */
export function knownKeysAt(schema: z.ZodType, path: KeyPath): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    current = unwrap(current);
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(key)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else current = undefined;
    if (current === undefined) return [];
  }
  const target = unwrap(current);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** Through optional, default, pipe and union wrappers to the schema that validates the value's shape. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let hops = 0; hops < 16 && current !== undefined; hops++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      // An upstream is a URL or a mapping: keys only make sense for the mapping branch.
      const options = current.options as readonly z.ZodType[];
      return options.map(unwrap).find((option) => option instanceof z.ZodObject);
    } else {
      return current;
    }
  }
  return current;
}
