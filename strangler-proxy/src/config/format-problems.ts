/** Config problems as lines for a terminal or a log: `file:line:column  CODE  message  (route id)`. */
import { createColors } from 'picocolors';
import { severityOf, type ConfigProblem } from './errors.ts';

export interface FormatOptions {
  /** ANSI colors (the CLI decides: a terminal, and NO_COLOR unset). */
  readonly color: boolean;
}

/**
 * One line per problem, in the given order, joined by newlines (no trailing newline).
 *
 * @example formatProblems(problems, { color: false })
 *   // routes.yaml:14:14  CONFIG_UNKNOWN_SERVICE  unknown service "catalgo" (did you mean "catalog"?)  (products)
 */
export function formatProblems(problems: readonly ConfigProblem[], options: FormatOptions): string {
  const c = createColors(options.color);
  return problems
    .map((problem) => {
      const location = `${problem.file}:${problem.line}:${problem.column}`;
      const code = severityOf(problem.code) === 'error' ? c.red(problem.code) : c.yellow(problem.code);
      const route = problem.routeId === undefined ? '' : `  ${c.dim(`(${problem.routeId})`)}`;
      return `${c.bold(location)}  ${code}  ${problem.message}${route}`;
    })
    .join('\n');
}
