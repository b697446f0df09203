/**
 * Summarises a V8 CPU profile (`--cpu-prof`) as text: the functions with the most self time, and self
 * time by package or source folder. For reading the profiles `npm run bench -- --cpu-prof` writes.
 *
 *   node strangler-proxy/bench/profile-summary.ts <file.cpuprofile> [--top 30] [--filter text] [--from ms] [--to ms]
 *
 * `--from`/`--to` keep the samples of a window (ms since the profile started): a stall of a few tens of
 * milliseconds disappears in a whole run's totals.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly micros: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMicros: number;
  readonly idleMicros: number;
  readonly functions: readonly ProfileLine[];
  readonly packages: readonly ProfileLine[];
  /** Inclusive time (self + callees) of functions whose name or file contains `filter`. */
  readonly inclusive: readonly ProfileLine[];
}

/** Where a frame's code lives: `pkg:<name>`, `src/<folder>`, `node:<module>` or the runtime. */
function area(url: string): string {
  if (!url) return '(runtime)';
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `pkg:${modules[1]}`;
  const source = /strangler-proxy\/(src\/[^/]+|bench)/.exec(url);
  if (source) return source[1] ?? url;
  return url.replace(/^file:\/\//, '');
}

function shortFile(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|strangler-proxy)\//, '$1/');
}

/** Milliseconds since the profile started: the samples to keep (both ends included). */
export interface ProfileWindow {
  readonly fromMs?: number;
  readonly toMs?: number;
}

export function summariseProfile(
  profile: CpuProfile,
  top = 25,
  filter?: string,
  window: ProfileWindow = {},
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  const fromMicros = (window.fromMs ?? -Infinity) * 1000;
  const toMicros = (window.toMs ?? Infinity) * 1000;
  let at = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at < fromMicros || at > toMicros) return;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idle = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += micros;
    const name =
      `${functionName || '(anonymous)'} ${url ? `${shortFile(url)}:${lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const where = functionName.startsWith('(') ? functionName : area(url);
    packages.set(where, (packages.get(where) ?? 0) + micros);
  }

  // Inclusive time: each sample is charged to every distinct matching frame on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  if (filter) {
    for (const [id, micros] of self) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (!frame) break;
        const name = `${frame.functionName || '(anonymous)'} ${shortFile(frame.url)}:${frame.lineNumber + 1}`;
        if (!name.includes(filter) || seen.has(name)) continue;
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
      }
    }
  }
  const busy = Math.max(1, total - idle);
  const lines = (map: Map<string, number>): ProfileLine[] =>
    [...map]
      .filter(([name]) => name !== '(idle)')
      .map(([name, micros]) => ({ name, micros, share: micros / busy }))
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top);
  return {
    totalMicros: total,
    idleMicros: idle,
    functions: lines(functions),
    packages: lines(packages),
    inclusive: lines(inclusive),
  };
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const row = (line: ProfileLine) =>
    `${(line.share * 100).toFixed(1).padStart(6)}%  ${(line.micros / 1000).toFixed(0).padStart(7)} ms  ${line.name}`;
  const out = [
    `busy ${((summary.totalMicros - summary.idleMicros) / 1000).toFixed(0)} ms of ${(summary.totalMicros / 1000).toFixed(0)} ms sampled (shares are of busy time)`,
    '',
    'self time by area:',
    ...summary.packages.map(row),
    '',
    'self time by function:',
    ...summary.functions.map(row),
  ];
  if (summary.inclusive.length > 0) out.push('', 'inclusive time (filtered):', ...summary.inclusive.map(row));
  return out.join('\n');
}

const USAGE = `Usage: node strangler-proxy/bench/profile-summary.ts <file.cpuprofile> [options]

Self time by area and by function of a V8 CPU profile (--cpu-prof, or npm run bench -- --cpu-prof).

  --top <n>        lines per table (default 25)
  --filter <text>  also inclusive time of the functions whose name or file contains text
  --from <ms>      only samples from this many ms after the profile started
  --to <ms>        only samples up to this many ms after the profile started
  -h, --help       this help`;

function fail(message: string): never {
  console.error(`profile-summary: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function milliseconds(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    fail(`--${name} takes milliseconds (a number ≥ 0), not "${text}"`);
  return value;
}

function readProfile(file: string): CpuProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const profile = JSON.parse(text) as Partial<CpuProfile>;
    if (Array.isArray(profile.nodes) && Array.isArray(profile.samples) && Array.isArray(profile.timeDeltas))
      return profile as CpuProfile;
  } catch {
    // Reported below, as for JSON without the profile's fields.
  }
  return fail(`${file} is not a V8 CPU profile (JSON with nodes, samples and timeDeltas)`);
}

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        top: { type: 'string', default: '25' },
        filter: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const file = positionals[0];
  if (!file) fail('which profile? Give the path of a .cpuprofile file.');
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) fail(`--top takes a whole number ≥ 1, not "${values.top}"`);
  const fromMs = milliseconds('from', values.from);
  const toMs = milliseconds('to', values.to);
  const window = { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) };
  console.log(formatProfileSummary(summariseProfile(readProfile(file), top, values.filter, window)));
}
