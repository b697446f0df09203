/** An {@link Explanation} as text for the terminal (`strangler explain`). */
import { createColors } from 'picocolors';
import type { Explanation } from './explain.ts';
import { describePathCase } from './path-case.ts';

export interface FormatExplanationOptions {
  readonly color: boolean;
}

/**
 * @example
 * GET /api/products/7
 *   path      /api/products/7
 *   case      ignored: /API/x takes the routes of /api/x, forwarded as sent (proxy.caseSensitive: false)
 *   ✓ products-item  /api/products/:id  #3  method GET allowed
 *   ✓ products       /api/products      #2  outranked: as many literal segments (2) and a longer pattern …
 *   winner    products-item: beats "products": as many literal segments (2) and a longer pattern (3 > 2 segments)
 *   goes to   route "products-item", stage canary: service catalog (http://127.0.0.1:4001) (cookie:uid bucket 731 < 1000)
 */
export function formatExplanation(explanation: Explanation, options: FormatExplanationOptions): string {
  const c = createColors(options.color);
  const lines = [c.bold(`${explanation.method} ${explanation.target}`)];
  const { normalized } = explanation;
  if (!normalized.ok) {
    lines.push(
      `  ${c.red('refused')}   ${normalized.code}: ${normalized.message} (the proxy answers ${normalized.code === 'PATH_TOO_LONG' ? 414 : 400})`,
    );
    return lines.join('\n');
  }
  lines.push(
    `  path      ${normalized.path}${normalized.query === '' ? '' : c.dim(`  query ${normalized.query}`)}`,
    `  case      ${describePathCase(explanation.caseSensitive)}`,
  );
  if (explanation.candidates.length === 0) lines.push(`  ${c.dim('no route pattern covers this path')}`);
  const idWidth = Math.max(0, ...explanation.candidates.map((candidate) => candidate.id.length));
  const templateWidth = Math.max(0, ...explanation.candidates.map((candidate) => candidate.template.length));
  for (const candidate of explanation.candidates) {
    const mark = candidate.accepted ? c.green('✓') : c.red('✗');
    const details = candidate.checks.map((check) => (check.ok ? check.detail : c.red(check.detail)));
    if (candidate.outranked !== undefined) details.push(c.dim(`outranked: ${candidate.outranked}`));
    if (details.length === 0) details.push(c.dim('any method, no header condition'));
    lines.push(
      `  ${mark} ${candidate.id.padEnd(idWidth)}  ${candidate.template.padEnd(templateWidth)}  #${candidate.index + 1}  ${details.join('; ')}`,
    );
  }
  const { winner, destination } = explanation;
  lines.push(`  winner    ${winner === null ? c.dim('none') : `${c.cyan(winner.id)}: ${winner.reason}`}`);
  if (destination !== null) lines.push(`  goes to   ${destination.summary}`);
  return lines.join('\n');
}
