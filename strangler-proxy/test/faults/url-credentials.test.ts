/**
 * Credentials written into URLs: an upstream's `user:password@` and a results store's password are
 * never shown (admin `/routes`, `/status`, `/health`, `strangler routes`, `explain`, the start line, the
 * log) and never sent: not with proxied requests, mirrors or health probes. Through the real
 * `strangler start` and real upstreams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { LISTENING, startArgs, startCli, type CliProcess } from './support/cli.ts';
import { send } from './support/http-client.ts';
import { writeRoutesFile } from './support/routes-file.ts';

/** Secrets as written in the URLs, encoded (`%40` is `@`, `%2F` is `/`) and as they would be sent. */
const SECRETS = ['L3gacy', 'S3rvice', 'St0re', 'Qu3ry'];

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;
let file: string;
let cli: CliProcess;
let url: string;
let adminUrl: string;

const withCredentials = (upstream: TestUpstream, userinfo: string) =>
  upstream.url.replace('http://', `http://${userinfo}@`);

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  ({ dir, file } = await writeRoutesFile(`
version: 1
legacy: ${withCredentials(legacy, 'monolith:L3gacy%40pw')}
services:
  catalog: ${withCredentials(catalog, 'svc:S3rvice%2Fpw')}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { noiseSample: 0 }
`));
  // A store that does not answer: the proxy starts anyway, and says so in its log, URL included.
  const store = `postgres://strangler:St0re%40pw@127.0.0.1:${new URL(await deadPort()).port}/x?password=Qu3ry`;
  cli = startCli(startArgs(file, '--store', store, '--log-format', 'json'), { cwd: dir });
  [, url = '', adminUrl = ''] = await cli.waitFor(LISTENING, 20_000);
});
afterAll(async () => {
  cli.child.kill('SIGTERM');
  await cli.exited(15_000);
  await legacy.close();
  await catalog.close();
});

const expectNoSecret = (text: string) => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe('credentials in URLs', () => {
  it('are never sent: not with a proxied request, its mirror, nor a health probe', async () => {
    const mirrored = catalog.nextRequest();
    const outcome = await send(url, '/api/products/1');
    expect(outcome.status).toBe(200);
    expect((await mirrored).headers.authorization).toBeUndefined();
    expect(legacy.received.at(-1)?.headers.authorization).toBeUndefined();

    const probed = Promise.all([legacy.nextRequest(), catalog.nextRequest()]);
    const health = await send(adminUrl, '/health');
    expect(health.status).toBe(200);
    for (const probe of await probed) {
      expect(probe.url).toBe('/health');
      expect(probe.headers.authorization).toBeUndefined();
    }
  });

  it.each(['/routes', '/status', '/health'])('are masked in admin %s', async (path) => {
    const outcome = await send(adminUrl, path);
    expect(outcome.status).toBe(200);
    expectNoSecret(outcome.body);
    expect(outcome.body).toContain('[redacted]@127.0.0.1');
  });

  it.each([
    ['routes', () => ['routes', file]],
    ['routes --json', () => ['routes', file, '--json']],
    ['explain', () => ['explain', 'GET', '/api/products/1', '--config', file]],
    ['explain --json', () => ['explain', 'GET', '/api/products/1', '--config', file, '--json']],
    ['explain, unmatched', () => ['explain', 'GET', '/elsewhere', '--config', file]],
  ])('are masked by strangler %s', async (_name, args) => {
    const run = startCli(args(), { cwd: dir });
    expect(await run.exited(20_000)).toBe(0);
    expectNoSecret(run.stdout() + run.stderr());
    expect(run.stdout()).toContain('[redacted]@127.0.0.1');
  });

  it('are masked in what strangler start prints and logs', async () => {
    // The start line names the store; the log says the store is unavailable, naming it too.
    await cli.waitFor(/results store unavailable/, 10_000);
    expect(cli.stdout()).toMatch(
      /store postgres:\/\/strangler:\[redacted\]@127\.0\.0\.1:\d+\/x\?password=\[redacted\]/,
    );
    expectNoSecret(cli.stdout() + cli.stderr());
  });
});
