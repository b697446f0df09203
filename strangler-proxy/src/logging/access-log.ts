/**
 * One line per served request. The line is the one `logger.info(entry, 'request')` would write, built
 * here from its fixed fields when the logger writes plain JSON lines (production): pino's generic
 * serialiser and a new ISO timestamp per line were the largest share of the proxy's own per-request CPU.
 * Any other logger (pretty output, tests' own loggers) gets `logger.info`.
 */
import { plainJsonStream, type Logger } from './logger.ts';

export interface AccessEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
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
  let cachedAt = 0;
  let cachedTime = '';
  return (entry) => {
    if (logger.levelVal > INFO) return;
    const now = Date.now();
    if (now !== cachedAt) {
      cachedAt = now;
      cachedTime = new Date(now).toISOString();
    }
    stream.write(
      `{"level":30,"time":"${cachedTime}","requestId":${JSON.stringify(entry.requestId)}` +
        `,"method":${JSON.stringify(entry.method)},"path":${JSON.stringify(entry.path)}` +
        `,"route":${JSON.stringify(entry.route)},"upstream":${JSON.stringify(entry.upstream)}` +
        `,"status":${entry.status},"durationMs":${entry.durationMs},"msg":"request"}\n`,
    );
  };
}
