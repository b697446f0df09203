/**
 * Tracing with the OpenTelemetry JS SDK, exported over OTLP/HTTP. Loaded only when tracing is configured
 * (`tracing.ts`). The provider is the proxy's own, never registered globally: several proxies may share
 * a process, and the proxy passes each span's parent explicitly (no context manager, no async hooks).
 *
 * A span per client request (kind server), per upstream attempt (client, its child), per mirror (client,
 * a child of the request) and per comparison (internal, a child of its mirror). The W3C `traceparent` of
 * the request is continued, and each attempt's and mirror's own goes upstream.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { AttemptTrace, MirrorTrace, RequestTrace, Tracing } from './tracing.ts';
import type { TracingSettings } from './tracing-settings.ts';

/** How long closing waits for the last spans to be exported. */
const CLOSE_TIMEOUT_MS = 2_000;

const propagator = new W3CTraceContextPropagator();

const getter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const setter: TextMapSetter<IncomingHttpHeaders | OutgoingHttpHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

export function createOtelTracing(settings: TracingSettings): Tracing {
  const exporterOptions = {
    url: settings.url,
    headers: { ...settings.headers },
    timeoutMillis: CLOSE_TIMEOUT_MS,
  };
  const exporter: SpanExporter =
    settings.protocol === 'http/json'
      ? new OtlpJsonExporter(exporterOptions)
      : new OtlpProtobufExporter(exporterOptions);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: samplerFor(settings),
    // A collector that is away loses spans (the queue is bounded), never the proxy's memory or time.
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        maxQueueSize: 2_048,
        exportTimeoutMillis: CLOSE_TIMEOUT_MS,
      }),
    ],
  });
  const tracer = provider.getTracer('strangler-proxy');

  return {
    startRequest(method, headers) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, getter);
      const span = tracer.startSpan(
        method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } },
        parent,
      );
      return requestTrace(tracer, span, method);
    },
    async close() {
      await provider.shutdown().catch(() => undefined);
    },
  };
}

function requestTrace(tracer: Tracer, span: Span, method: string): RequestTrace {
  const context: Context = trace.setSpan(ROOT_CONTEXT, span);
  return {
    setRoute(id, template, stage) {
      span.updateName(`${method} ${template}`);
      span.setAttributes({ 'http.route': template, 'strangler.route': id, 'strangler.stage': stage });
    },
    attempt(upstream, endpoint, attempt, headers): AttemptTrace {
      const child = tracer.startSpan(
        `upstream ${upstream}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'strangler.upstream': upstream, 'url.full': endpoint, 'strangler.attempt': attempt },
        },
        context,
      );
      propagator.inject(trace.setSpan(ROOT_CONTEXT, child), headers, setter);
      return {
        end(status, failure) {
          if (status !== null) child.setAttribute('http.response.status_code', status);
          if (failure !== null) {
            child.setAttribute('error.type', failure);
            child.setStatus({ code: SpanStatusCode.ERROR, message: failure });
          }
          child.end();
        },
      };
    },
    mirror(routeId, endpoint, headers): MirrorTrace {
      const child = tracer.startSpan(
        `mirror ${routeId}`,
        { kind: SpanKind.CLIENT, attributes: { 'strangler.route': routeId, 'url.full': endpoint } },
        context,
      );
      const mirrorContext = trace.setSpan(ROOT_CONTEXT, child);
      propagator.inject(mirrorContext, headers, setter);
      return {
        end(outcome) {
          if (outcome.kind === 'compared') {
            child.setAttribute('http.response.status_code', outcome.status);
            tracer
              .startSpan(
                `compare ${routeId}`,
                {
                  kind: SpanKind.INTERNAL,
                  attributes: {
                    'strangler.route': routeId,
                    'strangler.verdict': outcome.verdict,
                    'strangler.differences': outcome.differences,
                  },
                },
                mirrorContext,
              )
              .end();
          } else if (outcome.kind === 'failed') {
            child.setAttribute('error.type', outcome.failure);
            child.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure });
          } else {
            child.setAttribute('strangler.skipped', outcome.reason);
          }
          child.end();
        },
      };
    },
    end(status, failure) {
      span.setAttribute('http.response.status_code', status);
      if (failure !== null) span.setAttribute('error.type', failure);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

function samplerFor(settings: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.samplerArg);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
