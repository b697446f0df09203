/** The machine a run happened on, for the report. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the run started: other work on the machine shows here. */
  readonly loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** The commit the proxy's sources were measured at (`+changes` when src/ has uncommitted edits), or null. */
export function sourceRevision(): string | null {
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', timeout: 5_000 });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], {
    cwd,
    encoding: 'utf8',
    timeout: 5_000,
  });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' +changes in src/' : ''}`;
}

/** The machine's CPU time so far, all cores together (Linux's /proc/stat), in ms. */
export interface CpuTimes {
  /** Time the hypervisor ran something else while this machine's vCPUs wanted to run. */
  readonly stealMs: number;
  /** Every state counted, idle and steal included. */
  readonly totalMs: number;
}

/** /proc/stat's counters are in USER_HZ ticks: 100 per second on every Linux architecture Node runs on. */
const MS_PER_TICK = 10;

/** The aggregate `cpu` line of a /proc/stat text, or null when there is none. */
export function parseCpuTimes(procStat: string): CpuTimes | null {
  const line = procStat.split('\n').find((entry) => entry.startsWith('cpu '));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((value) => !Number.isFinite(value))) return null;
  return {
    stealMs: (ticks[7] ?? 0) * MS_PER_TICK,
    totalMs: ticks.reduce((total, value) => total + value, 0) * MS_PER_TICK,
  };
}

/** The machine's CPU times now, or null off Linux. */
export function readCpuTimes(): CpuTimes | null {
  try {
    return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** CPU time stolen between two readings, in ms (all cores together); null without both. */
export function stealBetween(before: CpuTimes | null, after: CpuTimes | null): number | null {
  return before && after ? after.stealMs - before.stealMs : null;
}

/** Share of the machine's CPU time stolen since `start` (0..1), or null without readings. */
export function stealShareSince(start: CpuTimes | null): number | null {
  const now = readCpuTimes();
  if (!start || !now || now.totalMs <= start.totalMs) return null;
  return (now.stealMs - start.stealMs) / (now.totalMs - start.totalMs);
}
