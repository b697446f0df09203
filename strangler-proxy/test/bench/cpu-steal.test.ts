/**
 * The hypervisor's steal time, read the way Linux writes /proc/stat, and the paced rounds it left alone.
 */
import { describe, expect, it } from 'vitest';
import type { PacedResult } from '../../bench/lib/paced-load.ts';
import { parseCpuTimes, quietP99, readCpuTimes, stealBetween } from '../../bench/lib/steal.ts';

const procStat = [
  'cpu  15569 7 4753 46223 436 0 188 616 0 0',
  'cpu0 7784 3 2376 23111 218 0 94 308 0 0',
  'intr 123456 0 0',
  '',
].join('\n');

/** A paced round with only the figure the quiet rounds are chosen on. */
const round = (p99Ms: number) => ({ p99Ms }) as PacedResult;

describe('CPU steal', () => {
  it('reads the machine-wide cpu line: steal and every state, in ms', () => {
    // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
    expect(parseCpuTimes(procStat)).toEqual({
      stealMs: 6_160,
      totalMs: (15569 + 7 + 4753 + 46223 + 436 + 0 + 188 + 616) * 10,
    });
    expect(parseCpuTimes('cpu0 1 2 3 4 5 6 7 8\n')).toBeNull();
    expect(parseCpuTimes('cpu  1 2 3\n')).toBeNull();
  });

  it('reads this machine, and steal only grows', () => {
    const before = readCpuTimes();
    if (process.platform !== 'linux') {
      expect(before).toBeNull();
      return;
    }
    expect(before?.totalMs).toBeGreaterThan(0);
    expect(stealBetween(before, readCpuTimes())).toBeGreaterThanOrEqual(0);
    expect(stealBetween(null, readCpuTimes())).toBeNull();
  });

  it('takes the median p99 of the rounds with little steal, and none from fewer than three', () => {
    const rounds = [round(9), round(2), round(3), round(12), round(1), round(2.5)];
    expect(quietP99(rounds, [40, 0, 10, 120, 0, null], 10)).toEqual({ rounds: 3, p99Ms: 2 });
    expect(quietP99(rounds, [40, 0, 10, 120, 30, null], 10)).toEqual({ rounds: 2, p99Ms: null });
    expect(quietP99(rounds, [], 10)).toEqual({ rounds: 0, p99Ms: null });
  });
});
