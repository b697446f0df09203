/**
 * No secret is ever stored or shown: credentials of every shape, planted in mirrored requests and in both
 * systems' answers, go through the real proxy (shadow, writes mirrored) into a SQLite store, with the
 * access log and debug logs on. Afterwards no secret is in the store's files (WAL included), in a log
 * line, or in any report format; a visible marker planted beside them proves each scan finds what is
 * there, and equal tokens on both sides still show as equal markers.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { REPORT_FORMATS, rendererFor } from '../../src/report/renderers.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import { startProxy, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';

const jwt = (subject: string) =>
  `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: subject, exp: 2_000_000_000 })).toString('base64url')}.${Buffer.from(`signature-of-${subject}`).toString('base64url')}`;

/** Every secret planted, by where it goes. */
const SECRETS = {
  bearer: jwt('bearer-user'),
  cookie: 'ck-9Jd72hsk1Qx8',
  queryToken: 'qt-7Hs92kLm3Np4',
  queryJwt: jwt('query-user'),
  password: 'hunter2-Pa55word',
  formPassword: 'form-Pa55-0912',
  clientSecret: 'cs-Qm27xZp91Lw3',
  textKey: 'sk_live_51HqLyjWDarjtT1zdp7dcXyZ',
  loginToken: jwt('login-user'),
  serviceToken: jwt('service-user'),
  setCookie: 'sid-4Kd82Jsl0Pq7',
  apiKey: 'AKIAIOSFODNN7EXAMPLE',
  randomToken: 'q8Vz3mK1pR7xT2wN9bL4cF6hJ0sD5gYa',
  refresh: 'rf-2Nd83Klq9Xm1',
  errorBearer: jwt('error-user'),
};
const MARKER = 'VISIBLE-MARKER-51c2';

/** The monolith: a login answer with a token, a shared API key and a cookie. */
const legacyAnswer: UpstreamHandler = (req, res) => {
  if (req.url?.startsWith('/api/notes')) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`upstream refused Authorization: Bearer ${SECRETS.errorBearer} (${MARKER})`);
    return;
  }
  const body = JSON.stringify({
    user: { id: 1, email: 'ann@example.com', token: SECRETS.loginToken, bio: MARKER },
    integration: { key: SECRETS.apiKey, note: `key ${SECRETS.randomToken} rotates monthly` },
    session: { refresh_token: SECRETS.refresh },
  });
  res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=${SECRETS.setCookie}` });
  res.end(body);
};

/** The service: the same shape, its own token, the id as a string (a difference, so samples are kept). */
const serviceAnswer: UpstreamHandler = (req, res) => {
  if (req.url?.startsWith('/api/notes')) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`bad gateway for Bearer ${SECRETS.errorBearer}`);
    return;
  }
  const body = JSON.stringify({
    user: { id: '1', email: 'ann@example.com', token: SECRETS.serviceToken, bio: MARKER },
    integration: { key: SECRETS.apiKey, note: `key ${SECRETS.randomToken} rotates monthly` },
    session: { refresh_token: SECRETS.refresh },
  });
  res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=${SECRETS.setCookie}` });
  res.end(body);
};

let dir: string;
let legacy: TestUpstream;
let service: TestUpstream;
let proxy: RunningProxy;
let logLines: string[];
let storeFiles: Buffer[];
let reports: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-secrets-'));
  legacy = await startTestUpstream('legacy', legacyAnswer);
  service = await startTestUpstream('service', serviceAnswer);
  const configFile = path.join(dir, 'routes.yaml');
  await writeFile(
    configFile,
    `version: 1
legacy: ${legacy.url}
services:
  accounts: ${service.url}
routes:
  - id: login
    path: /api/login
    service: accounts
    stage: shadow
    shadow: { percent: 100, unsafe: true, noiseSample: 0 }
  - id: notes
    path: /api/notes
    service: accounts
    stage: shadow
    shadow: { percent: 100, unsafe: true, noiseSample: 0 }
`,
  );
  logLines = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'trace', destination });
  const store = `sqlite:${path.join(dir, 'strangler.db')}`;
  const recorder = await openRecorder(store, { cwd: dir, logger, flushInterval: 60_000 });
  proxy = await startProxy({ configFile, port: 0, admin: false, recorder, logger, accessLog: true });

  const headers = {
    authorization: `Bearer ${SECRETS.bearer}`,
    cookie: `session=${SECRETS.cookie}; theme=dark`,
  };
  const query = `?access_token=${SECRETS.queryToken}&next=${SECRETS.queryJwt}&note=${MARKER}`;
  const answers = [
    await fetch(`${proxy.url}/api/login${query}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'ann@example.com', password: SECRETS.password, note: MARKER } }),
    }),
    await fetch(`${proxy.url}/api/login/form`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=ann&password=${SECRETS.formPassword}&client_secret=${SECRETS.clientSecret}&note=${MARKER}`,
    }),
    await fetch(`${proxy.url}/api/notes`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: `remember ${SECRETS.textKey} and ${MARKER}`,
    }),
  ];
  for (const answer of answers) await answer.arrayBuffer();
  await proxy.mirror.idle();
  await proxy.close();

  storeFiles = await Promise.all(
    (await readdir(dir))
      .filter((name) => name.startsWith('strangler.db'))
      .map((name) => readFile(path.join(dir, name))),
  );
  const reader = await createKnexStore({ url: store, cwd: dir });
  const config = loadRoutes(await readFile(configFile, 'utf8'), { file: configFile, env: {} });
  if (!config.ok) throw new Error('routes file invalid');
  const report = await buildReport(reader, { routes: config.config.routes, since: 0 });
  await reader.close();
  reports = Object.fromEntries(
    REPORT_FORMATS.map((format) => [format, rendererFor(format)(report, { color: false })]),
  );
});

afterAll(async () => {
  await legacy.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

const secretsIn = (text: string) => Object.entries(SECRETS).filter(([, secret]) => text.includes(secret));

describe('secrets in mirrored traffic', () => {
  it('reach the upstreams untouched: masking is for what is kept, never for what is forwarded', () => {
    const mirrored = service.received.find((request) => request.url.startsWith('/api/login?'));
    expect(mirrored?.body.toString()).toContain(SECRETS.password);
    expect(mirrored?.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
  });

  it('are nowhere in the store’s files, byte for byte', () => {
    expect(storeFiles.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(storeFiles).toString('latin1');
    expect(secretsIn(bytes)).toEqual([]);
    // The scan finds what is there: the marker planted beside the secrets was kept.
    expect(bytes).toContain(MARKER);
  });

  it('are in no log line, the access log included', () => {
    expect(logLines.some((line) => line.includes('/api/login'))).toBe(true);
    expect(secretsIn(logLines.join('\n'))).toEqual([]);
  });

  it.each(REPORT_FORMATS)('are not in the %s report', (format) => {
    const output = reports[format] ?? '';
    expect(output).toContain('login');
    expect(secretsIn(output)).toEqual([]);
  });

  it('show equal tokens on both sides as equal markers, and different ones as different', () => {
    const json = JSON.parse(reports.json ?? '{}') as {
      routes: Array<{
        id: string;
        diffs: Array<{
          example: { legacy: { body: string } | null; service: { body: string } | null } | null;
        }>;
      }>;
    };
    const example = json.routes.find((route) => route.id === 'login')?.diffs[0]?.example;
    const legacyBody = JSON.parse(example?.legacy?.body ?? '{}') as {
      user: { token: string };
      integration: { key: string; note: string };
    };
    const serviceBody = JSON.parse(example?.service?.body ?? '{}') as typeof legacyBody;
    expect(legacyBody.integration.key).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(serviceBody.integration.key).toBe(legacyBody.integration.key);
    expect(serviceBody.integration.note).toBe(legacyBody.integration.note);
    expect(serviceBody.user.token).not.toBe(legacyBody.user.token);
  });
});
