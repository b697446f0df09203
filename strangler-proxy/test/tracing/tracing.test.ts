/**
 * Traces exported over OTLP/HTTP to a receiver the test runs: the request's span continues the client's
 * traceparent; each upstream attempt (the failed service, then the fallback) and each mirror is its
 * child, the comparison the mirror's child; and each side receives its own span's traceparent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { deadPort, startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = '00f067aa0ba902b7';

let legacy: TestUpstream;
let service: TestUpstream;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let harness: ProxyHarness;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('service');
  receiver = await startOtlpReceiver();
  const dead = await deadPort();
  harness = await startHarness(
    `
version: 1
legacy: ${legacy.url}
services:
  svc: ${service.url}
  gone: { url: ${dead}, retry: { attempts: 0 } }
routes:
  - { id: mirrored, path: /mirrored, service: svc, stage: shadow, shadow: { noiseSample: 0 } }
  - { id: guarded, path: /guarded, service: gone, stage: migrated, fallback: legacy }
`,
    {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'edge-proxy',
      },
    },
  );
  const traceparent = (trace: string) => ({ traceparent: `00-${trace}-${CLIENT_SPAN}-01` });
  expect((await fetch(`${harness.proxy.url}/mirrored/1`, { headers: traceparent(TRACE_A) })).status).toBe(
    200,
  );
  await harness.proxy.mirror.idle();
  expect((await fetch(`${harness.proxy.url}/guarded/1`, { headers: traceparent(TRACE_B) })).status).toBe(200);
  // Closing the proxy exports what is left.
  await harness.close();
});
afterAll(async () => {
  await harness.close();
  await Promise.all([legacy.close(), service.close(), receiver.close()]);
});

const only = (trace: string, name: string): ReceivedSpan => {
  const found = receiver.spans.filter((span) => span.traceId === trace && span.name === name);
  expect(found, `${name} in ${trace}`).toHaveLength(1);
  return found[0]!;
};
const sentTraceparent = (upstream: TestUpstream, url: string) =>
  upstream.received.find((request) => request.url === url)?.headers.traceparent;

describe('tracing to an OTLP receiver', () => {
  it('exports to /v1/traces under the configured service name', () => {
    expect(receiver.paths.every((path) => path === '/v1/traces')).toBe(true);
    expect(new Set(receiver.spans.map((span) => span.serviceName))).toEqual(new Set(['edge-proxy']));
  });

  it('a request, its attempt, its mirror and the comparison, linked, and each side told its own parent', () => {
    const request = only(TRACE_A, 'GET /mirrored');
    expect(request).toMatchObject({ parentSpanId: CLIENT_SPAN, kind: 2 });
    expect(request.attributes).toMatchObject({
      'strangler.route': 'mirrored',
      'http.response.status_code': 200,
    });

    const attempt = only(TRACE_A, 'upstream legacy');
    expect(attempt).toMatchObject({ parentSpanId: request.spanId, kind: 3 });
    expect(sentTraceparent(legacy, '/mirrored/1')).toBe(`00-${TRACE_A}-${attempt.spanId}-01`);

    const mirror = only(TRACE_A, 'mirror mirrored');
    expect(mirror).toMatchObject({ parentSpanId: request.spanId, kind: 3 });
    expect(sentTraceparent(service, '/mirrored/1')).toBe(`00-${TRACE_A}-${mirror.spanId}-01`);

    const comparison = only(TRACE_A, 'compare mirrored');
    expect(comparison.parentSpanId).toBe(mirror.spanId);
    expect(comparison.attributes['strangler.verdict']).toBe('mismatch');
  });

  it('a failed attempt and the fallback are two child spans of the request', () => {
    const request = only(TRACE_B, 'GET /guarded');
    const failed = only(TRACE_B, 'upstream gone');
    const fallback = only(TRACE_B, 'upstream legacy');
    expect(failed).toMatchObject({ parentSpanId: request.spanId, statusCode: 2 });
    expect(failed.attributes['error.type']).toBe('connection_refused');
    expect(fallback.parentSpanId).toBe(request.spanId);
    expect(sentTraceparent(legacy, '/guarded/1')).toBe(`00-${TRACE_B}-${fallback.spanId}-01`);
  });
});
