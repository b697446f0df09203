/**
 * The report for a terminal: a summary table aligned in columns, then per route its verdict's reason and
 * top differences, then the migration's progress. Colors (verdicts, headings) only when asked.
 */
import { syncExampleLines, syncLine } from './sync-summary.ts';
import { createColors } from 'picocolors';
import type { Report, RouteReport } from './report-model.ts';
import type { ConditionState } from '../promote/rate-condition.ts';
import {
  discountedNote,
  formatCount,
  formatMs,
  formatRate,
  formatTime,
  formatDecisionCounts,
  failedPairs,
} from './format-figures.ts';

export interface TableOptions {
  readonly color: boolean;
}

/** Differences listed per route in the terminal (the HTML and JSON formats have them all). */
const DIFFS_SHOWN = 5;

export function renderTable(report: Report, options: TableOptions): string {
  const c = createColors(options.color);
  const verdictColor: Record<ConditionState, (text: string) => string> = {
    pass: c.green,
    hold: c.yellow,
    fail: c.red,
  };
  const out: string[] = [];
  out.push(
    c.dim(
      `Evidence ${formatTime(report.since)} → ${formatTime(report.until)}${report.store === null ? '' : ` · store ${report.store}`}${report.routesFile === null ? '' : ` · routes ${report.routesFile}`}`,
    ),
  );
  if (report.unlistedRoutes.length > 0)
    out.push(c.yellow(`Not in the routes file, not reported: ${report.unlistedRoutes.join(', ')}`));
  out.push('');

  if (report.routes.length === 0) {
    out.push('No routes to report.');
  } else {
    const header = [
      'ROUTE',
      'STAGE',
      'COMPARED',
      'MISMATCH',
      'ERRORS',
      'P95 LEGACY',
      'P95 SERVICE',
      'VERDICT',
    ];
    const rows = report.routes.map((route) => [
      route.id,
      route.stage ?? '—',
      formatCount(route.compared),
      formatRate(route.mismatchRate),
      formatRate(route.errorRate),
      formatMs(route.latency.legacy.p95),
      formatMs(route.latency.service.p95),
      route.decision.label,
    ]);
    const numeric = [false, false, true, true, true, true, true, false];
    const widths = header.map((title, i) =>
      Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
    );
    // Pad before coloring: escape codes must not count toward the width.
    const line = (cells: readonly string[], paint: (cell: string, i: number) => string) =>
      cells
        .map((cell, i) => {
          const width = i === cells.length - 1 && !numeric[i] ? 0 : (widths[i] ?? 0); // no trailing spaces
          return paint(numeric[i] ? cell.padStart(width) : cell.padEnd(width), i);
        })
        .join('  ');
    out.push(line(header, (cell) => c.bold(cell)));
    report.routes.forEach((route, r) => {
      out.push(
        line(rows[r] ?? [], (cell, i) => (i === 7 ? verdictColor[route.decision.outcome](cell) : cell)),
      );
    });
    for (const route of report.routes) out.push('', ...routeDetails(route, c, verdictColor));
  }

  out.push('', ...progressLines(report, c));
  return `${out.join('\n')}\n`;
}

type Colors = ReturnType<typeof createColors>;

function routeDetails(
  route: RouteReport,
  c: Colors,
  verdictColor: Record<ConditionState, (text: string) => string>,
): string[] {
  const lines = [
    `${c.bold(route.id)} ${verdictColor[route.decision.outcome](route.decision.label)}: ${route.verdictReason}`,
  ];
  for (const hint of route.hints) {
    lines.push(
      `  ${c.yellow('likely cause')}: ${hint.summary}`,
      c.dim(`    ${hint.evidence}`),
      c.dim(`    next: ${hint.nextStep}`),
    );
  }
  const shown = route.diffs.slice(0, DIFFS_SHOWN);
  if (shown.length > 0) {
    const width = Math.max(...shown.map((diff) => formatCount(diff.count).length));
    const pathWidth = Math.max(...shown.map((diff) => diff.path.length));
    for (const diff of shown) {
      lines.push(
        `  ${formatCount(diff.count).padStart(width)}  ${diff.path.padEnd(pathWidth)}  ${c.dim(diff.kind)}`,
      );
    }
    const hidden = route.diffs.length - shown.length + route.moreDiffs;
    if (hidden > 0) lines.push(c.dim(`  … ${hidden} more (see --format html)`));
  }
  if (route.errors > 0) lines.push(`  ${failedPairs(route)}`);
  if (route.noisy.length > 0) lines.push(c.dim(`  noisy: ${route.noisy.join(', ')}`));
  if (route.noiseDiscounted > 0) lines.push(c.dim(`  ${discountedNote(route.noiseDiscounted)}`));
  const skipped = Object.entries(route.skipped).filter(([, count]) => count > 0);
  if (skipped.length > 0) {
    lines.push(
      c.dim(
        `  not compared: ${skipped.map(([reason, count]) => `${reason} ${formatCount(count)}`).join(', ')}`,
      ),
    );
  }
  const sync = syncLine(route.sync);
  if (sync !== null) {
    lines.push(`  ${sync}`);
    for (const example of syncExampleLines(route.sync)) lines.push(c.dim(`    out of sync: ${example}`));
  }
  if (route.served.fallbacks > 0 || route.served.service.errors > 0) {
    lines.push(
      c.dim(
        `  served by service: ${formatCount(route.served.service.requests)}, errors ${formatCount(route.served.service.errors)}, fallbacks ${formatCount(route.served.fallbacks)}`,
      ),
    );
  }
  for (const event of route.events)
    lines.push(c.dim(`  ${formatTime(event.at)} ${event.kind} ${event.detail}`));
  return lines;
}

function progressLines(report: Report, c: Colors): string[] {
  const { routes, decisions, traffic, unmatched } = report.progress;
  const stages = (['legacy', 'shadow', 'canary', 'migrated', 'unknown'] as const)
    .filter((stage) => routes[stage] > 0)
    .map((stage) => `${routes[stage]} ${stage}`);
  const lines = [
    `${c.bold('Progress')}: ${routes.total} routes${stages.length > 0 ? ` (${stages.join(', ')})` : ''}; ` +
      formatDecisionCounts(decisions),
    `Traffic: ${formatRate(traffic.serviceShare)} of ${formatCount(traffic.requests)} requests served by new services`,
  ];
  if (unmatched.length > 0) {
    lines.push(
      `Still on the monolith (no route): ${unmatched.map((row) => `${row.method} ${row.template} ${formatCount(row.count)}`).join(', ')}`,
    );
  }
  return lines;
}
