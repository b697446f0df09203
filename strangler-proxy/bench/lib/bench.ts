/**
 * The benchmark run: one upstream process, one process per setup under test, the load tool in this
 * process. Every setup gets the same load, round-robin over rounds (the starting setup rotates each
 * round), and the median per setup is reported with ratios, so a busy neighbour or a slow moment of the
 * machine hits every setup alike.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import { CHILD_CODE, startChild, sampleRss, type ChildHandle, type ProcessUsage } from './child-process.ts';
import { runLoad, wrkVersion, autocannonVersion, type LoadResult, type LoadTool } from './load.ts';
import { runPaced, type PacedResult } from './paced-load.ts';
import { runLookupMicro, type LookupResult } from './lookup-micro.ts';
import { THREAD_KINDS, threadCpuSpent, type ThreadCpu, type ThreadKind } from './thread-cpu.ts';
import { callgrindWrapper, countInstructions, valgrindVersion } from './instructions.ts';
import { runColdStarts, type ColdStartResult } from './cold-start.ts';
import { collectCpuProfiles, cpuProfileFlags } from './profile-files.ts';
import { machineInfo, sourceRevision, type MachineInfo } from './machine.ts';
import { quietP99, quietStealLimitMs, readCpuTimes, stealBetween, stealShareSince } from './steal.ts';
import type { BenchOptions } from './options.ts';
import { routesYaml, TARGET_PATH, type RoutesFileOptions } from './routes-file.ts';
import {
  comparedCount,
  type ServerSpec,
  type SetupReady,
  type SetupStats,
  type StranglerFinal,
  type UpstreamCounts,
  type UpstreamReady,
} from './specs.ts';
import { median, ratio, sum } from './stats.ts';
import { evaluateTargets, type TargetCheck } from './targets.ts';

export const SETUPS = [
  { id: 'direct', label: 'direct to the upstream (ceiling)' },
  { id: 'tcp-relay', label: 'TCP relay: one process hop, bytes only (floor)' },
  { id: 'express-hpm', label: 'express 5 + http-proxy-middleware 4' },
  { id: 'fastify-proxy', label: 'fastify 5 + @fastify/http-proxy 11' },
  { id: 'strangler', label: 'strangler: N routes, migrated' },
  { id: 'strangler-shadow', label: 'strangler: shadow 100%, JSON compared' },
  { id: 'strangler-shadow-hang', label: 'strangler: shadow to a hanging service' },
] as const;
export type SetupId = (typeof SETUPS)[number]['id'];

export interface Trial {
  readonly round: number;
  readonly load: LoadResult;
  readonly proxyCpuMicros: number | null;
  readonly proxyMainThreadCpuMicros: number | null;
  /** The proxy's CPU time by kind of thread (µs; Linux only). */
  readonly proxyThreadCpuMicros: ThreadCpu | null;
  readonly upstreamCpuMicros: number;
  readonly rssPeak: number | null;
  readonly newUpstreamConnections: number;
  /** Requests mirrored and compared during the trial (shadow setups). */
  readonly compared: number;
}

export interface ThroughputRow {
  readonly id: SetupId;
  readonly label: string;
  readonly trials: readonly Trial[];
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly proxyCpuUsPerReq: number | null;
  /** The serving (main) thread's share of the proxy's CPU. */
  readonly proxyMainThreadCpuUsPerReq: number | null;
  /** The proxy's CPU per request by kind of thread (µs, median of the trials; Linux only). */
  readonly proxyThreadCpuUsPerReq: ThreadCpu | null;
  readonly upstreamCpuUsPerReq: number;
  readonly rssPeakMb: number | null;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly newUpstreamConnections: number;
  /** Share of the requests that were mirrored and compared; null for setups without a shadow. */
  readonly mirroredShare: number | null;
  readonly vsExpress: number;
  readonly vsDirect: number;
  readonly stats: SetupStats | null;
}

export interface PacedRow {
  readonly id: SetupId;
  readonly label: string;
  readonly rate: number;
  readonly rounds: readonly PacedResult[];
  readonly completed: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly p99FromScheduleMs: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  readonly proxyCpuUsPerReq: number | null;
  /** CPU time the hypervisor took from the machine during each round (ms, all cores), as `rounds`. */
  readonly stealMs?: ReadonlyArray<number | null>;
  /** Rounds during which the hypervisor took (next to) nothing: at most one clock tick per second of round. */
  readonly quietRounds?: number;
  /** Median p99 of the quiet rounds, and its excess over direct's quiet rounds (null with fewer than 3 each). */
  readonly quietP99Ms?: number | null;
  readonly addedQuietP99Ms?: number | null;
  /** The load generator's own CPU per request (it shares the machine's cores with the servers). */
  readonly pacerCpuUsPerReq: number | null;
  readonly errors: number;
  readonly non2xx: number;
  readonly lateShare: number;
  /** Median over rounds of the lead-in's p99: the first requests of a round, connections being opened. */
  readonly leadInP99Ms: number;
}

export interface MemoryResult {
  readonly bodyBytes: number;
  readonly connections: number;
  readonly durationSec: number;
  readonly requests: number;
  readonly rps: number;
  readonly mbPerSec: number;
  readonly p99Ms: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly maxRssMb: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly compared: number;
  readonly skipped: Readonly<Record<string, number>>;
}

export interface InstructionsRow {
  readonly id: Exclude<SetupId, 'direct' | 'tcp-relay' | 'strangler-shadow-hang'>;
  readonly label: string;
  /** User-space instructions of the proxy process per request (all threads). */
  readonly perRequest: number;
  /** The serving (main) thread's share of them per request. */
  readonly servingThreadPerRequest: number;
  readonly instructions: number;
  /** Share of them spent in V8's compilers. */
  readonly compilerShare: number;
}

export interface InstructionsResult {
  readonly valgrind: string;
  readonly warmup: number;
  readonly requests: number;
  readonly connections: number;
  readonly rows: readonly InstructionsRow[];
}

export interface PersistResult {
  readonly durationSec: number;
  readonly requests: number;
  readonly rps: number;
  readonly settledComparisons: number;
  readonly storedComparisons: number;
  readonly perSecond: number;
  readonly flushes: number;
  readonly flushedRecords: number;
  readonly storedMismatched: number;
  readonly storedErrors: number;
  readonly skipped: Readonly<Record<string, number>>;
}

export interface BenchResults {
  readonly meta: {
    readonly date: string;
    readonly command: string;
    readonly quick: boolean;
    readonly machine: MachineInfo;
    /** Commit of the sources measured. */
    readonly revision: string | null;
    readonly loadAverageEnd: number;
    /**
     * Share of the machine's CPU time the hypervisor gave to others over the run (Linux's steal time;
     * null elsewhere and in older results): on a shared VM, what blurs latency tails most.
     */
    readonly stealShare?: number | null;
    readonly tool: string;
    /** What the server processes ran: the compiled build or the TypeScript sources (type stripping). */
    readonly code: 'compiled' | 'sources';
    /** Node flags strangler's processes started with (the launcher's). */
    readonly stranglerNodeFlags: readonly string[];
    /** Variables the launcher sets in strangler's environment. */
    readonly stranglerEnv: Readonly<Record<string, string>>;
    readonly wallSec: number;
    readonly settings: Readonly<Record<string, unknown>>;
    readonly profiles: readonly string[];
  };
  readonly throughput: readonly ThroughputRow[] | null;
  readonly paced: readonly PacedRow[] | null;
  readonly lookup: LookupResult | null;
  readonly memory: MemoryResult | null;
  readonly persisted: PersistResult | null;
  readonly instructions: InstructionsResult | null;
  /** Absent in results written before the section existed. */
  readonly coldStart?: ColdStartResult | null;
  readonly targets: readonly TargetCheck[];
}

type Progress = (line: string) => void;
type SetupHandle = ChildHandle<SetupReady>;

interface RunningSetup {
  readonly id: SetupId;
  readonly label: string;
  /** Processes of the same setup; round r loads instance r mod n. */
  readonly instances: readonly SetupInstance[];
}

interface SetupInstance {
  readonly url: string;
  /** The proxy's process; null for `direct` (the upstream is the server under test). */
  readonly proxy: SetupHandle | null;
}

function instanceFor(setup: RunningSetup, round: number): SetupInstance {
  return setup.instances[round % setup.instances.length] as SetupInstance;
}

const MB = 1024 * 1024;

/** Requests paced before each measured round, on its connections, reported apart (about 200 at 1,000/s). */
export const PACED_LEAD_IN_SEC = 0.2;

export async function runBench(
  options: BenchOptions,
  progress: Progress = () => undefined,
): Promise<BenchResults> {
  const startedAt = performance.now();
  const machine = machineInfo();
  const cpuAtStart = readCpuTimes();
  const revision = sourceRevision();
  const wrk = wrkVersion();
  const tool: LoadTool = options.tool === 'auto' ? (wrk ? 'wrk' : 'autocannon') : options.tool;
  if (tool === 'wrk' && !wrk) throw new Error('--tool wrk: wrk is not installed (apt-get install wrk)');
  const toolName = tool === 'wrk' ? (wrk ?? 'wrk') : autocannonVersion();
  // strangler starts as its launcher starts it (bin/strangler.js's #! line).
  const stranglerFlags = launcherNodeFlags();
  const stranglerEnv = launcherEnv();
  const log: Progress = (line) =>
    progress(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  log(`load tool: ${toolName}; ${machine.cores} cores, load average ${machine.loadAverage}`);
  if (CHILD_CODE === 'sources')
    log(
      'the servers run the TypeScript sources: a source is newer than dist/ (npm run bench builds it first)',
    );

  const work = mkdtempSync(path.join(tmpdir(), 'strangler-bench-'));
  const profileDir = options.cpuProf
    ? (options.cpuProfDir ?? mkdtempSync(path.join(tmpdir(), 'strangler-bench-profiles-')))
    : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const children: Array<ChildHandle<unknown>> = [];
  const start = async <Ready>(
    name: string,
    spec: ServerSpec,
    profile = false,
    /** A command to run the process under (valgrind), which slows its start. */
    wrapper?: readonly string[],
  ): Promise<ChildHandle<Ready>> => {
    const execArgv = [
      ...(spec.kind === 'strangler' ? stranglerFlags : []),
      ...(profile && profileDir ? cpuProfileFlags(profileDir, name) : []),
    ];
    const env = spec.kind === 'strangler' ? stranglerEnv : {};
    const child = await startChild<Ready>(
      name,
      spec,
      wrapper ? { execArgv, env, wrapper, startTimeoutMs: 180_000 } : { execArgv, env },
    );
    children.push(child);
    return child;
  };
  const stranglerSpec = (
    name: string,
    yaml: string,
    extra: Partial<Extract<ServerSpec, { kind: 'strangler' }>> = {},
  ): ServerSpec => {
    const configFile = path.join(work, `${name}.routes.yaml`);
    writeFileSync(configFile, yaml);
    return {
      kind: 'strangler',
      configFile,
      storeFile: path.join(work, `${name}.db`),
      accessLog: true,
      admin: true,
      ...extra,
    };
  };

  let throughput: ThroughputRow[] | null = null;
  let paced: PacedRow[] | null = null;
  let lookup: LookupResult | null = null;
  let memory: MemoryResult | null = null;
  let persisted: PersistResult | null = null;
  let instructions: InstructionsResult | null = null;
  let coldStart: ColdStartResult | null = null;
  try {
    const upstream = await start<UpstreamReady>('upstream', { kind: 'upstream' });
    const up = upstream.ready;
    // Every strangler setup's routes.yaml: the generated routes on this run's upstream, the target route
    // at `stage` (with the hanging service, or mirroring writes, where a setup asks for it).
    const yaml = (
      stage: 'migrated' | 'shadow',
      extra: Pick<RoutesFileOptions, 'targetServiceUrl' | 'shadowUnsafe'> = {},
    ) =>
      routesYaml({
        routes: options.routes,
        legacyUrl: up.legacyUrl,
        serviceUrl: up.serviceUrl,
        targetStage: stage,
        ...extra,
      });
    const wantsSetups = options.sections.includes('throughput') || options.sections.includes('paced');
    // By process name: each strangler process has a routes.yaml and a store of its own.
    const specs: Record<Exclude<SetupId, 'direct'>, (name: string) => ServerSpec> = {
      'tcp-relay': () => ({ kind: 'tcp-relay', target: up.legacyUrl }),
      'express-hpm': () => ({ kind: 'express-hpm', target: up.legacyUrl }),
      'fastify-proxy': () => ({ kind: 'fastify-proxy', target: up.legacyUrl }),
      strangler: (name) => stranglerSpec(name, yaml('migrated')),
      'strangler-shadow': (name) => stranglerSpec(name, yaml('shadow')),
      'strangler-shadow-hang': (name) =>
        stranglerSpec(name, yaml('shadow', { targetServiceUrl: up.hangUrl })),
    };
    const labelOf = (id: SetupId) =>
      (SETUPS.find((entry) => entry.id === id)?.label ?? id).replace(
        'N routes',
        `${options.routes.toLocaleString('en-US')} routes`,
      );

    if (wantsSetups) {
      log(
        `starting ${SETUPS.length - 1} proxy setups × ${options.processes} processes (${options.routes} routes for strangler)`,
      );
      // Started together (each loads its routes.yaml on its own core time), used one at a time.
      const setups: RunningSetup[] = await Promise.all(
        SETUPS.map(async (entry): Promise<RunningSetup> => {
          const label = labelOf(entry.id);
          if (entry.id === 'direct')
            return { id: entry.id, label, instances: [{ url: up.legacyUrl, proxy: null }] };
          const instances = await Promise.all(
            Array.from({ length: options.processes }, async (_, index): Promise<SetupInstance> => {
              const name = index === 0 ? entry.id : `${entry.id}-${index + 1}`;
              const proxy = await start<SetupReady>(name, specs[entry.id](name), true);
              return { url: proxy.ready.url, proxy };
            }),
          );
          return { id: entry.id, label, instances };
        }),
      );

      if (options.sections.includes('throughput'))
        throughput = await runThroughput(setups, upstream, tool, options, log);
      if (options.sections.includes('paced')) paced = await runPacedPhase(setups, options, log);
      for (const setup of setups) {
        let stats: SetupStats | null = null;
        for (const { proxy } of setup.instances) {
          const final = await proxy?.stop<StranglerFinal | undefined>();
          if (final?.stats) stats = stats === null ? final.stats : mergeStats(stats, final.stats);
        }
        const row = throughput?.find((entry) => entry.id === setup.id);
        if (row && stats) Object.assign(row, { stats });
      }
    }

    if (options.sections.includes('lookup')) {
      log(`route lookup: tables of ${options.lookupSizes.join(', ')} routes`);
      lookup = runLookupMicro({
        sizes: options.lookupSizes,
        sliceMs: options.lookupSliceMs,
        rounds: options.lookupRounds,
        progress: log,
      });
    }

    if (options.sections.includes('memory')) {
      const proxy = await start<SetupReady>(
        'strangler-memory',
        stranglerSpec('strangler-memory', yaml('shadow', { shadowUnsafe: true })),
      );
      memory = await runMemory(proxy, tool, options, log);
      await proxy.stop();
    }

    if (options.sections.includes('persist')) {
      const proxy = await start<SetupReady>(
        'strangler-persist',
        stranglerSpec('strangler-persist', yaml('shadow'), { flushInterval: 1_000 }),
      );
      persisted = await runPersist(proxy, tool, options, log);
    }

    if (options.sections.includes('coldstart')) {
      log(
        `cold starts: ${options.coldStarts} per setup, ${options.rate} req/s from the moment the proxy listens`,
      );
      const coldSetups = ['strangler', 'strangler-shadow'] as const;
      coldStart = await runColdStarts({
        setups: coldSetups.map((id) => ({
          id,
          label: labelOf(id),
          start: (name) => start<SetupReady>(name, specs[id](name)),
        })),
        starts: options.coldStarts,
        rate: options.rate,
        firstSec: PACED_LEAD_IN_SEC,
        nextSec: options.pacedSec,
        log,
      });
    }

    if (options.sections.includes('instructions')) {
      const valgrind = valgrindVersion();
      if (valgrind === null)
        log('instructions: skipped, valgrind is not installed (apt-get install valgrind)');
      else {
        const measured: Array<[InstructionsRow['id'], ServerSpec]> = [
          ['express-hpm', { kind: 'express-hpm', target: up.legacyUrl }],
          ['fastify-proxy', { kind: 'fastify-proxy', target: up.legacyUrl }],
          ['strangler', specs.strangler('strangler-instructions')],
          ['strangler-shadow', specs['strangler-shadow']('strangler-shadow-instructions')],
        ];
        const rows: InstructionsRow[] = [];
        for (const [id, spec] of measured) {
          const label = labelOf(id);
          log(
            `instructions: ${label} under valgrind (${options.instructionsWarmup} warm-up requests, then ${options.instructionsRequests} counted)`,
          );
          const outFile = path.join(work, `${id}.callgrind`);
          const proxy = await start<SetupReady>(`${id}-valgrind`, spec, false, callgrindWrapper(outFile));
          const count = await countInstructions({
            pid: proxy.pid,
            url: proxy.ready.url + TARGET_PATH,
            outFile,
            warmup: options.instructionsWarmup,
            requests: options.instructionsRequests,
            connections: options.instructionsConnections,
          });
          await proxy.stop(60_000);
          rows.push({
            id,
            label,
            perRequest: count.perRequest,
            servingThreadPerRequest: count.servingThreadPerRequest,
            instructions: count.instructions,
            compilerShare: count.compilerShare,
          });
          log(
            `instructions: ${label}: ${Math.round(count.perRequest).toLocaleString('en-US')} per request, ${Math.round(count.servingThreadPerRequest).toLocaleString('en-US')} on the serving thread`,
          );
        }
        instructions = {
          valgrind,
          warmup: options.instructionsWarmup,
          requests: options.instructionsRequests,
          connections: options.instructionsConnections,
          rows,
        };
      }
    }
    await upstream.stop();
  } finally {
    await Promise.all(children.map((child) => child.stop(5_000).catch(() => null)));
    rmSync(work, { recursive: true, force: true });
  }

  const profiles = profileDir ? collectCpuProfiles(profileDir) : [];
  const partial = { throughput, paced, lookup, memory, persisted };
  return {
    instructions,
    coldStart,
    meta: {
      date: new Date().toISOString(),
      command: options.command,
      quick: options.quick,
      machine,
      revision,
      loadAverageEnd: Math.round(machineInfo().loadAverage * 100) / 100,
      stealShare: stealShareSince(cpuAtStart),
      tool: toolName,
      code: CHILD_CODE,
      stranglerNodeFlags: stranglerFlags,
      stranglerEnv,
      wallSec: Math.round((performance.now() - startedAt) / 100) / 10,
      settings: {
        routes: options.routes,
        connections: options.connections,
        trialSec: options.trialSec,
        rounds: options.rounds,
        processes: options.processes,
        warmupSec: options.warmupSec,
        rate: options.rate,
        pacedSec: options.pacedSec,
        pacedRounds: options.pacedRounds,
        pacedLeadInSec: PACED_LEAD_IN_SEC,
        bodyBytes: options.bodyBytes,
        bodyConnections: options.bodyConnections,
        memorySec: options.memorySec,
        persistSec: options.persistSec,
        coldStarts: options.coldStarts,
        cpuProf: options.cpuProf,
      },
      profiles,
    },
    ...partial,
    targets: evaluateTargets(partial),
  };
}

async function usageOf(child: SetupHandle | null): Promise<ProcessUsage | null> {
  return child ? child.usage() : null;
}

function newConnections(before: UpstreamCounts, after: UpstreamCounts): number {
  return (
    after.legacy.connections -
    before.legacy.connections +
    (after.service.connections - before.service.connections) +
    (after.hang.connections - before.hang.connections)
  );
}

async function runThroughput(
  setups: readonly RunningSetup[],
  upstream: ChildHandle<UpstreamReady>,
  tool: LoadTool,
  options: BenchOptions,
  log: Progress,
): Promise<ThroughputRow[]> {
  for (const setup of setups) {
    for (const instance of setup.instances) {
      log(`warm-up ${setup.id} (${options.warmupSec} s)`);
      await runLoad(tool, {
        url: instance.url + TARGET_PATH,
        connections: options.connections,
        durationSec: options.warmupSec,
      });
      await instance.proxy?.call('settle', 3_000);
    }
  }
  const trials = new Map<SetupId, Trial[]>(setups.map((setup) => [setup.id, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < setups.length; k++) {
      const setup = setups[(round + k) % setups.length] as RunningSetup;
      const { url, proxy } = instanceFor(setup, round);
      const proxyBefore = await usageOf(proxy);
      const upstreamBefore = await upstream.usage();
      const countsBefore = await upstream.call<UpstreamCounts>('stats');
      const statsBefore = await proxy?.call<SetupStats>('stats');
      const sampler = proxy ? sampleRss(proxy.pid) : null;
      const load = await runLoad(tool, {
        url: url + TARGET_PATH,
        connections: options.connections,
        durationSec: options.trialSec,
      });
      // Mirrors still in flight belong to this trial's requests: wait for them before reading the CPU.
      await proxy?.call('settle', 3_000);
      const rssPeak = sampler?.stop() ?? null;
      const proxyAfter = await usageOf(proxy);
      const upstreamAfter = await upstream.usage();
      const countsAfter = await upstream.call<UpstreamCounts>('stats');
      const statsAfter = await proxy?.call<SetupStats>('stats');
      const trial: Trial = {
        round,
        load,
        proxyCpuMicros: proxyBefore && proxyAfter ? proxyAfter.cpuMicros - proxyBefore.cpuMicros : null,
        proxyMainThreadCpuMicros:
          proxyBefore && proxyAfter ? proxyAfter.mainThreadCpuMicros - proxyBefore.mainThreadCpuMicros : null,
        proxyThreadCpuMicros:
          proxyBefore?.threads && proxyAfter?.threads
            ? threadCpuSpent(proxyBefore.threads, proxyAfter.threads)
            : null,
        upstreamCpuMicros: upstreamAfter.cpuMicros - upstreamBefore.cpuMicros,
        rssPeak: rssPeak ?? proxyAfter?.rss ?? null,
        newUpstreamConnections: newConnections(countsBefore, countsAfter),
        compared: comparedCount(statsAfter) - comparedCount(statsBefore),
      };
      trials.get(setup.id)?.push(trial);
      log(
        `round ${round + 1}/${options.rounds} ${setup.id.padEnd(21)} ${Math.round(load.rps).toLocaleString('en-US').padStart(7)} req/s` +
          `  p99 ${load.p99Ms.toFixed(2)} ms${load.errors + load.non2xx > 0 ? `  errors ${load.errors + load.non2xx}` : ''}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const rows = setups.map((setup): ThroughputRow => {
    const list = trials.get(setup.id) ?? [];
    const perRequest = (pick: (trial: Trial) => number | null) =>
      median(
        list.map((trial) => {
          const value = pick(trial);
          return value === null || trial.load.requests === 0 ? Number.NaN : value / trial.load.requests;
        }),
      );
    const proxyCpu = perRequest((trial) => trial.proxyCpuMicros);
    const mainThreadCpu = perRequest((trial) => trial.proxyMainThreadCpuMicros);
    const byThread = Object.fromEntries(
      THREAD_KINDS.map((kind) => [kind, perRequest((trial) => trial.proxyThreadCpuMicros?.[kind] ?? null)]),
    ) as Record<ThreadKind, number>;
    const peaks = list.map((trial) => trial.rssPeak).filter((value): value is number => value !== null);
    return {
      id: setup.id,
      label: setup.label,
      trials: list,
      rps: median(list.map((trial) => trial.load.rps)),
      p50Ms: median(list.map((trial) => trial.load.p50Ms)),
      p99Ms: median(list.map((trial) => trial.load.p99Ms)),
      proxyCpuUsPerReq: Number.isNaN(proxyCpu) ? null : proxyCpu,
      proxyMainThreadCpuUsPerReq: Number.isNaN(mainThreadCpu) ? null : mainThreadCpu,
      proxyThreadCpuUsPerReq: Number.isNaN(byThread.serving) ? null : byThread,
      upstreamCpuUsPerReq: perRequest((trial) => trial.upstreamCpuMicros),
      rssPeakMb: setup.id !== 'direct' && peaks.length > 0 ? Math.max(...peaks) / MB : null,
      requests: sum(list.map((trial) => trial.load.requests)),
      errors: sum(list.map((trial) => trial.load.errors)),
      non2xx: sum(list.map((trial) => trial.load.non2xx)),
      newUpstreamConnections: sum(list.map((trial) => trial.newUpstreamConnections)),
      mirroredShare: setup.id.includes('shadow')
        ? ratio(sum(list.map((trial) => trial.compared)), sum(list.map((trial) => trial.load.requests)))
        : null,
      vsExpress: Number.NaN,
      vsDirect: Number.NaN,
      stats: null,
    };
  });
  const express = rows.find((row) => row.id === 'express-hpm')?.rps ?? Number.NaN;
  const direct = rows.find((row) => row.id === 'direct')?.rps ?? Number.NaN;
  return rows.map((row) => ({
    ...row,
    vsExpress: ratio(row.rps, express),
    vsDirect: ratio(row.rps, direct),
  }));
}

async function runPacedPhase(
  setups: readonly RunningSetup[],
  options: BenchOptions,
  log: Progress,
): Promise<PacedRow[]> {
  const results = new Map<SetupId, { rounds: PacedResult[]; cpu: number[]; steal: Array<number | null> }>(
    setups.map((setup) => [setup.id, { rounds: [], cpu: [], steal: [] }]),
  );
  for (let round = 0; round < options.pacedRounds; round++) {
    for (let k = 0; k < setups.length; k++) {
      const setup = setups[(round + k) % setups.length] as RunningSetup;
      const { url, proxy } = instanceFor(setup, round);
      await proxy?.call('settle', 1_000);
      const before = await usageOf(proxy);
      const machineBefore = readCpuTimes();
      // The lead-in runs on the same connections just before the measured second, so that it starts
      // with the pacer's and the proxy's pools open: a separate warm-up closed the pacer's connections,
      // and every measured round began by opening them again.
      const result = await runPaced({
        url: url + TARGET_PATH,
        rate: options.rate,
        durationSec: options.pacedSec,
        leadInSec: PACED_LEAD_IN_SEC,
      });
      const stolen = stealBetween(machineBefore, readCpuTimes());
      await proxy?.call('settle', 1_000);
      const after = await usageOf(proxy);
      const entry = results.get(setup.id);
      entry?.rounds.push(result);
      entry?.steal.push(stolen);
      const answered = result.completed + result.leadIn.completed;
      if (before && after && answered > 0) entry?.cpu.push((after.cpuMicros - before.cpuMicros) / answered);
      const failed = result.errors + result.non2xx + result.leadIn.errors + result.leadIn.non2xx;
      log(
        `paced ${options.rate}/s round ${round + 1}/${options.pacedRounds} ${setup.id.padEnd(21)} p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms` +
          `  (lead-in p99 ${result.leadIn.p99Ms.toFixed(3)} ms)` +
          `${stolen === null ? '' : `  steal ${stolen} ms`}` +
          `${failed > 0 ? `  errors ${failed}` : ''}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // Median of the rounds, as for the closed-loop load: a round spoilt by other work on the machine is set
  // aside instead of dragging every percentile of a pooled distribution.
  const summary = (id: SetupId) => {
    const rounds = results.get(id)?.rounds ?? [];
    return {
      p50: median(rounds.map((round) => round.p50Ms)),
      p90: median(rounds.map((round) => round.p90Ms)),
      p99: median(rounds.map((round) => round.p99Ms)),
    };
  };
  const direct = summary('direct');
  // The same figures over the rounds the hypervisor left alone: what the proxy adds, apart from the VM.
  const quietLimitMs = quietStealLimitMs(options.pacedSec + PACED_LEAD_IN_SEC);
  const quiet = (id: SetupId) => {
    const entry = results.get(id);
    return quietP99(entry?.rounds ?? [], entry?.steal ?? [], quietLimitMs);
  };
  const directQuiet = quiet('direct');
  return setups.map((setup): PacedRow => {
    const entry = results.get(setup.id) ?? { rounds: [], cpu: [], steal: [] };
    const own = summary(setup.id);
    const cpu = median(entry.cpu);
    const ownQuiet = quiet(setup.id);
    return {
      id: setup.id,
      label: setup.label,
      rate: options.rate,
      rounds: entry.rounds,
      completed: sum(entry.rounds.map((round) => round.completed)),
      p50Ms: own.p50,
      p90Ms: own.p90,
      p99Ms: own.p99,
      maxMs: Math.max(0, ...entry.rounds.map((round) => round.maxMs)),
      p99FromScheduleMs: median(entry.rounds.map((round) => round.p99FromScheduleMs)),
      addedP50Ms: own.p50 - direct.p50,
      addedP99Ms: own.p99 - direct.p99,
      proxyCpuUsPerReq: Number.isNaN(cpu) ? null : cpu,
      stealMs: entry.steal,
      quietRounds: ownQuiet.rounds,
      quietP99Ms: ownQuiet.p99Ms,
      addedQuietP99Ms:
        ownQuiet.p99Ms === null || directQuiet.p99Ms === null ? null : ownQuiet.p99Ms - directQuiet.p99Ms,
      pacerCpuUsPerReq: median(entry.rounds.map((round) => round.pacerCpuUsPerReq)),
      // Lead-in and measured requests alike: an error is never left out.
      errors: sum(entry.rounds.map((round) => round.errors + round.leadIn.errors)),
      non2xx: sum(entry.rounds.map((round) => round.non2xx + round.leadIn.non2xx)),
      lateShare: median(entry.rounds.map((round) => round.lateShare)),
      leadInP99Ms: median(entry.rounds.map((round) => round.leadIn.p99Ms)),
    };
  });
}

/** A JSON document of exactly `bytes` bytes. */
function jsonBody(bytes: number): Buffer {
  const head = '{"items":"';
  const tail = '"}';
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail);
}

async function runMemory(
  proxy: SetupHandle,
  tool: LoadTool,
  options: BenchOptions,
  log: Progress,
): Promise<MemoryResult> {
  const body = jsonBody(options.bodyBytes);
  log(
    `memory: POST ${options.bodyBytes.toLocaleString('en-US')}-byte bodies, shadowed (unsafe: true), ${options.bodyConnections} connections, ${options.memorySec} s`,
  );
  const baseline = await proxy.usage();
  const sampler = sampleRss(proxy.pid, 50);
  const load = await runLoad(tool, {
    url: proxy.ready.url + TARGET_PATH,
    connections: options.bodyConnections,
    durationSec: options.memorySec,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  await proxy.call('settle', 5_000);
  const peak = sampler.stop();
  const after = await proxy.usage();
  const stats = await proxy.call<SetupStats>('stats');
  const result: MemoryResult = {
    bodyBytes: options.bodyBytes,
    connections: options.bodyConnections,
    durationSec: load.durationSec,
    requests: load.requests,
    rps: load.rps,
    mbPerSec: (load.rps * options.bodyBytes) / MB,
    p99Ms: load.p99Ms,
    baselineRssMb: baseline.rss / MB,
    peakRssMb: Math.max(peak, after.rss) / MB,
    maxRssMb: after.maxRss / MB,
    errors: load.errors,
    non2xx: load.non2xx,
    compared: comparedCount(stats),
    skipped: stats.skipped ?? {},
  };
  log(
    `memory: ${load.requests} bodies, peak RSS ${result.peakRssMb.toFixed(0)} MB (getrusage max ${result.maxRssMb.toFixed(0)} MB), ${result.compared} compared`,
  );
  return result;
}

async function runPersist(
  proxy: SetupHandle,
  tool: LoadTool,
  options: BenchOptions,
  log: Progress,
): Promise<PersistResult> {
  log(`persisted: shadow 100% with the SQLite store (flush every 1 s), ${options.persistSec} s`);
  const load = await runLoad(tool, {
    url: proxy.ready.url + TARGET_PATH,
    connections: options.connections,
    durationSec: options.persistSec,
  });
  await proxy.call('settle', 5_000);
  const final = await proxy.stop<StranglerFinal>(30_000);
  const settled = comparedCount(final?.stats);
  const stored = final?.stored;
  const result: PersistResult = {
    durationSec: load.durationSec,
    requests: load.requests,
    rps: load.rps,
    settledComparisons: settled,
    storedComparisons: stored?.compared ?? 0,
    perSecond: (stored?.compared ?? 0) / load.durationSec,
    flushes: final?.stats.flushes ?? 0,
    flushedRecords: final?.stats.flushedRecords ?? 0,
    storedMismatched: stored?.mismatched ?? 0,
    storedErrors: stored?.errors ?? 0,
    skipped: final?.stats.skipped ?? {},
  };
  log(
    `persisted: ${result.storedComparisons} comparisons stored (${result.perSecond.toFixed(0)}/s), ${settled} settled`,
  );
  return result;
}

/** Two processes' final figures as one setup's: counts added. */
export function mergeStats(a: SetupStats, b: SetupStats): SetupStats {
  const add = (x: number | undefined, y: number | undefined) =>
    x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
  const addRecords = (
    x: Readonly<Record<string, number>> | undefined,
    y: Readonly<Record<string, number>> | undefined,
  ): Readonly<Record<string, number>> | undefined => {
    if (x === undefined || y === undefined) return x ?? y;
    const sum: Record<string, number> = { ...x };
    for (const [key, value] of Object.entries(y)) sum[key] = (sum[key] ?? 0) + value;
    return sum;
  };
  const merged = {
    outcomes: addRecords(a.outcomes, b.outcomes),
    skipped: addRecords(a.skipped, b.skipped),
    errorKinds: addRecords(a.errorKinds, b.errorKinds),
    breakerOpens: addRecords(a.breakerOpens, b.breakerOpens),
    shadowsInFlight: add(a.shadowsInFlight, b.shadowsInFlight),
    requestsCounted: add(a.requestsCounted, b.requestsCounted),
    flushes: add(a.flushes, b.flushes),
    flushedRecords: add(a.flushedRecords, b.flushedRecords),
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}
