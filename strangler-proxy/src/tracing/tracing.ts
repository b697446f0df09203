/**
 * What the proxy asks of tracing, with no OpenTelemetry import: the SDK is loaded only when tracing is
 * configured (`createTracing`), so a proxy without an OTLP endpoint loads none of it and pays one null
 * check per hook (`RequestContext.trace` is null).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import { readTracingSettings } from './tracing-settings.ts';
import { redactUrl } from '../compare/redact-url.ts';

export interface Tracing {
  /** The span of one client request, continuing the request's `traceparent` when it has one. */
  startRequest(method: string, headers: IncomingHttpHeaders): RequestTrace;
  /** Exports what is left (bounded) and stops. */
  close(): Promise<void>;
}

export interface RequestTrace {
  /** Names the span by the route that matched. */
  setRoute(id: string, template: string, stage: string): void;
  /**
   * One upstream attempt (a retry and a fallback are attempts too), a child of the request's span; its
   * `traceparent` replaces the request's in `headers`, which are forwarded.
   */
  attempt(upstream: string, endpoint: string, attempt: number, headers: IncomingHttpHeaders): AttemptTrace;
  /** One mirror, a child of the request's span (sent after it ended); its `traceparent` goes in `headers`. */
  mirror(routeId: string, endpoint: string, headers: OutgoingHttpHeaders): MirrorTrace;
  end(status: number, failure: string | null): void;
}

export interface AttemptTrace {
  end(status: number | null, failure: string | null): void;
}

export interface MirrorTrace {
  /** Ends the mirror's span, and records the comparison as a child span when there was one. */
  end(outcome: MirrorTraceOutcome): void;
}

export type MirrorTraceOutcome =
  | {
      readonly kind: 'compared';
      readonly status: number;
      readonly verdict: string;
      readonly differences: number;
    }
  | { readonly kind: 'failed'; readonly failure: string }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * Tracing as the OTEL_* variables configure it, or null when they do not (nothing is loaded). A setting
 * the proxy cannot use is logged and tracing stays off: it must never stop the proxy.
 */
export async function createTracing(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<Tracing | null> {
  const read = readTracingSettings(env);
  if (!read.ok) {
    logger.error({ problem: read.problem }, 'tracing is off: the OpenTelemetry settings are not usable');
    return null;
  }
  if (read.settings === null) return null;
  const { createOtelTracing } = await import('./otel-tracing.ts');
  logger.info(
    { endpoint: redactUrl(read.settings.url), protocol: read.settings.protocol },
    'tracing to OTLP',
  );
  return createOtelTracing(read.settings);
}
