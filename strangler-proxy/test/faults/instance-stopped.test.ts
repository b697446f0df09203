/**
 * One of two instances of a service stops under load: the clients lose at most the requests that were in
 * flight to it; every other request (new connections refused, kept-alive ones closed under a request) is
 * served by the other instance.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, jsonEcho, type TestUpstream } from '../support/test-upstream.ts';
import { runLoad, tally } from './support/http-client.ts';
import { endpointsWhere } from '../support/endpoint-events.ts';

let legacy: TestUpstream;
let steady: TestUpstream;
let stopping: TestUpstream;
let harness: ProxyHarness;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  steady = await startTestUpstream('steady');
  stopping = await startTestUpstream('stopping');
  harness = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  svc:
    url: [${steady.url}, ${stopping.url}]
    outlier: { consecutiveFailures: 3, ejectFor: 1m }
routes:
  - { id: things, path: /things, service: svc, stage: migrated }
`);
});
afterAll(async () => {
  await harness.close();
  await Promise.all([legacy, steady, stopping].map((upstream) => upstream.close()));
});

it('costs no request beyond the ones in flight to the stopped instance', async () => {
  // The stopping instance answers a turn later, so that requests are in flight to it when it stops.
  const open = new Set<ServerResponse>();
  const echo = jsonEcho('stopping');
  stopping.setHandler((req, res, body) => {
    open.add(res);
    setImmediate(() => {
      open.delete(res);
      if (!res.destroyed) echo(req, res, body);
    });
  });
  let inFlightAtStop = -1;
  const stopped = new Promise<void>((resolve) => {
    stopping.server.on('request', () => {
      if (stopping.received.length < 30 || inFlightAtStop >= 0) return;
      inFlightAtStop = open.size + 1; // this one too
      void stopping.close().then(resolve);
    });
  });
  const outcomes = await runLoad(harness.proxy.url, 400, 8, (i) => ({ path: `/things/${i}` }));
  await stopped;
  const failed = outcomes.filter((outcome) => outcome.status !== 200);
  console.log(
    `[figures] instance stopped: ${inFlightAtStop} in flight to it, ${failed.length} failed`,
    tally(outcomes),
  );
  expect(outcomes).toHaveLength(400);
  expect(failed.length).toBeLessThanOrEqual(inFlightAtStop);
  // Failures on the stopped instance ejected it: the last requests all went to the other.
  await endpointsWhere(harness.proxy, 'svc', (endpoints) => endpoints[1]?.state === 'ejected');
});
