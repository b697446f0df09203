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
 *
 * The requests go out pre-encoded on plain sockets, one at a time per connection, and the answers are
 * framed by `response-framer.ts`, as wrk does: node:http's client (agent, ClientRequest, parser) spent
 * 204–252 µs of the bench process's CPU per request at 1,000 req/s here, this pacer 117–159, and that CPU
 * comes out of the same two cores as the servers under test. The pacer's own CPU per request is reported.
 */
import { connect, type Socket } from 'node:net';
import { FramingError, ResponseFramer, type FramedResponse } from './response-framer.ts';
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
  /** The pacer's own CPU time per request (its whole process: it runs in the bench's). */
  readonly pacerCpuUsPerReq: number;
  /** Connections the pacer opened. */
  readonly connections: number;
}

/** Connections the pacer keeps at most; past it, due requests wait for one to be free. */
const MAX_CONNECTIONS = 256;

export function runPaced(options: PacedOptions): Promise<PacedResult> {
  const url = new URL(options.url);
  const port = Number(url.port || 80);
  const requestBytes = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: strangler-bench-pacer\r\n\r\n`,
    'latin1',
  );
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
  let opened = 0;

  /** One connection with at most one request on it (no pipelining: each answer's time is its own). */
  interface Connection {
    readonly socket: Socket;
    readonly framer: ResponseFramer;
    exchange: { readonly sentAt: number; readonly scheduledAt: number } | null;
    /** The server ended its side: the answer it framed by closing is the connection's last. */
    ended: boolean;
    closed: boolean;
  }
  const idle: Connection[] = [];
  const live = new Set<Connection>();
  /** Scheduled times of requests due while every connection was busy. */
  const waiting: number[] = [];

  return new Promise((resolve) => {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const finish = () => {
      clearInterval(sweeper);
      for (const connection of live) connection.socket.destroy();
      const cpu = process.cpuUsage(cpuBefore);
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
        pacerCpuUsPerReq: sent > 0 ? (cpu.user + cpu.system) / sent : 0,
        connections: opened,
      });
    };
    const settle = () => {
      settled++;
      if (settled === total) finish();
    };
    const release = (connection: Connection) => {
      const next = waiting.shift();
      if (next === undefined) idle.push(connection);
      else write(connection, next);
    };
    const answered = (connection: Connection, response: FramedResponse) => {
      const exchange = connection.exchange;
      if (!exchange) throw new FramingError('an answer to no request');
      connection.exchange = null;
      const now = performance.now();
      fromSend[completed] = now - exchange.sentAt;
      fromSchedule[completed] = now - exchange.scheduledAt;
      completed++;
      if (response.status < 200 || response.status > 299) non2xx++;
      if (response.closes || connection.ended) close(connection);
      else release(connection);
      settle();
    };
    const close = (connection: Connection, error?: Error) => {
      if (connection.closed) return;
      connection.closed = true;
      live.delete(connection);
      const index = idle.indexOf(connection);
      if (index >= 0) idle.splice(index, 1);
      connection.socket.destroy(error);
      if (connection.exchange) {
        connection.exchange = null;
        errors++;
        settle();
      }
    };
    const open = (): Connection => {
      opened++;
      const socket = connect({ host: url.hostname, port, noDelay: true });
      const connection: Connection = {
        socket,
        framer: new ResponseFramer((response) => answered(connection, response)),
        exchange: null,
        ended: false,
        closed: false,
      };
      live.add(connection);
      socket.on('data', (chunk: Buffer) => {
        try {
          connection.framer.push(chunk);
        } catch (error) {
          close(connection, error as Error);
        }
      });
      socket.on('end', () => {
        connection.ended = true;
        connection.framer.end();
        close(connection);
      });
      socket.on('error', () => close(connection));
      socket.on('close', () => close(connection));
      return connection;
    };
    const write = (connection: Connection, scheduledAt: number) => {
      const sentAt = performance.now();
      if (sentAt - scheduledAt > 1) late++;
      connection.exchange = { sentAt, scheduledAt };
      connection.socket.write(requestBytes);
    };
    const send = (scheduledAt: number) => {
      const connection = idle.pop() ?? (live.size < MAX_CONNECTIONS ? open() : null);
      if (connection) write(connection, scheduledAt);
      else waiting.push(scheduledAt);
    };
    // One timer for every request's deadline, instead of one per request.
    const sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const connection of live) {
          if (connection.exchange && now - connection.exchange.sentAt > timeoutMs)
            close(connection, new Error('timeout'));
        }
        while (waiting.length > 0 && now - (waiting[0] ?? now) > timeoutMs) {
          waiting.shift();
          errors++;
          settle();
        }
      },
      Math.min(100, timeoutMs),
    );
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
