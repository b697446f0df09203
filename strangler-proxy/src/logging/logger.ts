/**
 * Structured JSON logs (pino). In a terminal the CLI pipes them through pino-pretty for reading; piped
 * or in production they stay one JSON object per line.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { createGatheredDestination, type GatheredDestination } from './gathered-destination.ts';

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
  const gathered =
    options.destination === undefined
      ? createGatheredDestination(options.file ?? 1, {
          onDropsEnded: (droppedLines) =>
            logger.warn({ droppedLines }, 'log lines were dropped: the log output was not being read'),
        })
      : undefined;
  const destination = options.destination ?? (gathered as GatheredDestination);
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  plainJsonLoggers.set(logger, destination);
  if (gathered) gatheredDestinations.set(logger, gathered);
  return logger;
}

const gatheredDestinations = new WeakMap<Logger, GatheredDestination>();

/** Lines the logger dropped because its output was not read (0 for a logger given its own stream). */
export function droppedLogLines(logger: Logger): number {
  return gatheredDestinations.get(logger)?.droppedLines ?? 0;
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
