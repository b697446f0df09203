/**
 * `GET /health`: 200 when every dependency check passes, 503 naming the failed ones. A check that hangs
 * counts as failed after a timeout, so the health endpoint itself never hangs.
 */
import type { RequestHandler } from 'express';

/** Resolves when the dependency works; rejects (or hangs) when it does not. */
export type HealthCheck = () => Promise<unknown>;

export interface HealthOptions {
  /** Per check. */
  readonly timeoutMs?: number;
}

/** The health endpoint's body. */
export interface HealthReport {
  readonly status: 'ok' | 'failing';
  readonly checks: Readonly<Record<string, 'ok' | 'failing'>>;
}

function withTimeout(check: HealthCheck, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check in parallel and reports each by name. */
export async function runHealthChecks(
  checks: Readonly<Record<string, HealthCheck>>,
  options: HealthOptions = {},
): Promise<HealthReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(
    names.map((name) => withTimeout(checks[name] ?? (() => Promise.resolve()), options.timeoutMs ?? 2_000)),
  );
  const results: Record<string, 'ok' | 'failing'> = {};
  names.forEach((name, i) => {
    results[name] = outcomes[i]?.status === 'fulfilled' ? 'ok' : 'failing';
  });
  const failing = Object.values(results).includes('failing');
  return { status: failing ? 'failing' : 'ok', checks: results };
}

/** The `/health` route handler. */
export function createHealthHandler(
  checks: Readonly<Record<string, HealthCheck>>,
  options: HealthOptions = {},
): RequestHandler {
  return async (_req, res) => {
    const report = await runHealthChecks(checks, options);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  };
}
