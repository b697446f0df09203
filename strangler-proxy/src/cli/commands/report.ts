/**
 * `strangler report`: route by route, is it safe to promote? A thin layer over {@link buildReport} and the
 * renderers; exit 0 whatever the verdicts (`strangler check` is the gate), 2 when it cannot report.
 *
 *   strangler report [--store url] [--config routes.yaml] [--route id] [--since 1h]
 *                    [--format table|json|markdown|html] [--out file]
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliExit, type CliIo } from '../io.ts';
import { DEFAULT_STORE_FILE, describeStore, openStoreForReading, resolveStore } from '../store-resolver.ts';
import { noteUnsetUpstreams, readRoutesFile } from '../read-routes-file.ts';
import { formatProblems } from '../../config/index.ts';
import { parseDuration } from '../../config/schema.ts';
import { buildReport, type ReportRoute } from '../../report/build-report.ts';
import { currentRevisions } from '../../config/route-revision.ts';
import { revisionOption, type RevisionChoice } from '../options.ts';
import { REPORT_FORMATS, rendererFor, type ReportFormat } from '../../report/renderers.ts';

const EXIT_ERROR = 2;

interface ReportFlags {
  readonly store?: string;
  readonly config?: string;
  readonly route?: string;
  readonly since?: number;
  readonly revision?: RevisionChoice;
  readonly format?: ReportFormat;
  readonly json?: boolean;
  readonly out?: string;
}

/** What `--out` names imply when `--format` is not given. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, ReportFormat>> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.json': 'json',
};

export interface ReportCommandOptions {
  /** Epoch ms; `Date.now` by default (tests pin it). */
  readonly now?: () => number;
}

export function createReportCommand(io: CliIo, options: ReportCommandOptions = {}): Command {
  const now = options.now ?? Date.now;
  return new Command('report')
    .description('show, route by route, the evidence recorded and whether each route is ready to promote')
    .option(
      '--store <url>',
      `results store (default: STRANGLER_STORE, else store: in the routes file, else ${DEFAULT_STORE_FILE} beside it)`,
    )
    .option('-c, --config <file>', 'routes file for stages and gate limits (default: routes.yaml if present)')
    .option('--route <id>', 'only this route')
    .option(
      '--since <duration|time>',
      'evidence newer than this: 30m, 6h, 7d or an ISO time (default: gate window)',
      (text) => parseSince(text, now()),
    )
    .addOption(revisionOption())
    .addOption(
      new Option('--format <name>', 'output format (default: table, or what --out ends with)').choices(
        REPORT_FORMATS,
      ),
    )
    .option('--json', 'the same as --format json, as every command spells it')
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .exitOverride((error) => {
      throw new CliExit(error.exitCode === 0 ? 0 : EXIT_ERROR);
    })
    .action((flags: ReportFlags) => runReport(io, flags, now()));
}

async function runReport(io: CliIo, flags: ReportFlags, now: number): Promise<void> {
  if (flags.json === true && flags.format !== undefined && flags.format !== 'json')
    throw new CliExit(EXIT_ERROR, `strangler: --json and --format ${flags.format} disagree: give one`);
  const format =
    (flags.json === true ? 'json' : flags.format) ??
    (flags.out ? FORMAT_BY_EXTENSION[path.extname(flags.out).toLowerCase()] : undefined) ??
    'table';
  const config = await loadRoutes(io, flags.config);
  if (flags.route !== undefined && config && !config.routes.some((route) => route.id === flags.route)) {
    throw new CliExit(EXIT_ERROR, `strangler: no route "${flags.route}" in ${config.file}`);
  }

  const resolved = resolveStore({
    flag: flags.store,
    env: io.env,
    routesFile: config?.file ?? 'routes.yaml',
    routesStore: config?.store,
    cwd: io.cwd,
  });
  const store = await openStoreForReading(resolved);
  const progress = createProgressLine(io);
  let report;
  try {
    report = await buildReport(store, {
      now,
      store: describeStore(resolved),
      ...(config ? { routesFile: config.shown } : {}),
      ...(flags.since === undefined ? {} : { since: flags.since }),
      ...(flags.route === undefined ? {} : { routeId: flags.route }),
      ...(config ? { routes: config.routes } : {}),
      ...(config && flags.revision !== 'all' ? { revisions: config.revisions } : {}),
      onProgress: progress.update,
    });
  } finally {
    progress.done();
    await store.close();
  }
  if (flags.route !== undefined && report.routes.length === 0) {
    throw new CliExit(EXIT_ERROR, `strangler: no evidence recorded for route "${flags.route}"`);
  }

  const output = rendererFor(format)(report, {
    color: io.color && flags.out === undefined && format === 'table',
  });
  if (flags.out === undefined) {
    io.stdout.write(output);
    return;
  }
  const file = path.resolve(io.cwd, flags.out);
  try {
    await writeFile(file, output);
  } catch (error) {
    throw new CliExit(
      EXIT_ERROR,
      `strangler: cannot write ${flags.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  io.stderr.write(`wrote ${flags.out} (${format}, ${Math.ceil(Buffer.byteLength(output) / 1024)} KB)\n`);
}

/** `--config`, else STRANGLER_CONFIG, else routes.yaml when there is one: stages and gates come from it. */
async function loadRoutes(
  io: CliIo,
  flag: string | undefined,
): Promise<
  | {
      file: string;
      /** As the user named it. */
      shown: string;
      routes: readonly ReportRoute[];
      revisions: ReadonlyMap<string, string>;
      store: string | undefined;
    }
  | undefined
> {
  const file =
    flag ??
    io.env.STRANGLER_CONFIG ??
    (existsSync(path.resolve(io.cwd, 'routes.yaml')) ? 'routes.yaml' : undefined);
  if (file === undefined) return undefined;
  const read = await readRoutesFile(io, file, { unsetUpstreams: 'warn' });
  if (!read.ok) {
    io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
    throw new CliExit(EXIT_ERROR, `strangler: cannot report with an invalid routes file (${read.file})`);
  }
  noteUnsetUpstreams(io, read.warnings);
  return {
    file: path.resolve(io.cwd, file),
    shown: read.file,
    routes: read.config.routes,
    revisions: currentRevisions(read.config),
    store: read.config.store,
  };
}

/** `30m`, `6h`, `7d` (a duration before now) or an ISO 8601 time. */
export function parseSince(text: string, now: number): number {
  const days = /^(\d+(?:\.\d+)?)d$/.exec(text);
  if (days) return now - Number(days[1]) * 86_400_000;
  try {
    return now - parseDuration(text);
  } catch {
    // not a duration: maybe a time
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidArgumentError('expected a duration such as 30m, 6h or 7d, or an ISO time');
  return at;
}

/**
 * One self-rewriting line on stderr while a slow read runs, only on a terminal and only once the read
 * has taken longer than a blink (fast reports print nothing extra). Cleared when done.
 */
export function createProgressLine(
  io: CliIo,
  delayMs = 250,
): { update: (step: string) => void; done: () => void } {
  const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
  if (!terminal) return { update: () => undefined, done: () => undefined };
  let step = '';
  let shown = false;
  const show = () => {
    shown = true;
    io.stderr.write(`\r\u001b[2K${step}…`);
  };
  const timer = setTimeout(show, delayMs);
  timer.unref();
  return {
    update(next) {
      step = next;
      if (shown) show();
    },
    done() {
      clearTimeout(timer);
      if (shown) io.stderr.write('\r\u001b[2K');
    },
  };
}
