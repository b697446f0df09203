/**
 * Root-cause hints through the real proxy, real upstreams and a real SQLite store: a service that answers
 * 401 to everything and one whose lists are shorter than the monolith's each get their likely cause, with
 * its evidence and next step, in every report format and under `strangler check`'s failed gate.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { buildReport } from '../../src/report/build-report.ts';
import type { Report } from '../../src/report/report-model.ts';
import { REPORT_FORMATS, rendererFor } from '../../src/report/renderers.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import { startProxy } from '../../src/runtime/start-proxy.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { runStrangler, type CliRun } from '../support/cli-io.ts';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';

const json = (res: Parameters<UpstreamHandler>[1], status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const articles = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ id: index + 1, title: `Article ${index + 1}` }));

const legacyHandler: UpstreamHandler = (req, res) => {
  if (req.url?.startsWith('/api/me')) json(res, 200, { user: { id: 7, name: 'Ann' } });
  else json(res, 200, { articles: articles(5), total: 5 });
};
/** The service: refuses every token, and its copy of the articles is missing the last two. */
const serviceHandler: UpstreamHandler = (req, res) => {
  if (req.url?.startsWith('/api/me')) json(res, 401, { errors: { token: ['is invalid'] } });
  else json(res, 200, { articles: articles(3), total: 3 });
};

let dir: string;
let legacy: TestUpstream;
let service: TestUpstream;
let report: Report;
let rendered: Record<string, string>;
let check: CliRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-hints-'));
  legacy = await startTestUpstream('legacy', legacyHandler);
  service = await startTestUpstream('service', serviceHandler);
  const configFile = path.join(dir, 'routes.yaml');
  await writeFile(
    configFile,
    `version: 1
legacy: ${legacy.url}
services:
  api: ${service.url}
routes:
  - { id: profile, path: /api/me, service: api, stage: shadow, shadow: { noiseSample: 0 } }
  - { id: articles, path: /api/articles, service: api, stage: shadow, shadow: { noiseSample: 0 } }
`,
  );
  const store = `sqlite:${path.join(dir, 'strangler.db')}`;
  const recorder = await openRecorder(store, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
  const proxy = await startProxy({ configFile, port: 0, admin: false, recorder, logger: silentLogger });
  for (let round = 0; round < 4; round++) {
    for (const url of ['/api/me', `/api/articles?page=${round}`]) {
      const answer = await fetch(`${proxy.url}${url}`, { headers: { authorization: 'Bearer abc' } });
      await answer.arrayBuffer();
    }
  }
  await proxy.mirror.idle();
  await proxy.close();

  const reader = await createKnexStore({ url: store, cwd: dir });
  const config = loadRoutes(await readFile(configFile, 'utf8'), { file: configFile, env: {} });
  if (!config.ok) throw new Error('routes file invalid');
  report = await buildReport(reader, { routes: config.config.routes, since: 0 });
  await reader.close();
  rendered = Object.fromEntries(
    REPORT_FORMATS.map((format) => [format, rendererFor(format)(report, { color: false })]),
  );
  check = await runStrangler(['check', '--config', configFile, '--store', store], { cwd: dir });
});

afterAll(async () => {
  await legacy.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

const route = (id: string) => report.routes.find((entry) => entry.id === id)!;

describe('root-cause hints', () => {
  it('a service answering 401 everywhere: credentials, first, with the status difference sorted first', () => {
    const profile = route('profile');
    expect(profile.diffs[0]?.path).toBe('status');
    expect(profile.hints[0]).toMatchObject({ cause: 'credentials', share: 1 });
    expect(profile.hints[0]!.summary).toContain('401 to 100%');
    expect(profile.hints[0]!.evidence).toContain('4 of 4 compared pairs');
    expect(profile.hints[0]!.nextStep).toMatch(/tokens/);
  });

  it('a list shorter on the service: data out of sync, with the list path', () => {
    const list = route('articles');
    expect(list.hints.map((hint) => hint.cause)).toEqual(['data_out_of_sync']);
    expect(list.hints[0]!.summary).toBe(
      "list lengths differ at $.articles on 100%: is the service's data in sync?",
    );
    expect(list.hints[0]!.evidence).toContain('$.total');
  });

  it('every report format shows both hints', () => {
    for (const format of REPORT_FORMATS) {
      const text = rendered[format]!;
      expect(text, format).toContain('does it accept these credentials?');
      expect(text, format).toContain('data in sync?');
    }
  });

  it('strangler check names them under the failed gates', () => {
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('profile: likely cause: the service answered 401 to 100%');
    expect(check.stdout).toContain(
      "articles: likely cause: list lengths differ at $.articles on 100%: is the service's data in sync?",
    );
  });
});
