/** The targets, checked against one run's figures. `met: null` when the run did not measure it. */
import type { LookupResult } from './lookup-micro.ts';
import type { MemoryResult, PacedRow, PersistResult, ThroughputRow } from './bench.ts';
import { QUIET_STEAL_MS_PER_SEC } from './steal.ts';
import { ratio } from './stats.ts';

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

interface Figures {
  readonly throughput: readonly ThroughputRow[] | null;
  readonly paced: readonly PacedRow[] | null;
  readonly lookup: LookupResult | null;
  readonly memory: MemoryResult | null;
  readonly persisted: PersistResult | null;
}

const x = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(3)} ms` : 'n/a');

export function evaluateTargets(figures: Figures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const row = (id: string) => figures.throughput?.find((entry) => entry.id === id);
  const paced = (id: string) => figures.paced?.find((entry) => entry.id === id);

  const strangler = row('strangler');
  const express = row('express-hpm');
  const fastify = row('fastify-proxy');
  if (strangler && express) {
    const value = ratio(strangler.rps, express.rps);
    checks.push({
      id: 'throughput-vs-express',
      target: `strangler (${strangler.label.replace(/^strangler: /, '')}, metrics and access logs on) ≥ 1.0× express + hpm req/s (aim: fastify, ~1.3×)`,
      measured: `${x(value)} (fastify ${fastify ? x(ratio(fastify.rps, express.rps)) : 'n/a'})`,
      met: Number.isFinite(value) ? value >= 1.0 : null,
    });
  }

  const stranglerPaced = paced('strangler');
  if (stranglerPaced && paced('direct')) {
    checks.push({
      id: 'added-latency',
      target: `added p99 at a fixed ${stranglerPaced.rate} req/s ≤ 2 ms over direct`,
      measured:
        `+${ms(stranglerPaced.addedP99Ms)} p99 (p50 +${ms(stranglerPaced.addedP50Ms)})` +
        (typeof stranglerPaced.addedQuietP99Ms === 'number'
          ? `; quiet rounds (hypervisor steal ≤ ${String(QUIET_STEAL_MS_PER_SEC)} ms/s): +${ms(stranglerPaced.addedQuietP99Ms)} p99 (${String(stranglerPaced.quietRounds ?? 0)} of ${String(stranglerPaced.rounds.length)})`
          : ''),
      met: stranglerPaced.addedP99Ms <= 2,
    });
  }

  const shadow = row('strangler-shadow');
  if (shadow && strangler) {
    const value = ratio(shadow.rps, strangler.rps);
    checks.push({
      id: 'shadow-throughput',
      target: 'shadow at 100%: ≥ 0.75× the req/s of the same route without shadow',
      measured: x(value),
      met: Number.isFinite(value) ? value >= 0.75 : null,
    });
  }

  const hangPaced = paced('strangler-shadow-hang');
  const shadowPaced = paced('strangler-shadow');
  const hang = row('strangler-shadow-hang');
  if (hangPaced && shadowPaced) {
    const change = ratio(hangPaced.p99Ms, shadowPaced.p99Ms) - 1;
    const errors = hangPaced.errors + hangPaced.non2xx + (hang ? hang.errors + hang.non2xx : 0);
    const saturated =
      hang && shadow ? `; closed loop ${signedPercent(ratio(hang.p99Ms, shadow.p99Ms) - 1)}` : '';
    const unshadowed = stranglerPaced
      ? `; vs no shadow ${signedPercent(ratio(hangPaced.p99Ms, stranglerPaced.p99Ms) - 1)}`
      : '';
    checks.push({
      id: 'hanging-shadow',
      target:
        'a hanging shadow service raises the primary p99 by ≤ 10% (fixed rate, vs a healthy shadow) and causes no error',
      measured: `${signedPercent(change)} p99 (fixed rate${saturated}${unshadowed}), ${errors} errors`,
      met: Number.isFinite(change) ? change <= 0.1 && errors === 0 : null,
    });
  }

  if (figures.lookup) {
    const sizes = figures.lookup.sizes;
    const worst = Math.max(...figures.lookup.rows.map((entry) => entry.ratio));
    checks.push({
      id: 'lookup-scaling',
      target: `route lookup at ${Math.max(...sizes).toLocaleString('en-US')} routes ≤ 2× the cost at ${Math.min(...sizes)}`,
      measured: `worst ${x(worst)} over ${figures.lookup.rows.length} paths`,
      met: Number.isFinite(worst) ? worst <= 2 : null,
    });
  }

  if (figures.memory) {
    checks.push({
      id: 'memory-bounded',
      target: 'proxy RSS ≤ 250 MB under shadowed 1 MB bodies',
      measured: `peak ${figures.memory.peakRssMb.toFixed(0)} MB`,
      met: figures.memory.peakRssMb <= 250 && figures.memory.requests > 0,
    });
  }
  return checks;
}

function signedPercent(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}
