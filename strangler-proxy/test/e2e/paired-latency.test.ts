/**
 * Latency compared on the same requests, through the real proxy, real upstreams and a real SQLite store:
 * twin servers (one tiny server started twice) pass the latency gate; a service that holds each answer
 * back by a fixed delay fails it, with its figures. The delay is the service's own doing (the system
 * under test); the test itself waits for nothing but the mirrors to settle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordedProxy, type RecordedProxy } from '../support/recorded-proxy.ts';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';

/**
 * Far above what a loaded machine adds to one side (the mirror is timed on another thread, after the
 * primary answered), far under the planted delay.
 */
const FLOOR_MS = 250;
const PLANTED_DELAY_MS = 1_000;
const PAIRS = 30;

const tiny: UpstreamHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};
const heldBack: UpstreamHandler = (req, res) => {
  setTimeout(() => tiny(req, res, Buffer.alloc(0)), PLANTED_DELAY_MS);
};

const routesYaml = (legacy: string, service: string) => `version: 1
legacy: ${legacy}
services:
  twin: ${service}
routes:
  - id: twins
    path: /api/twins
    service: twin
    stage: shadow
    plan:
      gate: { minCompared: ${PAIRS}, maxMismatchRate: 0.2, maxErrorRate: 0.2, maxLatencyIncreaseMs: ${FLOOR_MS} }
`;

interface CheckedRoute {
  readonly decision?: { readonly verdict: string };
  readonly conditions: readonly { name: string; ok: boolean; actual: number | null; message: string }[];
}

let running: { legacy: TestUpstream; service: TestUpstream; recorded: RecordedProxy } | undefined;
afterEach(async () => {
  await running?.recorded.close();
  await running?.legacy.close();
  await running?.service.close();
  running = undefined;
});

async function checkWith(serviceHandler: UpstreamHandler) {
  const legacy = await startTestUpstream('legacy', tiny);
  const service = await startTestUpstream('service', serviceHandler);
  const recorded = await startRecordedProxy(routesYaml(legacy.url, service.url));
  running = { legacy, service, recorded };
  await recorded.traffic('/api/twins', PAIRS);
  const check = await recorded.cli(['check', '--json']);
  const route = (JSON.parse(check.stdout) as { routes: CheckedRoute[] }).routes[0]!;
  const latency = route.conditions.find((condition) => condition.name === 'latency_difference');
  const report = await recorded.cli(['report', '--format', 'json']);
  const entry = (JSON.parse(report.stdout) as { routes: { pairedLatency: unknown; decision: unknown }[] })
    .routes[0]!;
  return { check, latency, entry };
}

describe('paired latency', () => {
  it('passes twin servers on the same requests', async () => {
    const { check, latency, entry } = await checkWith(tiny);
    expect(latency).toMatchObject({ ok: true });
    expect(latency?.message).toContain(`(sign test, ${PAIRS} pairs)`);
    expect(entry).toMatchObject({ pairedLatency: { pairs: PAIRS }, decision: { verdict: 'ready' } });
    expect(check.code).toBe(0);
  });

  it('fails a service that adds a fixed delay, with its figures', async () => {
    const { check, latency, entry } = await checkWith(heldBack);
    expect(latency).toMatchObject({ ok: false });
    expect(latency!.actual).toBeGreaterThan(PLANTED_DELAY_MS * 0.9);
    expect(latency?.message).toMatch(
      new RegExp(
        `^service − legacy latency on the same requests: median \\+\\d+(\\.\\d)? ms, 95% upper bound \\+\\d+(\\.\\d)? ms \\(sign test, ${PAIRS} pairs\\) > .* and > ${FLOOR_MS} ms floor$`,
      ),
    );
    expect(entry).toMatchObject({ pairedLatency: { pairs: PAIRS }, decision: { verdict: 'slower' } });
    expect(check.code).not.toBe(0);
  });
});
