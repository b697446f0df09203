/**
 * One bench run: the scenarios in order, each given the processes it needs. The upstream and the
 * setups start when a scenario first asks for them; every process started is stopped at the end.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import { CHILD_CODE, openLab, type Lab } from './lab.ts';
import { LOAD_TOOLS } from './load.ts';
import type { BenchOptions, Scenario, ScenarioContext, Table, TargetCheck } from './scenario.ts';
import { startSetups, stopSetups, type RunningSetup } from './setups.ts';

export type BenchRun = Awaited<ReturnType<typeof runScenarios>>;

/** The commit the proxy's sources were measured at (`+changes` when src/ has uncommitted edits), or null. */
function sourceRevision(): string | null {
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  return `${head.stdout.trim()}${git('status', '--porcelain', '--', 'src').stdout.trim() ? ' +changes in src/' : ''}`;
}

export async function runScenarios(scenarios: readonly Scenario[], options: BenchOptions, command: string) {
  const startedAt = performance.now();
  const cores = os.availableParallelism();
  // When the run started: other work on the machine shows here.
  const loadAverage = (os.loadavg()[0] ?? 0).toFixed(2);
  // Progress goes to stderr: stdout is the report, or the JSON with --json.
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
  log(`${LOAD_TOOLS}; ${cores} cores, load average ${loadAverage}`);
  if (CHILD_CODE === 'sources') log('the servers run the TypeScript sources: a source is newer than dist/');
  const started: { lab?: Promise<Lab>; setups?: Promise<RunningSetup[]> | undefined } = {};
  const context: ScenarioContext = {
    options,
    log,
    lab: () => (started.lab ??= openLab(options.routes)),
    setups: () =>
      (started.setups ??= context.lab().then((opened) => {
        log(`starting the setups, ${options.routes} routes for strangler`);
        return startSetups(opened);
      })),
  };
  const stopTheSetups = async () => {
    const running = started.setups;
    started.setups = undefined;
    if (running) await stopSetups(await running);
  };
  const results: Record<string, readonly Table[]> = {};
  const tables: Table[] = [];
  const targets: TargetCheck[] = [];
  try {
    for (const scenario of scenarios) {
      // The setups are stopped before a scenario that does not use them, so that it has the cores.
      if (!scenario.usesSetups) await stopTheSetups();
      const measured = await scenario.run(context);
      results[scenario.id] = measured.tables;
      tables.push(...measured.tables);
      targets.push(...(measured.targets ?? []));
    }
  } finally {
    await stopTheSetups().catch(() => undefined);
    await (await started.lab)?.close();
  }
  const launcher = [
    ...Object.entries(launcherEnv()).map(([name, value]) => `${name}=${value}`),
    ...launcherNodeFlags(),
  ];
  const machine = `${os.cpus()[0]?.model.trim() ?? '?'}, ${cores} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM`;
  const code = CHILD_CODE === 'compiled' ? 'compiled build' : 'TypeScript sources';
  const heading = [
    `Run on ${new Date().toISOString()} with \`${command}\` (${Math.round((performance.now() - startedAt) / 1000)} s), ` +
      `sources at ${sourceRevision() ?? '?'}.`,
    `Machine: ${machine}, ${os.type()} ${os.release()} ${os.arch()}; Node ${process.version}; ${LOAD_TOOLS}; ` +
      `1-min load average ${loadAverage} at start; servers ran the ${code}, ` +
      `strangler with ${launcher.join(' ') || 'no Node flags'}.`,
  ];
  return { heading, results, targets, tables };
}
