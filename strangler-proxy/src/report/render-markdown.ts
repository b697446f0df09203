/**
 * The report as Markdown, for a pull request or a wiki page: a summary table, then per route the verdict,
 * its likely causes, the differences and one example per difference signature in collapsible blocks
 * (status, the differing headers' values, the bodies as a unified diff cut around the differing lines).
 * It stays under {@link MARKDOWN_MAX_CHARS} whatever the traffic, saying what it left out. Recorded data
 * goes into code spans and fenced blocks, escaped for tables, never as raw Markdown or HTML.
 */
import { syncExampleLines, syncLine } from './sync-summary.ts';
import type { DiffEntry, Report, RouteReport } from './report-model.ts';
import { unifiedDiff } from '../promote/line-diff.ts';
import { indentJsonText } from './indent-json-text.ts';
import {
  discountedNote,
  formatCount,
  formatMs,
  formatPercentiles,
  formatRate,
  formatTime,
  failedPairs,
  formatDecisionCounts,
} from './format-figures.ts';

/** A pull-request comment holds 65,536 characters; the report stays under this, whatever the traffic. */
export const MARKDOWN_MAX_CHARS = 60_000;

export function renderMarkdown(report: Report): string {
  const head: string[] = [
    '# Strangler migration report',
    '',
    `Evidence from ${formatTime(report.since)} to ${formatTime(report.until)}, generated ${formatTime(report.generatedAt)}.${report.store === null ? '' : ` Store: \`${report.store}\`.`}`,
    '',
    ...(report.unlistedRoutes.length > 0
      ? [`Not in the routes file, not reported: ${report.unlistedRoutes.join(', ')}.`, '']
      : []),
  ];
  if (report.routes.length > 0) {
    head.push(
      '| Route | Stage | Compared | Mismatch | Errors | p95 legacy | p95 service | Verdict |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...report.routes.map(
        (route) =>
          `| ${cell(route.id)} | ${route.stage ?? '—'} | ${formatCount(route.compared)} | ${formatRate(route.mismatchRate)} | ${formatRate(route.errorRate)} | ${formatMs(route.latency.legacy.p95)} | ${formatMs(route.latency.service.p95)} | **${route.decision.label}** |`,
      ),
      '',
    );
  }
  const { routes, decisions, traffic, unmatched } = report.progress;
  const tail: string[] = [];
  tail.push(
    '## Progress',
    '',
    `- Routes: ${routes.total} (legacy ${routes.legacy}, shadow ${routes.shadow}, canary ${routes.canary}, migrated ${routes.migrated})`,
    `- Verdicts: ${formatDecisionCounts(decisions)}`,
    `- Traffic served by new services: ${formatRate(traffic.serviceShare)} of ${formatCount(traffic.requests)} requests`,
    '',
  );
  if (unmatched.length > 0) {
    tail.push(
      '### Still served by the monolith (no route)',
      '',
      '| Method | Path | Requests |',
      '| --- | --- | ---: |',
      ...unmatched.map(
        (row) => `| ${cell(row.method)} | ${code(clip(row.template))} | ${formatCount(row.count)} |`,
      ),
      '',
    );
  }
  return `${withinBudget(head, report.routes.map(routeParts), tail).join('\n')}\n`;
}

/**
 * Every route's figures, hints and differences first; then examples, one round per route at a time,
 * while they fit under {@link MARKDOWN_MAX_CHARS}; what did not fit is counted at the end.
 */
function withinBudget(head: string[], parts: readonly RouteParts[], tail: string[]): string[] {
  const budget = MARKDOWN_MAX_CHARS - 600; // room for the closing note
  const size = (lines: readonly string[]) => lines.reduce((sum, line) => sum + line.length + 1, 0);
  let cores = parts.map((part) => part.core(DIFF_ROWS));
  let used = size(head) + size(tail) + cores.reduce((sum, core) => sum + size(core), 0);
  let tightened = false;
  if (used > budget) {
    tightened = true;
    cores = parts.map((part) => part.core(DIFF_ROWS_TIGHT));
    used = size(head) + size(tail) + cores.reduce((sum, core) => sum + size(core), 0);
  }
  let cutRoutes = 0;
  if (used > budget) {
    // Each route gets an equal share of what is left; a longer one is cut at a line.
    const share = Math.max(0, budget - size(head) - size(tail)) / Math.max(1, cores.length);
    cores = cores.map((core) => {
      if (size(core) <= share) return core;
      cutRoutes++;
      const kept: string[] = [];
      for (const line of core) {
        if (size(kept) + line.length + 1 > share - 80) break;
        kept.push(line);
      }
      return [...kept, '', '(cut to keep this report short)', ''];
    });
    used = size(head) + size(tail) + cores.reduce((sum, core) => sum + size(core), 0);
  }
  const chosen: string[][][] = parts.map(() => []);
  let left = 0;
  for (let round = 0; round < EXAMPLES_PER_ROUTE; round++) {
    parts.forEach((part, index) => {
      const example = part.examples[round];
      if (example === undefined) return;
      if (cutRoutes === 0 && used + size(example) <= budget) {
        chosen[index]!.push(example);
        used += size(example);
      } else left++;
    });
  }
  const out = [...head];
  cores.forEach((core, index) => out.push(...core, ...chosen[index]!.flat()));
  if (left > 0 || tightened || cutRoutes > 0) {
    const omitted = [
      left > 0 ? `${formatCount(left)} examples` : '',
      tightened ? `differences beyond the top ${DIFF_ROWS_TIGHT} per route` : '',
      cutRoutes > 0 ? `the end of ${formatCount(cutRoutes)} route sections` : '',
    ].filter((item) => item !== '');
    out.push(
      `> Left out to stay under ${formatCount(MARKDOWN_MAX_CHARS)} characters: ${omitted.join(', ')}. \`strangler report --format html\` shows everything.`,
      '',
    );
  }
  out.push(...tail);
  return out;
}

/** Differences listed per route, and with less room. */
const DIFF_ROWS = 10;
const DIFF_ROWS_TIGHT = 3;
/** Examples per route (one per difference signature), and diff lines per example. */
const EXAMPLES_PER_ROUTE = 3;
const EXAMPLE_LINES = 40;
/** Items of a list (noisy paths, events) shown per route. */
const LIST_ITEMS = 10;
/** Recorded text (URLs, paths, error bodies, diff lines) longer than this is cut. */
const TEXT_CHARS = 300;

interface RouteParts {
  readonly core: (rows: number) => string[];
  readonly examples: readonly string[][];
}

function routeParts(route: RouteReport): RouteParts {
  const core = (rows: number): string[] => {
    const out = [
      `## ${text(route.id)}: ${route.decision.label}`,
      '',
      `${route.verdictReason}.`, // our own sentence of figures: nothing to escape
      '',
      ...hintLines(route),
      `- Stage: ${route.stage ?? 'unknown'}; evidence since ${formatTime(route.since)}`,
      `- Compared ${formatCount(route.compared)}: ${formatCount(route.matched)} matched, ${formatCount(route.mismatched)} mismatched, ${formatCount(route.errors)} errors${route.errors > 0 ? ` (${failedPairs(route)})` : ''}`,
      `- Latency p50 / p95: legacy ${formatPercentiles(route.latency.legacy)}, service ${formatPercentiles(route.latency.service)}`,
      `- Served: legacy ${formatCount(route.served.legacy.requests)}, service ${formatCount(route.served.service.requests)} (errors ${formatCount(route.served.service.errors)}, fallbacks ${formatCount(route.served.fallbacks)})`,
    ];
    if (route.noiseDiscounted > 0) out.push(`- ${discountedNote(route.noiseDiscounted)}`);
    if (route.noisy.length > 0) {
      out.push(`- Noisy paths (not counted): ${listOf(route.noisy.map((path) => code(clip(path))))}`);
    }
    const skipped = Object.entries(route.skipped).filter(([, count]) => count > 0);
    if (skipped.length > 0)
      out.push(
        `- Not compared: ${skipped.map(([reason, count]) => `${reason} ${formatCount(count)}`).join(', ')}`,
      );
    const sync = syncLine(route.sync);
    if (sync !== null) {
      out.push(`- ${text(sync.charAt(0).toUpperCase() + sync.slice(1))}`);
      for (const example of syncExampleLines(route.sync)) out.push(`  - out of sync: ${code(clip(example))}`);
    }
    for (const event of route.events.slice(0, LIST_ITEMS))
      out.push(`- ${formatTime(event.at)} ${event.kind}: ${text(clip(event.detail))}`);
    if (route.events.length > LIST_ITEMS) out.push(`- … ${route.events.length - LIST_ITEMS} more events`);
    out.push('');
    if (route.diffs.length > 0) {
      out.push('| Path | Kind | Pairs |', '| --- | --- | ---: |');
      out.push(
        ...route.diffs
          .slice(0, rows)
          .map((diff) => `| ${code(clip(diff.path))} | ${diff.kind} | ${formatCount(diff.count)} |`),
        '',
      );
      const more = Math.max(0, route.diffs.length - rows) + route.moreDiffs;
      if (more > 0) out.push(`${formatCount(more)} more differences not listed.`, '');
    }
    return out;
  };
  return { core, examples: examplesOf(route) };
}

/** Likely causes, as a list; their evidence quotes recorded data (URLs, error bodies): escaped. */
function hintLines(route: RouteReport): string[] {
  if (route.hints.length === 0) return [];
  return [
    ...route.hints.map(
      (hint) =>
        `- **Likely cause**: ${text(hint.summary)}  \n  Evidence: ${text(clip(hint.evidence))}  \n  Next: ${text(hint.nextStep)}`,
    ),
    '',
  ];
}

/** One example per difference signature, in the order of the differences it shows. */
function examplesOf(route: RouteReport): string[][] {
  const bySignature = new Map<string, DiffEntry[]>();
  for (const diff of route.diffs) {
    if (diff.example === null) continue;
    const group = bySignature.get(diff.example.signature);
    if (group === undefined) bySignature.set(diff.example.signature, [diff]);
    else group.push(diff);
  }
  return [...bySignature.values()].slice(0, EXAMPLES_PER_ROUTE).map(exampleLines);
}

function exampleLines(diffs: readonly DiffEntry[]): string[] {
  const sample = diffs[0]!.example!;
  const shown = diffs.slice(0, 3).map((diff) => `${clip(diff.path)} (${diff.kind})`);
  const label = `${shown.join(', ')}${diffs.length > 3 ? `, ${diffs.length - 3} more` : ''}`;
  const out = [
    '<details>',
    `<summary>Example: ${escapeHtml(label)}</summary>`,
    '',
    `${code(clip(`${sample.request.method} ${sample.request.url}`))} recorded ${formatTime(sample.at)}`,
    '',
  ];
  const answer = (side: 'legacy' | 'service') => {
    const found = sample[side];
    return found ? `${found.status}, ${formatMs(found.latencyMs)}` : 'no answer';
  };
  out.push(`- Status: legacy ${answer('legacy')}; service ${answer('service')}`);
  // Header differences show the header values (already redacted where they are credentials).
  const headers = new Set(
    sample.differences.filter((d) => d.path.startsWith('header:')).map((d) => d.path.slice(7).toLowerCase()),
  );
  for (const name of [...headers].slice(0, LIST_ITEMS)) {
    const value = (side: 'legacy' | 'service') => {
      const found = sample[side]?.headers[name];
      return found === undefined ? '(absent)' : code(clip(found));
    };
    out.push(`- Header ${code(name)}: legacy ${value('legacy')}; service ${value('service')}`);
  }
  out.push('');
  const bodyDiff = bodyDifference(sample.legacy?.body ?? null, sample.service?.body ?? null);
  if (bodyDiff.length > 0) out.push(...fenced(bodyDiff.join('\n'), 'diff'), '');
  out.push('</details>', '');
  return out;
}

/** The bodies as a unified diff of their pretty-printed lines, cut around the differing lines. */
function bodyDifference(legacy: string | null, service: string | null): string[] {
  if (legacy === service || (legacy === null && service === null)) return [];
  const before = legacy === null ? '' : `${pretty(legacy)}\n`;
  const after = service === null ? '' : `${pretty(service)}\n`;
  const lines = unifiedDiff(before, after, { fromFile: 'legacy', toFile: 'service', context: 3 })
    .split('\n')
    .filter((line) => line !== '')
    .map(clip);
  if (lines.length <= EXAMPLE_LINES) return lines;
  return [...lines.slice(0, EXAMPLE_LINES), `… ${lines.length - EXAMPLE_LINES} more diff lines`];
}

function listOf(items: readonly string[]): string {
  const shown = items.slice(0, LIST_ITEMS).join(', ');
  return items.length > LIST_ITEMS ? `${shown} and ${items.length - LIST_ITEMS} more` : shown;
}

function clip(value: string): string {
  return value.length <= TEXT_CHARS ? value : `${value.slice(0, TEXT_CHARS)}…`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(body: string, language = ''): string[] {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, body, fence];
}

/** JSON bodies one member per line (also when cut short), so that a diff can find the lines that differ. */
function pretty(body: string): string {
  const first = body.trimStart()[0];
  return first === '{' || first === '[' ? indentJsonText(body) : body;
}

/** A code span that survives backticks and table pipes in its content. */
function code(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = '`'.repeat(longest + 1);
  const padded = value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  return `${ticks}${padded.replace(/\|/g, '\\|')}${ticks}`;
}

/** Table cell text: pipes (and other specials) escaped, no line breaks. */
function cell(value: string): string {
  return text(value);
}

/** Prose from recorded data: Markdown and HTML specials escaped. */
function text(value: string): string {
  return value.replace(/[\\`*_{}[\]<>#|~]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
