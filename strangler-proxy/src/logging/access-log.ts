/**
 * One line per served request. The line is the one `logger.info(entry, 'request')` would write, built
 * here from its fixed fields when the logger writes plain JSON lines (production): pino's generic
 * serialiser and a new ISO timestamp per line were the largest share of the proxy's own per-request CPU.
 * Any other logger (pretty output, tests' own loggers) gets `logger.info`.
 */
import { plainJsonStream, type Logger } from './logger.ts';

export interface AccessEntry {
  /** Safe to quote as it is: a client's id only when it matched `[\w.:@/+=-]+`, else a UUID. */
  readonly requestId: string;
  /** Safe to quote as it is: Node's parser accepts only the methods it knows. */
  readonly method: string;
  /** The one field a client shapes freely: escaped. */
  readonly path: string;
  /** Safe to quote as it is: route ids and service names are `[A-Za-z0-9][A-Za-z0-9._-]*` (schema). */
  readonly route: string;
  readonly upstream: string;
  readonly status: number;
  readonly durationMs: number;
}

export type AccessLog = (entry: AccessEntry) => void;

const INFO = 30;

export function createAccessLog(logger: Logger): AccessLog {
  const stream = plainJsonStream(logger);
  if (stream === undefined) return (entry) => logger.info(entry, 'request');
  const isoTime = createIsoClock();
  return (entry) => {
    if (logger.levelVal > INFO) return;
    stream.write(
      `{"level":30,"time":"${isoTime(Date.now())}","requestId":"${entry.requestId}","method":"${entry.method}"` +
        `,"path":${JSON.stringify(entry.path)},"route":"${entry.route}","upstream":"${entry.upstream}"` +
        `,"status":${entry.status},"durationMs":${entry.durationMs},"msg":"request"}\n`,
    );
  };
}

/**
 * `new Date(ms).toISOString()`, formatted once per second and completed with the milliseconds: V8
 * formats a date through printf, which cost more than the rest of the line.
 */
export function createIsoClock(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  let cachedAt = Number.NaN;
  let cached = '';
  return (ms) => {
    if (ms === cachedAt) return cached;
    const start = ms - (ms % 1000);
    if (start !== second) {
      second = start;
      // 'YYYY-MM-DDTHH:MM:SS.'
      prefix = new Date(start).toISOString().slice(0, 20);
    }
    const millis = ms - start;
    cachedAt = ms;
    cached = `${prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
    return cached;
  };
}
