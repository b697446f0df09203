/** The targets, checked against one run's figures. `met: null` when the run could not tell. */
import type { ThroughputRow } from './closed-loop.ts';
import type { MemoryResult } from './large-bodies.ts';
import type { LookupResult } from './lookup-micro.ts';
import type { PacedRow } from './paced-phase.ts';
import { ratio } from './stats.ts';

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

export interface Figures {
  readonly throughput: readonly ThroughputRow[] | null;
  readonly paced: readonly PacedRow[] | null;
  readonly lookup: LookupResult | null;
  readonly memory: MemoryResult | null;
}

const x = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(3)} ms` : 'n/a');
const signedPercent = (value: number) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%` : 'n/a';
const atLeast = (value: number, bound: number) => (Number.isFinite(value) ? value >= bound : null);

/** The bound a target sets, in the unit its check reads. */
export const TARGET_BOUNDS = {
  vsExpress: 1.0,
  addedP99Ms: 2,
  shadowShare: 0.75,
  hangingP99Rise: 0.1,
  lookupRatio: 2,
  rssMb: 320,
} as const;

export function evaluateTargets(figures: Figures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const row = (id: string) => figures.throughput?.find((entry) => entry.id === id);
  const paced = (id: string) => figures.paced?.find((entry) => entry.id === id);
  const strangler = row('strangler');
  const express = row('express-hpm');
  if (strangler && express) {
    const value = ratio(strangler.rps, express.rps);
    const fastify = row('fastify-proxy');
    checks.push({
      id: 'throughput-vs-express',
      target: `strangler (${strangler.label.replace(/^strangler: /, '')}, metrics and access logs on) ≥ ${x(TARGET_BOUNDS.vsExpress)} express + hpm req/s (aim: fastify, ~1.3×)`,
      measured: `${x(value)} (fastify ${fastify ? x(ratio(fastify.rps, express.rps)) : 'n/a'})`,
      met: atLeast(value, TARGET_BOUNDS.vsExpress),
    });
  }
  const stranglerPaced = paced('strangler');
  if (stranglerPaced && paced('direct')) {
    checks.push({
      id: 'added-latency',
      target: `added p99 at a fixed ${stranglerPaced.rate} req/s ≤ ${TARGET_BOUNDS.addedP99Ms} ms over direct`,
      measured: `+${ms(stranglerPaced.addedP99Ms)} p99 (p50 +${ms(stranglerPaced.addedP50Ms)})`,
      met: stranglerPaced.addedP99Ms <= TARGET_BOUNDS.addedP99Ms,
    });
  }
  const shadow = row('strangler-shadow');
  if (shadow && strangler) {
    const value = ratio(shadow.rps, strangler.rps);
    checks.push({
      id: 'shadow-throughput',
      target: `shadow at 100%: ≥ ${x(TARGET_BOUNDS.shadowShare)} the req/s of the same route without shadow`,
      measured: x(value),
      met: atLeast(value, TARGET_BOUNDS.shadowShare),
    });
  }
  const hangPaced = paced('strangler-shadow-hang');
  const shadowPaced = paced('strangler-shadow');
  if (hangPaced && shadowPaced) {
    const change = ratio(hangPaced.p99Ms, shadowPaced.p99Ms) - 1;
    const hang = row('strangler-shadow-hang');
    const errors = hangPaced.errors + hangPaced.non2xx + (hang ? hang.errors + hang.non2xx : 0);
    checks.push({
      id: 'hanging-shadow',
      target: `a hanging shadow service raises the primary p99 by ≤ ${TARGET_BOUNDS.hangingP99Rise * 100}% (fixed rate, vs a healthy shadow) and causes no error`,
      measured: `${signedPercent(change)} p99, ${errors} errors`,
      met: Number.isFinite(change) ? change <= TARGET_BOUNDS.hangingP99Rise && errors === 0 : null,
    });
  }
  if (figures.lookup) {
    const sizes = figures.lookup.sizes;
    const worst = Math.max(...figures.lookup.rows.map((entry) => entry.ratio));
    checks.push({
      id: 'lookup-scaling',
      target: `route lookup at ${Math.max(...sizes).toLocaleString('en-US')} routes ≤ ${x(TARGET_BOUNDS.lookupRatio)} the cost at ${Math.min(...sizes)}`,
      measured: `worst ${x(worst)} over ${figures.lookup.rows.length} paths`,
      met: Number.isFinite(worst) ? worst <= TARGET_BOUNDS.lookupRatio : null,
    });
  }
  if (figures.memory) {
    checks.push({
      id: 'memory-bounded',
      target: `proxy RSS ≤ ${TARGET_BOUNDS.rssMb} MB under shadowed 1 MB bodies`,
      measured: `peak ${figures.memory.peakRssMb.toFixed(0)} MB`,
      met: figures.memory.peakRssMb <= TARGET_BOUNDS.rssMb && figures.memory.requests > 0,
    });
  }
  return checks;
}
