/**
 * Route entries proposed from the monolith's traffic (`inventory --suggest`): one per path template
 * the current route table would still send to the monolith, with the methods seen, most requested
 * first, each at stage legacy so that pasting them changes nothing until a route is promoted.
 */
import type { RoutesConfig } from '../config/index.ts';
import { HTTP_METHODS } from '../config/http-methods.ts';
import { normalizePath } from '../routing/normalize-path.ts';
import { parsePathPattern } from '../routing/path-pattern.ts';
import { createRouteTable } from '../routing/route-table.ts';
import type { UnmatchedTotals } from '../store/result-store.ts';

export interface SuggestOptions {
  /** The routes file as it is, if there is one: its services, ids and routes. */
  readonly config: RoutesConfig | undefined;
  /** Whether the file already has a `routes:` key (entries are then appended under it). */
  readonly hasRoutesKey: boolean;
  /** The service the proposals name; by default the file's only (or first) service. */
  readonly service: string | undefined;
  readonly since: string;
  readonly limit: number;
}

interface Proposal {
  readonly path: string;
  readonly methods: Map<string, number>;
  count: number;
}

/** YAML text to append to routes.yaml; `''` when there is nothing to propose. */
export function suggestRoutes(rows: readonly UnmatchedTotals[], options: SuggestOptions): string {
  const proposals = [...groupByTemplate(rows, options.config).values()]
    .sort((a, b) => b.count - a.count || a.path.localeCompare(b.path))
    .slice(0, options.limit);
  if (proposals.length === 0) return '';
  const services = Object.keys(options.config?.services ?? {});
  const service = options.service ?? services[0];
  const serviceLine =
    service === undefined
      ? 'SERVICE   # declare it under services: first'
      : services.length > 1 && options.service === undefined
        ? `${service}   # or: ${services.slice(1).join(', ')}`
        : service;
  const taken = new Set(options.config?.routes.map((route) => route.id));
  const lines = [
    '',
    `# Proposed by \`strangler-proxy inventory --suggest\` from the monolith's traffic (last ${options.since},`,
    '# most requested first). At stage legacy nothing changes: the monolith keeps answering.',
    ...(options.hasRoutesKey ? [] : ['routes:']),
  ];
  for (const proposal of proposals) {
    const methods = [...proposal.methods.entries()].sort((a, b) => b[1] - a[1]).map(([method]) => method);
    lines.push(
      `  - id: ${uniqueId(proposal.path, taken)}`,
      `    path: ${yamlScalar(proposal.path)}`,
      `    methods: [${methods.join(', ')}]   # ${proposal.count} request${proposal.count === 1 ? '' : 's'}`,
      `    service: ${serviceLine}`,
      '    stage: legacy',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Templates that make a valid route path, not taken by a current route, with their methods' counts. */
function groupByTemplate(
  rows: readonly UnmatchedTotals[],
  config: RoutesConfig | undefined,
): Map<string, Proposal> {
  const table = config
    ? createRouteTable(config.routes, { caseSensitive: config.proxy.caseSensitive })
    : undefined;
  const known = new Set(HTTP_METHODS);
  const proposals = new Map<string, Proposal>();
  for (const row of rows) {
    if (!known.has(row.method) || !parsePathPattern(row.template).ok) continue;
    // A template's `:id` stands for any segment: a sample one tells whether a route takes it now.
    const sample = normalizePath(row.template.replace(/:[^/]+/g, '0'));
    if (table?.match({ method: row.method, segments: sample.segments, header: () => undefined })) continue;
    const proposal: Proposal = proposals.get(row.template) ?? {
      path: row.template,
      methods: new Map<string, number>(),
      count: 0,
    };
    proposal.methods.set(row.method, (proposal.methods.get(row.method) ?? 0) + row.count);
    proposal.count += row.count;
    proposals.set(row.template, proposal);
  }
  return proposals;
}

/** `/api/products/:id` → `api-products-id`, unique among `taken` (which it joins). */
function uniqueId(template: string, taken: Set<string>): string {
  const base =
    template
      .replace(/[^A-Za-z0-9._]+/g, '-')
      .replace(/^[-._]+|-+$/g, '')
      .slice(0, 100) || 'root';
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** The path as written in YAML: plain when it is safely so, else double-quoted (JSON is valid YAML). */
function yamlScalar(text: string): string {
  return /^\/[A-Za-z0-9/_.~%:-]*$/.test(text) && !text.endsWith(':') ? text : JSON.stringify(text);
}
