/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, no external URL) with the
 * migration's progress, a summary table, and per route its verdict, chart and differences shown on real
 * examples. A Content-Security-Policy forbids scripts and fetches as a second line of defence; the first
 * is that every recorded value is escaped.
 */
import { syncExampleLines, syncLine } from '../sync-summary.ts';
import type { DiffEntry, Report, RouteReport } from '../report-model.ts';
import {
  discountedNote,
  failedPairs,
  formatCount,
  formatMs,
  formatPercentiles,
  formatRate,
  formatTime,
  formatDecisionCounts,
} from '../format-figures.ts';
import { escapeHtml as h, safeId } from './escape-html.ts';
import { exampleView } from './example-view.ts';
import { latencyChart } from './latency-chart.ts';
import { mismatchChart } from './mismatch-chart.ts';
import { REPORT_CSS } from './report-styles.ts';

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderHtml(report: Report): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Strangler migration report · ${h(formatTime(report.generatedAt))}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Strangler migration report</h1>
<p class="muted">Evidence from ${h(formatTime(report.since))} to ${h(formatTime(report.until))} · generated ${h(formatTime(report.generatedAt))}${report.store === null ? '' : ` · store ${h(report.store)}`}</p>${report.unlistedRoutes.length > 0 ? `\n<p>Not in the routes file, not reported: ${h(report.unlistedRoutes.join(', '))}</p>` : ''}
</header>
${progressCards(report)}
${summaryTable(report.routes)}
${report.routes.map(routeSection).join('\n')}
${unmatchedSection(report)}
<footer>Report format version ${report.version}. Bodies and headers are redacted excerpts kept by the proxy; values at redacted paths read [redacted].</footer>
</body>
</html>
`;
}

function progressCards(report: Report): string {
  const { routes, decisions, traffic } = report.progress;
  const share = traffic.serviceShare;
  const stages = (['legacy', 'shadow', 'canary', 'migrated', 'unknown'] as const)
    .filter((stage) => routes[stage] > 0)
    .map((stage) => `${routes[stage]} ${stage}`)
    .join(' · ');
  return `<section class="cards" aria-label="progress">
<div class="card"><div class="muted">Routes</div><div class="big">${routes.total}</div><div class="muted">${h(stages || 'none')}</div></div>
<div class="card"><div class="muted">Verdicts</div><div>${h(formatDecisionCounts(decisions))}</div></div>
<div class="card"><div class="muted">Served by new services</div><div class="big">${h(formatRate(share))}</div><div class="bar"><span style="width:${((share ?? 0) * 100).toFixed(1)}%"></span></div><div class="muted">of ${h(formatCount(traffic.requests))} requests</div></div>
</section>`;
}

function summaryTable(routes: readonly RouteReport[]): string {
  if (routes.length === 0) return '<p class="muted">No routes in this report.</p>';
  const rows = routes.map(
    (route) => `<tr>
<td><a href="#${safeId('route', route.id)}">${h(route.id)}</a></td>
<td>${h(route.stage ?? '—')}</td>
<td class="num">${h(formatCount(route.compared))}</td>
<td class="num">${h(formatRate(route.mismatchRate))}</td>
<td class="num">${h(formatRate(route.errorRate))}</td>
<td class="num">${h(formatMs(route.latency.legacy.p95))}</td>
<td class="num">${h(formatMs(route.latency.service.p95))}</td>
<td><span class="verdict verdict-${route.decision.outcome}" data-verdict="${route.decision.verdict}">${h(route.decision.label)}</span></td>
</tr>`,
  );
  return `<table class="summary">
<thead><tr><th>Route</th><th>Stage</th><th class="num">Compared</th><th class="num">Mismatch</th><th class="num">Errors</th><th class="num">p95 legacy</th><th class="num">p95 service</th><th>Verdict</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table>`;
}

/** Every condition of the verdict with its figures, bound and rule: what the gate weighed. */
function conditionList(route: RouteReport): string {
  const items = route.decision.conditions.map(
    (condition) => `<li class="condition condition-${condition.state}">${h(condition.message)}</li>`,
  );
  return items.length === 0 ? '' : `<ul class="conditions">${items.join('')}</ul>`;
}

function routeSection(route: RouteReport): string {
  const skipped = Object.entries(route.skipped).filter(([, count]) => count > 0);
  const shown = new Set<string>();
  return `<section class="route" id="${safeId('route', route.id)}">
<h2>${h(route.id)} <span class="stage">${h(route.stage ?? 'stage unknown')}</span> <span class="verdict verdict-${route.decision.outcome}" data-verdict="${route.decision.verdict}">${h(route.decision.label)}</span></h2>
<p class="question">${h(route.decision.question)}</p>
<p class="reason">${h(route.verdictReason)}. <span class="muted">Evidence since ${h(formatTime(route.since))}; limits: ${h(formatCount(route.gate.minCompared))} pairs, mismatch ≤ ${h(formatRate(route.gate.maxMismatchRate))}, errors ≤ ${h(formatRate(route.gate.maxErrorRate))}.</span></p>
${conditionList(route)}
${hintList(route)}
<dl class="figures">
${figure('Compared', formatCount(route.compared))}
${figure('Matched', formatCount(route.matched))}
${figure('Mismatched', `${formatCount(route.mismatched)} (${formatRate(route.mismatchRate)})`)}
${figure('Errors', `${formatCount(route.errors)} (${formatRate(route.errorRate)})${route.errors > 0 ? ` · ${failedPairs(route)}` : ''}`)}
${route.noiseDiscounted > 0 ? figure('Discounted as noise', discountedNote(route.noiseDiscounted)) : ''}
${figure('Legacy p50 / p95', formatPercentiles(route.latency.legacy))}
${figure('Service p50 / p95', formatPercentiles(route.latency.service))}
${figure('Served legacy / service', `${formatCount(route.served.legacy.requests)} / ${formatCount(route.served.service.requests)}`)}
${figure('Service errors · fallbacks', `${formatCount(route.served.service.errors)} · ${formatCount(route.served.fallbacks)}`)}
</dl>
<div class="charts">
<figure>
${mismatchChart(route.timeline, route.gate.maxMismatchRate, `Mismatch rate of ${route.id} over time`)}
<figcaption>Mismatch rate per period (line), pairs compared (bars), the limit (dashed).</figcaption>
</figure>
<figure>
${latencyChart(route.latency, `Latency of ${route.id} on compared pairs`)}
<figcaption>Latency on compared pairs, p50 and p95 per side.</figcaption>
</figure>
</div>
<h3>Differences</h3>
${route.diffs.length === 0 ? '<p class="muted">No differences recorded in this window.</p>' : route.diffs.map((diff) => diffDetails(diff, shown)).join('\n')}
${route.moreDiffs > 0 ? `<p class="muted">${route.moreDiffs} more differences not listed.</p>` : ''}
${route.noisy.length === 0 ? '' : `<h4>Noisy paths (differ between two legacy answers; not counted)</h4><ul class="plain">${route.noisy.map((path) => `<li><code>${h(path)}</code></li>`).join('')}</ul>`}
${syncSection(route)}
${skipped.length === 0 ? '' : `<h4>Not compared</h4><ul class="plain">${skipped.map(([reason, count]) => `<li>${h(reason)}: ${h(formatCount(count))}</li>`).join('')}</ul>`}
${route.events.length === 0 ? '' : `<h4>Events</h4><ul class="plain">${route.events.map((event) => `<li>${h(formatTime(event.at))} <strong>${h(event.kind)}</strong> ${h(event.detail)}</li>`).join('')}</ul>`}
</section>`;
}

function syncSection(route: RouteReport): string {
  const line = syncLine(route.sync);
  if (line === null) return '';
  const examples = syncExampleLines(route.sync);
  return `<h4>Data sync (read after write)</h4><p class="sync">${h(line)}</p>${examples.length === 0 ? '' : `<ul class="plain">${examples.map((example) => `<li>out of sync: <code>${h(example)}</code></li>`).join('')}</ul>`}`;
}

function hintList(route: RouteReport): string {
  if (route.hints.length === 0) return '';
  const items = route.hints.map(
    (hint) =>
      `<li class="hint hint-${h(hint.cause)}"><strong>Likely cause:</strong> ${h(hint.summary)}<br><span class="muted">Evidence: ${h(hint.evidence)}</span><br>Next: ${h(hint.nextStep)}</li>`,
  );
  return `<ul class="hints plain">${items.join('')}</ul>`;
}

function figure(label: string, value: string): string {
  return `<div><dt>${h(label)}</dt><dd>${h(value)}</dd></div>`;
}

/** One difference; its example is shown the first time it appears (several paths often share one). */
function diffDetails(diff: DiffEntry, shown: Set<string>): string {
  const key = diff.example ? `${diff.example.signature}\0${diff.example.at}` : '';
  const repeat = diff.example !== null && shown.has(key);
  if (diff.example) shown.add(key);
  const body = !diff.example
    ? '<p class="example muted">No example was kept for this difference.</p>'
    : repeat
      ? '<p class="example muted">Same example as above.</p>'
      : exampleView(diff.example);
  return `<details class="diff"${repeat ? '' : ' open'}>
<summary><code>${h(diff.path)}</code> · ${h(diff.kind)} · <strong>${h(formatCount(diff.count))}</strong> pairs</summary>
${body}
</details>`;
}

function unmatchedSection(report: Report): string {
  const { unmatched, events } = report.progress;
  const rows = unmatched.map(
    (row) =>
      `<tr><td>${h(row.method)}</td><td><code>${h(row.template)}</code></td><td class="num">${h(formatCount(row.count))}</td></tr>`,
  );
  return `<section>
<h3>Still served by the monolith (no route)</h3>
${rows.length === 0 ? '<p class="muted">Nothing unmatched in this window.</p>' : `<table><thead><tr><th>Method</th><th>Path</th><th class="num">Requests</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}
${events.length === 0 ? '' : `<h3>Proxy events</h3><ul class="plain">${events.map((event) => `<li>${h(formatTime(event.at))} <strong>${h(event.kind)}</strong> ${h(event.detail)}</li>`).join('')}</ul>`}
</section>`;
}
