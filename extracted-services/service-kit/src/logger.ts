/**
 * JSON logs, one object per line, the same fields in every service so one query finds a request across
 * them. Tests pass `level: 'silent'`.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** Service name, stamped on every line as `service`. */
  readonly name: string;
  readonly level?: LevelWithSilent;
  readonly destination?: NodeJS.WritableStream;
}

/** Creates a pino logger writing JSON lines with ISO timestamps. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that drops everything. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
