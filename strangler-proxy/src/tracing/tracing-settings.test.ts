import { describe, expect, it } from 'vitest';
import { readTracingSettings } from './tracing-settings.ts';

describe('readTracingSettings', () => {
  it('is off without an endpoint, when disabled, or with another exporter', () => {
    expect(readTracingSettings({})).toEqual({ ok: true, settings: null });
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(readTracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toEqual({
      ok: true,
      settings: null,
    });
    expect(readTracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toEqual({
      ok: true,
      settings: null,
    });
  });

  it('appends /v1/traces to the base endpoint, and takes the traces endpoint as it is', () => {
    const base = readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(base).toMatchObject({ ok: true, settings: { url: 'http://collector:4318/v1/traces' } });
    const signal = readTracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom',
    });
    expect(signal).toMatchObject({ ok: true, settings: { url: 'http://collector:4318/custom' } });
  });

  it('reads protocol, headers, service name and sampler, with the standard defaults', () => {
    const read = readTracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b, x-tenant=7',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(read).toEqual({
      ok: true,
      settings: {
        url: 'http://collector:4318/v1/traces',
        protocol: 'http/protobuf',
        headers: { 'api-key': 'a b', 'x-tenant': '7' },
        serviceName: 'strangler-proxy',
        sampler: 'parentbased_traceidratio',
        samplerArg: 0.25,
      },
    });
  });

  it('refuses what it cannot honour: grpc, a bad URL, an unknown sampler', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(readTracingSettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).ok).toBe(false);
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).ok).toBe(false);
    expect(readTracingSettings({ ...endpoint, OTEL_TRACES_SAMPLER: 'sometimes' }).ok).toBe(false);
  });
});
