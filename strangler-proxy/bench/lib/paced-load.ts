/**
 * Open-loop load at a fixed rate, for honest added latency (what wrk2 does; wrk2 is not packaged).
 *
 * Why not autocannon's `overallRate`: it lets each connection send back to back until its per-second
 * quota is used, then waits for the next second, so the load arrives in bursts and latency is measured
 * under a momentary overload; its histogram also has 1 ms resolution.
 *
 * Here one request is scheduled every 1/rate s on a keep-alive pool, sent when due whatever happened
 * to the previous ones, and timed from the moment it is sent to the end of its response. The requests go
 * out pre-encoded on plain sockets and the answers are framed by `response-framer.ts`, as wrk does:
 * node:http's client costs the bench's own process much more CPU per request, and that CPU comes out of
 * the cores the servers under test share.
 */
import { connect, type Socket } from 'node:net';
import { FramingError, ResponseFramer, type FramedResponse } from './response-framer.ts';
import { percentile } from './stats.ts';

export interface PacedOptions {
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
  /** The measured window. */
  readonly durationSec: number;
  /**
   * Sent at the same rate just before the measured window, on the same connections, and reported apart
   * (`leadIn`): the pacer's connections and the server's pooled ones are open and in use when the
   * measured requests start, as wrk and wrk2 do with their calibration period.
   */
  readonly leadInSec?: number;
  readonly timeoutMs?: number;
}

/** The lead-in's own figures: its requests are not in the measured percentiles. */
export interface LeadInResult {
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The measured window's figures, and the lead-in's apart. */
export interface PacedResult {
  readonly rate: number;
  readonly durationSec: number;
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Connections the pacer opened, lead-in included. */
  readonly connections: number;
  readonly leadIn: LeadInResult;
}

/** Connections the pacer keeps at most; past it, due requests wait for one to be free. */
const MAX_CONNECTIONS = 256;

/** What one window (lead-in or measured) saw. */
interface Tally {
  readonly fromSend: Float64Array;
  /** Scheduled (sent, or waiting for a free connection). */
  sent: number;
  completed: number;
  errors: number;
  non2xx: number;
}

/** A window's answer times from send, sorted, with its slowest. */
function sortedTimes(window: Tally): { readonly times: Float64Array; readonly maxMs: number } {
  const times = window.fromSend.slice(0, window.completed).sort();
  return { times, maxMs: times[times.length - 1] ?? 0 };
}

function tally(capacity: number): Tally {
  return {
    fromSend: new Float64Array(capacity),
    sent: 0,
    completed: 0,
    errors: 0,
    non2xx: 0,
  };
}

export function runPaced(options: PacedOptions): Promise<PacedResult> {
  const url = new URL(options.url);
  const port = Number(url.port || 80);
  const requestBytes = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: strangler-bench-pacer\r\n\r\n`,
    'latin1',
  );
  const leadInCount = Math.max(0, Math.round(options.rate * (options.leadInSec ?? 0)));
  const measuredCount = Math.max(1, Math.round(options.rate * options.durationSec));
  const total = leadInCount + measuredCount;
  const interval = 1000 / options.rate;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leadIn = tally(leadInCount);
  const measured = tally(measuredCount);
  /** Requests are numbered in schedule order; the first `leadInCount` are the lead-in's. */
  const windowOf = (index: number): Tally => (index < leadInCount ? leadIn : measured);
  let scheduled = 0;
  let settled = 0;
  let opened = 0;

  /** One connection with at most one request on it (no pipelining: each answer's time is its own). */
  interface Connection {
    readonly socket: Socket;
    readonly framer: ResponseFramer;
    /** The request on the connection: when it was sent, and its number in the schedule. */
    exchange: { readonly sentAt: number; readonly index: number } | null;
    /** The server ended its side: the answer it framed by closing is the connection's last. */
    ended: boolean;
    closed: boolean;
  }
  const idle: Connection[] = [];
  const live = new Set<Connection>();
  /** Numbers of the requests due while every connection was busy. */
  const waiting: number[] = [];

  return new Promise((resolve) => {
    const start = performance.now();
    const scheduledAt = (index: number) => start + index * interval;
    const measuredFrom = scheduledAt(leadInCount);
    const finish = () => {
      clearInterval(sweeper);
      for (const connection of live) connection.socket.destroy();
      const { completed } = measured;
      const fromSend = sortedTimes(measured);
      const leadInTimes = sortedTimes(leadIn);
      resolve({
        rate: options.rate,
        durationSec: (performance.now() - measuredFrom) / 1000,
        sent: measured.sent,
        completed,
        errors: measured.errors,
        non2xx: measured.non2xx,
        p50Ms: percentile(fromSend.times, 0.5),
        p99Ms: percentile(fromSend.times, 0.99),
        maxMs: fromSend.maxMs,
        connections: opened,
        leadIn: {
          sent: leadIn.sent,
          completed: leadIn.completed,
          errors: leadIn.errors,
          non2xx: leadIn.non2xx,
          p99Ms: percentile(leadInTimes.times, 0.99),
          maxMs: leadInTimes.maxMs,
        },
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
      const window = windowOf(exchange.index);
      window.fromSend[window.completed] = now - exchange.sentAt;
      window.completed++;
      if (response.status < 200 || response.status > 299) window.non2xx++;
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
        windowOf(connection.exchange.index).errors++;
        connection.exchange = null;
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
    const write = (connection: Connection, index: number) => {
      connection.exchange = { sentAt: performance.now(), index };
      connection.socket.write(requestBytes);
    };
    const send = (index: number) => {
      const connection = idle.pop() ?? (live.size < MAX_CONNECTIONS ? open() : null);
      if (connection) write(connection, index);
      else waiting.push(index);
    };
    // One timer for every request's deadline, instead of one per request.
    const sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const connection of live) {
          if (connection.exchange && now - connection.exchange.sentAt > timeoutMs)
            close(connection, new Error('timeout'));
        }
        while (waiting.length > 0 && now - scheduledAt(waiting[0] ?? scheduled) > timeoutMs) {
          windowOf(waiting.shift() ?? 0).errors++;
          settle();
        }
      },
      Math.min(100, timeoutMs),
    );
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (scheduled < due) {
        windowOf(scheduled).sent++;
        send(scheduled);
        scheduled++;
      }
      if (scheduled < total) setTimeout(tick, Math.max(0, scheduledAt(scheduled) - performance.now() - 0.5));
    };
    tick();
  });
}
