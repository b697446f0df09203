/**
 * Where JSON log lines go by default: sonic-boom's asynchronous writes to a file or stdout, with the lines
 * gathered in front of it and handed over together.
 *
 * sonic-boom measures the UTF-8 length of the string it is still gathering at every write, and that string
 * grows line by line up to 16 KiB: at one access-log line per request, that measuring was the largest part
 * of the line's cost. Here a line is only pushed on a list; the list is joined and handed over once 4 KiB
 * have gathered, every 100 ms, and before the process exits. Every line, pino's own included, passes
 * through the same list, so lines keep their order; at exit, a batch that sonic-boom is still writing
 * asynchronously may land after the lines its synchronous flush writes then.
 *
 * A destination that takes nothing (a pipe nobody reads) must cost neither memory nor the exit: what
 * waits is bounded, lines past the bound are dropped and counted (one line says how many once the
 * destination takes lines again), a full pipe is tried again by the periodic hand-over rather than by a
 * timer of sonic-boom's that would keep the process alive, and the flush at exit gives up after a while.
 */
import { openSync } from 'node:fs';
import sonicBoom from 'sonic-boom';

/** Lines are held until 4 KiB or 100 ms have gathered. */
export const LOG_FLUSH_INTERVAL_MS = 100;
const HAND_OVER_AT = 4096;
/** Bytes that may wait for the destination; lines past them are dropped and counted. */
export const MAX_WAITING_BYTES = 1_048_576;
/** How long the flush at exit keeps trying a destination that takes nothing. */
const EXIT_FLUSH_MS = 500;

export interface GatheredDestination {
  write(line: string): boolean;
  /** Hands over what was gathered and asks sonic-boom to write it (pino's `logger.flush`). */
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  /** Lines dropped so far because the destination did not take them (or is gone). */
  readonly droppedLines: number;
}

export interface GatheredDestinationOptions {
  /** Told, once the destination takes lines again, how many were dropped since it was last told. */
  readonly onDropsEnded?: (dropped: number) => void;
}

/** Every gatherer's hand-over, when the event loop runs out of work. */
const beforeExit = new Set<() => void>();
/** Every gatherer's synchronous (bounded) flush, at exit. */
const atExit = new Set<() => void>();
let exitHooked = false;

function handOverAll(): void {
  for (const handOver of beforeExit) handOver();
}

function flushAllAtExit(): void {
  for (const flush of atExit) flush();
}

const countLines = (text: string): number => text.split('\n').length - 1;

export function createGatheredDestination(
  file: number | string,
  options: GatheredDestinationOptions = {},
): GatheredDestination {
  // A path is opened here, at once: sonic-boom would open it asynchronously, and could not write at an
  // early exit.
  const fd = typeof file === 'string' ? openSync(file, 'a') : file;
  // Opening the process's own stream puts a pipe in non-blocking mode (libuv does): a full pipe then fails
  // a write at once (EAGAIN) instead of holding a thread-pool thread, and the exit, until someone reads.
  if (fd === 1) void process.stdout;
  if (fd === 2) void process.stderr;
  let exitDeadline = Number.NEGATIVE_INFINITY;
  // A CommonJS module whose class Node cannot see as a named export; its types see it only as one.
  const sonic = new sonicBoom.SonicBoom({
    fd,
    sync: false,
    minLength: HAND_OVER_AT,
    maxLength: MAX_WAITING_BYTES,
    // Asynchronous writes never wait for a full pipe on sonic-boom's own (unref-less) timer: the attempt
    // fails, and the periodic hand-over tries again. Only the flush at exit waits, and not for long.
    retryEAGAIN: () => performance.now() < exitDeadline,
  });
  // `_len`: bytes waiting (sonic-boom's own field); an empty flush would still cost a write.
  const state = sonic as unknown as { _len?: number; _writing?: boolean; destroyed?: boolean };
  let gathered: string[] = [];
  let length = 0;
  let gone = false;
  let dropped = 0;
  let untold = 0;
  const drop = (lines: number) => {
    dropped += lines;
    untold += lines;
  };
  sonic.on('drop', (text: string) => drop(countLines(text)));
  sonic.on('error', (error: NodeJS.ErrnoException) => {
    // A full pipe: what waits stays, bounded, and is tried again. Anything else (a broken pipe, a closed
    // descriptor) means the destination is gone: its lines are dropped and counted from now on.
    if (error.code !== 'EAGAIN' && error.code !== 'EBUSY') gone = true;
  });
  sonic.on('write', () => {
    if (untold === 0 || !options.onDropsEnded) return;
    const told = untold;
    untold = 0;
    options.onDropsEnded(told);
  });
  const writable = () => !gone && state.destroyed !== true;

  const handOver = () => {
    if (gathered.length === 0) return;
    const text = gathered.length === 1 ? (gathered[0] as string) : gathered.join('');
    gathered = [];
    length = 0;
    // A destination that is gone (closed, or a broken pipe) takes nothing: the lines are dropped, not held.
    if (writable()) sonic.write(text);
    else drop(countLines(text));
  };

  /** Writes what waits, giving a destination that takes nothing `EXIT_FLUSH_MS` at most. */
  const flushBounded = () => {
    handOver();
    if (!writable() || state._len === 0) return;
    exitDeadline = performance.now() + EXIT_FLUSH_MS;
    try {
      sonic.flushSync();
    } catch {
      // What could not be written in time is left behind: the exit does not wait for a reader.
    } finally {
      exitDeadline = Number.NEGATIVE_INFINITY;
    }
  };

  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushAllAtExit);
    process.on('beforeExit', handOverAll);
  }
  beforeExit.add(handOver);
  atExit.add(flushBounded);

  setInterval(() => {
    handOver();
    if (state._len !== 0 && state._writing !== true && writable()) sonic.flush();
  }, LOG_FLUSH_INTERVAL_MS).unref();

  return {
    write(line) {
      gathered.push(line);
      length += line.length;
      if (length >= HAND_OVER_AT) handOver();
      return true;
    },
    flush(callback) {
      handOver();
      if (writable()) sonic.flush(callback);
      else callback?.();
    },
    flushSync: flushBounded,
    get droppedLines() {
      return dropped;
    },
  };
}
