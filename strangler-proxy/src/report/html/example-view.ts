/**
 * The side-by-side view of one example pair: the request (its headers folded), then legacy and service
 * answers next to each other with the differing status and headers highlighted, their JSON bodies in one
 * table aligned on JSON paths with the differing lines highlighted, then a table of the differences with
 * array elements collapsed to `[*]` and counted. All recorded data is escaped.
 */
import {
  compileJsonPath,
  matchesLocation,
  type JsonLocation,
  type JsonPathPattern,
} from '../../compare/json-path.ts';
import type { DiffExample, SampleAnswer } from '../report-model.ts';
import { formatMs, formatTime } from '../format-figures.ts';
import { escapeHtml } from './escape-html.ts';
import { alignedJsonLines, jsonLines, type JsonLine } from './json-lines.ts';
import { foldPath } from '../../compare/json-path.ts';

const VALUE_PREVIEW = 120;

export function exampleView(example: DiffExample): string {
  const bodyPatterns = compilePatterns(
    example.differences.map((d) => d.path).filter((path) => path.startsWith('$')),
  );
  const headers = new Set(
    example.differences.filter((d) => d.path.startsWith('header:')).map((d) => d.path.slice(7).toLowerCase()),
  );
  const status = example.differences.some((d) => d.path === 'status');
  const textDiff = example.differences.some((d) => d.kind === 'text' || d.kind === 'bytes');
  // Two JSON bodies are shown aligned below the panes rather than in each.
  const bothJson =
    parseJson(example.legacy?.body ?? '') !== undefined &&
    parseJson(example.service?.body ?? '') !== undefined;
  const request = example.request;

  return `<div class="example">
<p class="example-request"><span class="method">${escapeHtml(request.method)}</span> <code>${escapeHtml(request.url)}</code> <span class="muted">recorded ${escapeHtml(formatTime(example.at))}</span></p>
${foldedHeaders(request.headers)}
${request.body === null ? '' : `<pre class="body">${escapeHtml(request.body)}</pre>`}
<div class="sides">
${side('legacy', example.legacy, bodyPatterns, headers, status, textDiff, bothJson)}
${side('service', example.service, bodyPatterns, headers, status, textDiff, bothJson)}
</div>
${alignedBodies(example, bodyPatterns)}
${differenceTable(example)}
</div>`;
}

function side(
  name: 'legacy' | 'service',
  answer: SampleAnswer | null,
  patterns: readonly JsonPathPattern[],
  headers: ReadonlySet<string>,
  status: boolean,
  textDiff: boolean,
  bothJson: boolean,
): string {
  if (answer === null) {
    return `<div class="side side-${name}"><h5>${name}</h5><p class="muted">no answer (failed or not captured)</p></div>`;
  }
  return `<div class="side side-${name}">
<h5>${name} <span class="status${status ? ' hl' : ''}">${answer.status}</span> <span class="muted">${escapeHtml(formatMs(answer.latencyMs))}${answer.truncated ? ' · body truncated' : ''}</span></h5>
${headerTable(answer.headers, headers)}
${bothJson ? '' : bodyView(answer.body, patterns, textDiff)}
</div>`;
}

/** Request headers take room and rarely explain a difference: folded, with their count. */
function foldedHeaders(headers: Readonly<Record<string, string>>): string {
  const count = Object.keys(headers).length;
  if (count === 0) return '';
  return `<details class="request-headers"><summary>request headers (${count})</summary>${headerTable(headers, new Set())}</details>`;
}

/** Both JSON bodies in one table, a row per JSON location, so a member faces its counterpart. */
function alignedBodies(example: DiffExample, patterns: readonly JsonPathPattern[]): string {
  const legacy = parseJson(example.legacy?.body ?? '');
  const service = parseJson(example.service?.body ?? '');
  if (legacy === undefined || service === undefined) return '';
  const cell = (line: JsonLine | null, name: string) => {
    if (line === null) return `<td class="line ${name}-line absent"></td>`;
    const hit = patterns.some((pattern) => covers(pattern, line.location));
    return `<td class="line ${name}-line${hit ? ' hl' : ''}">${escapeHtml(`${'  '.repeat(line.depth)}${line.text}`)}</td>`;
  };
  const rows = alignedJsonLines(legacy.value, service.value).map(
    (row) => `<tr>${cell(row.legacy, 'legacy')}${cell(row.service, 'service')}</tr>`,
  );
  return `<table class="aligned-body"><thead><tr><th>legacy body</th><th>service body</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function headerTable(headers: Readonly<Record<string, string>>, highlighted: ReadonlySet<string>): string {
  const rows = Object.entries(headers).map(
    ([name, value]) =>
      `<tr${highlighted.has(name.toLowerCase()) ? ' class="hl"' : ''}><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
  );
  return rows.length === 0 ? '' : `<table class="headers">${rows.join('')}</table>`;
}

function bodyView(body: string | null, patterns: readonly JsonPathPattern[], textDiff: boolean): string {
  if (body === null) return '<p class="muted">empty body</p>';
  const parsed = parseJson(body);
  if (parsed === undefined) return `<pre class="body${textDiff ? ' hl' : ''}">${escapeHtml(body)}</pre>`;
  const lines = jsonLines(parsed.value).map((line) => {
    const hit = patterns.some((pattern) => covers(pattern, line.location));
    const text = `${'  '.repeat(line.depth)}${line.text}`;
    return `<span class="line${hit ? ' hl' : ''}">${escapeHtml(text)}</span>`;
  });
  // Each line is a block: joined without newlines, or every line would be followed by a blank one.
  return `<pre class="body json">${lines.join('')}</pre>`;
}

/** The pattern names this location or a value that contains it. */
function covers(pattern: JsonPathPattern, location: JsonLocation): boolean {
  for (let length = location.length; length >= 0; length--) {
    if (matchesLocation(pattern, location.slice(0, length))) return true;
  }
  return false;
}

/** One row per folded path and kind (`$.items[*].slug`, ×20), with the values of its first occurrence. */
function differenceTable(example: DiffExample): string {
  const legacy = example.legacy ? parseJson(example.legacy.body ?? '') : undefined;
  const service = example.service ? parseJson(example.service.body ?? '') : undefined;
  const groups = new Map<string, { path: string; folded: string; kind: string; count: number }>();
  for (const difference of example.differences) {
    const folded = foldPath(difference.path);
    const key = `${difference.kind} ${folded}`;
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { path: difference.path, folded, kind: difference.kind, count: 1 });
    else group.count++;
  }
  const rows = [...groups.values()].map((group) => {
    const [left, right] = valuesAt(group.path, example, legacy?.value, service?.value);
    const times =
      group.count > 1
        ? ` <span class="muted">×${group.count}, first at ${escapeHtml(group.path)}</span>`
        : '';
    return `<tr><td><code>${escapeHtml(group.folded)}</code>${times}</td><td>${escapeHtml(group.kind)}</td><td><code>${escapeHtml(left)}</code></td><td><code>${escapeHtml(right)}</code></td></tr>`;
  });
  return `<table class="diff-table"><thead><tr><th>path</th><th>kind</th><th>legacy</th><th>service</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function valuesAt(path: string, example: DiffExample, legacy: unknown, service: unknown): [string, string] {
  if (path === 'status')
    return [String(example.legacy?.status ?? '—'), String(example.service?.status ?? '—')];
  if (path.startsWith('header:')) {
    const name = path.slice(7).toLowerCase();
    return [example.legacy?.headers[name] ?? '(absent)', example.service?.headers[name] ?? '(absent)'];
  }
  const pattern = compilePatterns([path])[0];
  if (!pattern) return ['—', '—'];
  return [preview(lookup(legacy, pattern)), preview(lookup(service, pattern))];
}

/** The value at a concrete path (keys and indices only), or `absent`. */
function lookup(root: unknown, pattern: JsonPathPattern): { found: boolean; value?: unknown } {
  let node = root;
  for (const segment of pattern.segments) {
    if (
      segment.type === 'key' &&
      node !== null &&
      typeof node === 'object' &&
      !Array.isArray(node) &&
      Object.hasOwn(node, segment.key)
    ) {
      node = (node as Record<string, unknown>)[segment.key];
    } else if (segment.type === 'index' && Array.isArray(node) && segment.index < node.length) {
      node = node[segment.index] as unknown;
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

function preview(result: { found: boolean; value?: unknown }): string {
  if (!result.found) return '(absent)';
  const text = JSON.stringify(result.value) ?? 'undefined';
  return text.length > VALUE_PREVIEW ? `${text.slice(0, VALUE_PREVIEW)}…` : text;
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function compilePatterns(paths: readonly string[]): JsonPathPattern[] {
  const out: JsonPathPattern[] = [];
  for (const path of paths) {
    try {
      out.push(compileJsonPath(path));
    } catch {
      // a path the report cannot parse is listed in the table, just not highlighted
    }
  }
  return out;
}
