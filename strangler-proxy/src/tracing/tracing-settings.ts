/**
 * Whether the proxy traces, read from the standard OpenTelemetry variables (no routes.yaml key: an
 * operator's platform sets these for every process alike). Tracing is on when an OTLP endpoint is given
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`), unless
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER` names something other than `otlp`.
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  /** `OTEL_TRACES_SAMPLER` and its argument; the SDK's default is parentbased_always_on. */
  readonly sampler: string;
  readonly samplerArg: number;
}

export type TracingSettingsResult =
  | { readonly ok: true; readonly settings: TracingSettings | null }
  | { readonly ok: false; readonly problem: string };

type Env = Readonly<Record<string, string | undefined>>;

const SAMPLERS = new Set([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
]);

export function readTracingSettings(env: Env): TracingSettingsResult {
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!signal && !base) return { ok: true, settings: null };
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { ok: true, settings: null };
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter !== undefined && exporter !== '' && exporter !== 'otlp') return { ok: true, settings: null };

  const url = signal || `${(base ?? '').replace(/\/+$/, '')}/v1/traces`;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    return { ok: false, problem: `the OTLP traces endpoint is not an http(s) URL: ${url}` };
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL ||
    'http/protobuf'
  ).trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    return { ok: false, problem: `OTLP protocol ${protocol} is not supported (http/protobuf or http/json)` };
  const sampler = (env.OTEL_TRACES_SAMPLER || 'parentbased_always_on').trim().toLowerCase();
  if (!SAMPLERS.has(sampler)) return { ok: false, problem: `unknown OTEL_TRACES_SAMPLER ${sampler}` };
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  return {
    ok: true,
    settings: {
      url,
      protocol,
      headers: parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS || env.OTEL_EXPORTER_OTLP_HEADERS || ''),
      serviceName: env.OTEL_SERVICE_NAME?.trim() || 'strangler-proxy',
      sampler,
      samplerArg: Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1,
    },
  };
}

/** `key1=value1,key2=value2`, values percent-encoded (the OTLP exporter specification). */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    try {
      headers[name] = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      headers[name] = pair.slice(equals + 1).trim();
    }
  }
  return headers;
}
