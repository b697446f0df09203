/**
 * Open-loop load at a fixed rate, for honest added latency (what wrk2 does; wrk2 is not packaged).
 *
 * Why not autocannon's `overallRate`: it lets each connection send back to back until its per-second
 * quota is used, then waits for the next second, so the load arrives in bursts at the start of every
 * second and latency is measured under a momentary overload; its histogram also has 1 ms resolution.
 *
 * Here one request is scheduled every 1/rate s on a keep-alive pool, sent when due whatever happened
 * to the previous ones, and timed to the microsecond from the moment it is sent to the end of its
 * response. Its lateness against the schedule is reported too, so a pacer that could not keep up
 * (a saturated machine) shows instead of hiding.
 */
import { Agent, request } from 'node:http';
import { percentile } from './stats.ts';

export interface PacedOptions {
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
  readonly durationSec: number;
  readonly timeoutMs?: number;
}

export interface PacedResult {
  readonly rate: number;
  readonly durationSec: number;
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** p99 measured from the scheduled time (includes the pacer's own lateness), as wrk2 reports. */
  readonly p99FromScheduleMs: number;
  /** Share of requests sent more than 1 ms after their scheduled time. */
  readonly lateShare: number;
}

export function runPaced(options: PacedOptions): Promise<PacedResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.max(1, Math.round(options.rate * options.durationSec));
  const interval = 1000 / options.rate;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fromSend = new Float64Array(total);
  const fromSchedule = new Float64Array(total);
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let non2xx = 0;
  let late = 0;
  let settled = 0;

  return new Promise((resolve) => {
    const start = performance.now();
    const finish = () => {
      agent.destroy();
      const measured = fromSend.slice(0, completed).sort();
      const scheduled = fromSchedule.slice(0, completed).sort();
      resolve({
        rate: options.rate,
        durationSec: (performance.now() - start) / 1000,
        sent,
        completed,
        errors,
        non2xx,
        p50Ms: percentile(measured, 0.5),
        p90Ms: percentile(measured, 0.9),
        p99Ms: percentile(measured, 0.99),
        maxMs: completed > 0 ? (measured[completed - 1] ?? 0) : 0,
        p99FromScheduleMs: percentile(scheduled, 0.99),
        lateShare: sent > 0 ? late / sent : 0,
      });
    };
    const done = () => {
      settled++;
      if (settled === total) finish();
    };
    const send = (scheduledAt: number) => {
      const sentAt = performance.now();
      if (sentAt - scheduledAt > 1) late++;
      let over = false;
      const failed = () => {
        if (over) return;
        over = true;
        errors++;
        done();
      };
      const outgoing = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET' },
        (response) => {
          const status = response.statusCode ?? 0;
          response.on('data', () => undefined);
          response.once('end', () => {
            if (over) return;
            over = true;
            const now = performance.now();
            fromSend[completed] = now - sentAt;
            fromSchedule[completed] = now - scheduledAt;
            completed++;
            if (status < 200 || status > 299) non2xx++;
            done();
          });
          response.once('error', failed);
        },
      );
      outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error('timeout')));
      outgoing.once('error', failed);
      outgoing.end();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) {
        send(start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now() - 0.5));
    };
    tick();
  });
}
