/**
 * Structured JSON logs (pino). In a terminal the CLI pipes them through pino-pretty for reading; piped
 * or in production they stay one JSON object per line.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Human-readable output (pino-pretty) instead of JSON lines. */
  readonly pretty?: boolean;
  readonly destination?: NodeJS.WritableStream;
  /** Where JSON lines go when no destination is given: a file descriptor or a path (default: stdout). */
  readonly file?: number | string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (options.pretty) {
    return pino({
      level,
      base: undefined,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  const destination = options.destination ?? batchedDestination(options.file ?? 1);
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  plainJsonLoggers.set(logger, destination);
  return logger;
}

/** Lines are held until 4 KiB or 100 ms have gathered (see {@link batchedDestination}). */
export const LOG_FLUSH_INTERVAL_MS = 100;

/**
 * Asynchronous writes, gathered: at a moderate rate, one write per line cost each request a trip through
 * libuv's thread pool and an extra wake-up of the event loop (the largest share of the proxy's CPU per
 * request at 1,000 req/s). Up to 4 KiB are written together, and never later than 100 ms, so a terminal
 * following the log still sees each line at once to the eye; pino flushes what is left when the process
 * exits.
 */
function batchedDestination(file: number | string): NodeJS.WritableStream {
  const destination = pino.destination({ dest: file, sync: false, minLength: 4096 });
  // `_len`: bytes waiting (sonic-boom's own field); an empty flush would still cost a write.
  const state = destination as unknown as { _len?: number; destroyed?: boolean };
  setInterval(() => {
    if (state._len !== 0 && state.destroyed !== true) destination.flush();
  }, LOG_FLUSH_INTERVAL_MS).unref();
  // A SonicBoom; its type lacks `writable` but pino takes it.
  return destination as unknown as NodeJS.WritableStream;
}

/**
 * Loggers made here that write plain JSON lines (no bindings, mixins, hooks or transport) straight to a
 * stream: the access log may write its lines to that stream itself (`access-log.ts`).
 */
const plainJsonLoggers = new WeakMap<Logger, LineStream>();

export interface LineStream {
  write(line: string): unknown;
}

export function plainJsonStream(logger: Logger): LineStream | undefined {
  return plainJsonLoggers.get(logger);
}

/** A logger that drops everything: for tests and for library use without logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
