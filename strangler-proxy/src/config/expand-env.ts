/**
 * `${VAR}` and `${VAR:-default}` in string values, expanded from the environment the caller passes.
 *
 * - `${VAR:-default}` uses the default when VAR is unset or empty (as in POSIX shells); `${VAR}` with VAR
 *   unset is a problem, reported where it is written.
 * - `$${` writes a literal `${`. A `$` not followed by `{` is kept as is.
 * - Only values are expanded, never keys. An unquoted value is read again after expansion, as if the result
 *   had been written in its place, so `percent: ${CANARY_PERCENT}` gives a number; a quoted one stays a
 *   string. Expansion happens once: a variable's value is never expanded again.
 */
import { isScalar, Scalar, type Document } from 'yaml';
import type { ProblemCollector } from './problem-collector.ts';
import { startOf, walkNodes } from './yaml-tree.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Expansion {
  readonly value: string;
  readonly problems: readonly {
    readonly kind: 'unset' | 'syntax';
    readonly token: string;
    readonly message: string;
  }[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Expands one string.
 *
 * @example expandEnvString('http://${HOST:-127.0.0.1}:${PORT}', { PORT: '8080' }).value // → 'http://127.0.0.1:8080'
 */
export function expandEnvString(text: string, env: Env): Expansion {
  const problems: Expansion['problems'][number][] = [];
  let value = '';
  let from = 0;
  for (let dollar = text.indexOf('$'); dollar >= 0; dollar = text.indexOf('$', from)) {
    if (text.startsWith('$${', dollar)) {
      value += text.slice(from, dollar) + '${';
      from = dollar + 3;
      continue;
    }
    if (text[dollar + 1] !== '{') {
      value += text.slice(from, dollar + 1);
      from = dollar + 1;
      continue;
    }
    value += text.slice(from, dollar);
    const close = text.indexOf('}', dollar + 2);
    if (close < 0) {
      const token = text.slice(dollar);
      problems.push({ kind: 'syntax', token, message: `unclosed "\${" in ${JSON.stringify(token)}` });
      return { value: value + token, problems };
    }
    const token = text.slice(dollar, close + 1);
    from = close + 1;
    const reference = REFERENCE.exec(text.slice(dollar + 2, close));
    if (reference === null) {
      problems.push({
        kind: 'syntax',
        token,
        message: `${token} is not a variable reference: write \${NAME} or \${NAME:-default} (or $\${ for a literal)`,
      });
      value += token;
      continue;
    }
    const [, name = '', fallback] = reference;
    const set = env[name];
    if (fallback !== undefined && (set === undefined || set === '')) {
      value += fallback;
    } else if (set === undefined) {
      problems.push({
        kind: 'unset',
        token,
        message: `environment variable ${name} is not set (give a default with \${${name}:-value})`,
      });
    } else {
      value += set;
    }
  }
  return { value: value + text.slice(from), problems };
}

/**
 * What an unset variable in an upstream URL (`legacy`, a service, its `url`) is: an error (the proxy needs
 * the URL), or, for commands that never send anything upstream, a warning, the URL standing in as
 * {@link UNSET_UPSTREAM_URL}.
 */
export type UnsetUpstreams = 'error' | 'warn';

/** The URL an upstream gets when its variable is unset and allowed to be (never contacted). */
export const UNSET_UPSTREAM_URL = 'http://unset.invalid';

/** Expands every string value of the document in place, reporting problems at the reference. */
export function expandEnv(
  doc: Document,
  env: Env,
  source: string,
  problems: ProblemCollector,
  unsetUpstreams: UnsetUpstreams = 'error',
): void {
  walkNodes(doc.contents, ({ node, path }) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('$')) return true;
    const expansion = expandEnvString(node.value, env);
    if (expansion.value === node.value && expansion.problems.length === 0) return true;
    const start = startOf(node) ?? 0;
    const written = source.slice(start, node.range?.[1] ?? start);
    const tolerated =
      unsetUpstreams === 'warn' &&
      isUpstreamUrl(path) &&
      expansion.problems.every((problem) => problem.kind === 'unset');
    for (const problem of expansion.problems) {
      const at = written.indexOf(problem.token);
      const code = tolerated
        ? 'CONFIG_ENV_UNSET_UPSTREAM'
        : problem.kind === 'unset'
          ? 'CONFIG_ENV_UNSET'
          : 'CONFIG_ENV_SYNTAX';
      problems.add(code, tolerated ? `${problem.message}; not needed here` : problem.message, {
        offset: at < 0 ? start : start + at,
        path,
      });
      problems.mute(start);
    }
    if (tolerated && expansion.problems.length > 0) {
      node.value = UNSET_UPSTREAM_URL;
      return true;
    }
    node.value = node.type === Scalar.PLAIN ? readPlain(expansion.value) : expansion.value;
    return true;
  });
}

/** `legacy`, `legacy.url`, `services.X`, `services.X.url` and its list items. */
function isUpstreamUrl(path: readonly (string | number)[]): boolean {
  const [top, second, third] = path;
  if (top === 'legacy') return path.length === 1 || (second === 'url' && path.length <= 3);
  if (top === 'services') return path.length === 2 || (third === 'url' && path.length <= 4);
  return false;
}

/** The YAML 1.2 core schema's reading of a plain scalar, limited to numbers, booleans and null. */
function readPlain(text: string): unknown {
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(null|Null|NULL|~)$/.test(text)) return null;
  return text;
}
