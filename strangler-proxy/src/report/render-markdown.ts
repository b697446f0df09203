/**
 * The report as Markdown, for a pull request or a wiki page: a summary table, then per route the verdict,
 * the differences and one example each in collapsible blocks. Recorded data goes into code spans and
 * fenced blocks, escaped for tables, never as raw Markdown or HTML.
 */
import type { DiffEntry, Report, RouteReport } from './report-model.ts';
import {
  failedPairs,
  formatCount,
  formatMs,
  formatPercentiles,
  formatRate,
  formatTime,
  formatDecisionCounts,
} from './format-figures.ts';

export function renderMarkdown(report: Report): string {
  const out: string[] = [
    '# Strangler migration report',
    '',
    `Evidence from ${formatTime(report.since)} to ${formatTime(report.until)}, generated ${formatTime(report.generatedAt)}.`,
    '',
  ];
  if (report.routes.length > 0) {
    out.push(
      '| Route | Stage | Compared | Mismatch | Errors | p95 legacy | p95 service | Verdict |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...report.routes.map(
        (route) =>
          `| ${cell(route.id)} | ${route.stage ?? '—'} | ${formatCount(route.compared)} | ${formatRate(route.mismatchRate)} | ${formatRate(route.errorRate)} | ${formatMs(route.latency.legacy.p95)} | ${formatMs(route.latency.service.p95)} | **${route.decision.label}** |`,
      ),
      '',
    );
  }
  for (const route of report.routes) out.push(...routeSection(route));
  const { routes, decisions, traffic, unmatched } = report.progress;
  out.push(
    '## Progress',
    '',
    `- Routes: ${routes.total} (legacy ${routes.legacy}, shadow ${routes.shadow}, canary ${routes.canary}, migrated ${routes.migrated})`,
    `- Verdicts: ${formatDecisionCounts(decisions)}`,
    `- Traffic served by new services: ${formatRate(traffic.serviceShare)} of ${formatCount(traffic.requests)} requests`,
    '',
  );
  if (unmatched.length > 0) {
    out.push(
      '### Still served by the monolith (no route)',
      '',
      '| Method | Path | Requests |',
      '| --- | --- | ---: |',
      ...unmatched.map(
        (row) => `| ${cell(row.method)} | ${code(row.template)} | ${formatCount(row.count)} |`,
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

function routeSection(route: RouteReport): string[] {
  const out = [
    `## ${text(route.id)}: ${route.decision.label}`,
    '',
    `${route.verdictReason}.`, // our own sentence of figures: nothing to escape
    '',
    `- Stage: ${route.stage ?? 'unknown'}; evidence since ${formatTime(route.since)}`,
    `- Compared ${formatCount(route.compared)}: ${formatCount(route.matched)} matched, ${formatCount(route.mismatched)} mismatched, ${formatCount(route.errors)} errors${route.errors > 0 ? ` (${failedPairs(route)})` : ''}`,
    `- Latency p50 / p95: legacy ${formatPercentiles(route.latency.legacy)}, service ${formatPercentiles(route.latency.service)}`,
    `- Served: legacy ${formatCount(route.served.legacy.requests)}, service ${formatCount(route.served.service.requests)} (errors ${formatCount(route.served.service.errors)}, fallbacks ${formatCount(route.served.fallbacks)})`,
  ];
  if (route.noisy.length > 0) out.push(`- Noisy paths (not counted): ${route.noisy.map(code).join(', ')}`);
  const skipped = Object.entries(route.skipped).filter(([, count]) => count > 0);
  if (skipped.length > 0)
    out.push(
      `- Not compared: ${skipped.map(([reason, count]) => `${reason} ${formatCount(count)}`).join(', ')}`,
    );
  for (const event of route.events)
    out.push(`- ${formatTime(event.at)} ${event.kind}: ${text(event.detail)}`);
  out.push('');
  if (route.diffs.length > 0) {
    out.push('| Path | Kind | Pairs |', '| --- | --- | ---: |');
    out.push(
      ...route.diffs.map((diff) => `| ${code(diff.path)} | ${diff.kind} | ${formatCount(diff.count)} |`),
      '',
    );
    for (const diff of route.diffs) if (diff.example) out.push(...example(diff));
    if (route.moreDiffs > 0) out.push(`${route.moreDiffs} more differences not listed.`, '');
  }
  return out;
}

function example(diff: DiffEntry): string[] {
  const sample = diff.example;
  if (!sample) return [];
  const out = [
    '<details>',
    `<summary>Example of ${escapeHtml(diff.path)} (${diff.kind})</summary>`,
    '',
    `${code(`${sample.request.method} ${sample.request.url}`)} recorded ${formatTime(sample.at)}`,
    '',
  ];
  for (const side of ['legacy', 'service'] as const) {
    const answer = sample[side];
    out.push(`**${side}**: ${answer ? `${answer.status}, ${formatMs(answer.latencyMs)}` : 'no answer'}`, '');
    if (answer?.body) out.push(...fenced(pretty(answer.body)), '');
  }
  out.push('</details>', '');
  return out;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(body: string): string[] {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [fence, body, fence];
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
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
