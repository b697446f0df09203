/**
 * The one place promotion validates routes.yaml text. It parses and checks against the schema until the
 * config loader (`loadRoutesConfig(text, { file, env })` in src/config) exists; then this function should
 * delegate to the loader so that promote, rollback and check accept exactly what the proxy accepts.
 */
import { parseDocument } from 'yaml';
import { routesFileSchema } from '../config/schema.ts';
import type { RoutesFile } from '../config/schema.ts';

export type RoutesTextValidation =
  | { readonly ok: true; readonly config: RoutesFile }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface ValidateOptions {
  /** For messages: `routes.yaml:12:5: …`. */
  readonly file: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type ValidateRoutesText = (text: string, options: ValidateOptions) => RoutesTextValidation;

/** Parses and validates; reports every problem, not only the first. */
export const validateRoutesText: ValidateRoutesText = (text, { file }) => {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => `${file}:${position(text, error.pos[0])}: ${error.message}`),
    };
  }
  const result = routesFileSchema.safeParse(doc.toJS());
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${file}: ${pathText(issue.path)}: ${issue.message}`),
  };
};

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
