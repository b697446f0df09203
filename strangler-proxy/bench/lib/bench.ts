/**
 * The benchmark run: one upstream process, one process per setup under test, the load tool in this
 * process. Sections run in order; each is a module of its own.
 */
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import { CHILD_CODE } from './child-process.ts';
import { runThroughput, type ThroughputRow } from './closed-loop.ts';
import { runColdStarts, type ColdStartResult } from './cold-start.ts';
import { openLab } from './lab.ts';
import { runMemory, type MemoryResult } from './large-bodies.ts';
import { autocannonVersion, wrkVersion, type LoadTool } from './load.ts';
import { runLookupMicro, type LookupResult } from './lookup-micro.ts';
import { machineInfo, sourceRevision, type MachineInfo } from './machine.ts';
import type { BenchOptions } from './options.ts';
import { PACED_LEAD_IN_SEC, runPacedPhase, type PacedRow } from './paced-phase.ts';
import { runPersist, type PersistResult } from './persist.ts';
import { startSetups } from './setups.ts';
import { evaluateTargets, type TargetCheck } from './targets.ts';

export interface BenchResults {
  readonly meta: {
    readonly date: string;
    readonly command: string;
    readonly quick: boolean;
    readonly machine: MachineInfo;
    /** Commit of the sources measured. */
    readonly revision: string | null;
    readonly tool: string;
    /** What the server processes ran: the compiled build or the TypeScript sources (type stripping). */
    readonly code: 'compiled' | 'sources';
    /** How the launcher starts strangler's processes: its environment and Node flags. */
    readonly stranglerStart: readonly string[];
    readonly wallSec: number;
    readonly settings: Readonly<Record<string, unknown>>;
  };
  readonly throughput: readonly ThroughputRow[] | null;
  readonly paced: readonly PacedRow[] | null;
  readonly lookup: LookupResult | null;
  readonly memory: MemoryResult | null;
  readonly persisted: PersistResult | null;
  readonly coldStart: ColdStartResult | null;
  readonly targets: readonly TargetCheck[];
}

type Sections = Omit<BenchResults, 'meta' | 'targets'>;

function chooseTool(wanted: BenchOptions['tool']): { tool: LoadTool; name: string } {
  const wrk = wrkVersion();
  const tool: LoadTool = wanted === 'auto' ? (wrk ? 'wrk' : 'autocannon') : wanted;
  if (tool === 'wrk' && !wrk) throw new Error('--tool wrk: wrk is not installed (apt-get install wrk)');
  return { tool, name: tool === 'wrk' ? (wrk ?? 'wrk') : autocannonVersion() };
}

export async function runBench(
  options: BenchOptions,
  progress: (line: string) => void = () => undefined,
): Promise<BenchResults> {
  const startedAt = performance.now();
  const machine = machineInfo();
  const revision = sourceRevision();
  const { tool, name: toolName } = chooseTool(options.tool);
  const log = (line: string) =>
    progress(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  log(`load tool: ${toolName}; ${machine.cores} cores, load average ${machine.loadAverage}`);
  if (CHILD_CODE === 'sources') log('the servers run the TypeScript sources: a source is newer than dist/');

  const wants = (section: BenchOptions['sections'][number]) => options.sections.includes(section);
  const sections: { -readonly [K in keyof Sections]: Sections[K] } = {
    throughput: null,
    paced: null,
    lookup: null,
    memory: null,
    persisted: null,
    coldStart: null,
  };
  if (wants('lookup')) {
    log(`route lookup: tables of ${options.lookupSizes.join(', ')} routes`);
    sections.lookup = runLookupMicro({
      sizes: options.lookupSizes,
      sliceMs: options.lookupSliceMs,
      rounds: options.lookupRounds,
    });
  }
  const needsServers = (['throughput', 'paced', 'memory', 'persist', 'coldstart'] as const).some(wants);
  const lab = needsServers ? await openLab(options.routes) : null;
  try {
    if (lab && (wants('throughput') || wants('paced'))) {
      log(
        `starting the setups, ${options.processes} processes each (${options.routes} routes for strangler)`,
      );
      const setups = await startSetups(lab, options.routes, options.processes);
      if (wants('throughput')) sections.throughput = await runThroughput(setups, tool, options, log);
      if (wants('paced')) sections.paced = await runPacedPhase(setups, options, log);
      // Stopped before the next sections, so that they have the cores to themselves.
      const proxies = setups.flatMap((setup) =>
        setup.instances.flatMap(({ proxy }) => (proxy ? [proxy] : [])),
      );
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    }
    if (lab && wants('memory')) sections.memory = await runMemory(lab, tool, options, log);
    if (lab && wants('persist')) sections.persisted = await runPersist(lab, tool, options, log);
    if (lab && wants('coldstart')) sections.coldStart = await runColdStarts(lab, options, log);
  } finally {
    await lab?.close();
  }

  return {
    meta: {
      date: new Date().toISOString(),
      command: options.command,
      quick: options.quick,
      machine,
      revision,
      tool: toolName,
      code: CHILD_CODE,
      stranglerStart: [
        ...Object.entries(launcherEnv()).map(([name, value]) => `${name}=${value}`),
        ...launcherNodeFlags(),
      ],
      wallSec: Math.round((performance.now() - startedAt) / 100) / 10,
      settings: {
        routes: options.routes,
        connections: options.connections,
        trialSec: options.trialSec,
        rounds: options.rounds,
        processes: options.processes,
        rate: options.rate,
        pacedSec: options.pacedSec,
        pacedRounds: options.pacedRounds,
        pacedLeadInSec: PACED_LEAD_IN_SEC,
      },
    },
    ...sections,
    targets: evaluateTargets(sections),
  };
}
