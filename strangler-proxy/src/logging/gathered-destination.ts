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
 */
import { openSync } from 'node:fs';
import { pino } from 'pino';

/** Lines are held until 4 KiB or 100 ms have gathered. */
export const LOG_FLUSH_INTERVAL_MS = 100;
const HAND_OVER_AT = 4096;

export interface GatheredDestination {
  write(line: string): boolean;
  /** Hands over what was gathered and asks sonic-boom to write it (pino's `logger.flush`). */
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
}

/** Every gatherer's hand-over, run before pino's own exit hook flushes sonic-boom synchronously. */
const beforeExit = new Set<() => void>();
let exitHooked = false;

function handOverAllAtExit(): void {
  for (const handOver of beforeExit) handOver();
}

export function createGatheredDestination(file: number | string): GatheredDestination {
  // pino registers this stream for a synchronous flush at exit (and a flush at beforeExit). A path is
  // opened here, at once: sonic-boom would open it asynchronously, and could not write at an early exit.
  const fd = typeof file === 'string' ? openSync(file, 'a') : file;
  const sonic = pino.destination({ dest: fd, sync: false, minLength: HAND_OVER_AT });
  // `_len`: bytes waiting (sonic-boom's own field); an empty flush would still cost a write.
  const state = sonic as unknown as { _len?: number; destroyed?: boolean };
  let gathered: string[] = [];
  let length = 0;

  const handOver = () => {
    if (gathered.length === 0) return;
    const text = gathered.length === 1 ? (gathered[0] as string) : gathered.join('');
    gathered = [];
    length = 0;
    // A destination that is gone (closed, or a broken pipe) takes nothing: the lines are dropped, not held.
    if (state.destroyed !== true) sonic.write(text);
  };

  // Prepended, so that they run before pino's hooks, which on-exit-leak-free installs on first use.
  if (!exitHooked) {
    exitHooked = true;
    process.prependListener('exit', handOverAllAtExit);
    process.prependListener('beforeExit', handOverAllAtExit);
  }
  beforeExit.add(handOver);

  setInterval(() => {
    handOver();
    if (state._len !== 0 && state.destroyed !== true) sonic.flush();
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
      sonic.flush(callback);
    },
    flushSync() {
      handOver();
      sonic.flushSync();
    },
  };
}
