/**
 * One verdict everywhere: for every stage and situation, `report` (JSON, table, Markdown, HTML), `check`,
 * `promote` and the admin API's `/status` name the same verdict. The evidence is written into a real
 * SQLite store; a real proxy over real upstreams serves `/status` from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { runStrangler } from '../support/cli-io.ts';
import { startProxy, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { bucketOf, emptyBatch, type ComparisonCounts } from '../../src/store/result-store.ts';
import type { ResultRecorder } from '../../src/store/types.ts';
import type { Report } from '../../src/report/report-model.ts';
import { revisionsOf } from '../support/revisions.ts';

interface Row {
  readonly id: string;
  readonly situation: string;
  readonly stage: string;
  readonly verdict: string;
  readonly label: string;
}

/** Every stage and situation, with the verdict and label all five must give. */
const TABLE: readonly Row[] = [
  { id: 'no-data', situation: 'no data', stage: 'shadow', verdict: 'hold', label: 'hold' },
  {
    id: 'legacy-only',
    situation: 'legacy only',
    stage: 'legacy',
    verdict: 'ready_to_shadow',
    label: 'ready to shadow',
  },
  {
    id: 'shadow-mismatching',
    situation: 'shadow mismatching',
    stage: 'shadow',
    verdict: 'mismatching',
    label: 'mismatching',
  },
  { id: 'one-in-100', situation: '1 mismatch in 100', stage: 'shadow', verdict: 'hold', label: 'hold' },
  {
    id: 'shadow-ready',
    situation: 'shadow clean',
    stage: 'shadow',
    verdict: 'ready',
    label: 'ready for canary 1%',
  },
  {
    id: 'canary-failing',
    situation: 'canary failing',
    stage: 'canary',
    verdict: 'failing',
    label: 'failing',
  },
  {
    id: 'rolled-back',
    situation: 'auto-rolled-back',
    stage: 'canary',
    verdict: 'rolled_back',
    label: 'rolled back',
  },
  {
    id: 'migrated-reverse',
    situation: 'migrated with reverse shadow',
    stage: 'migrated',
    verdict: 'migrated',
    label: 'migrated',
  },
  {
    id: 'both-erroring',
    situation: 'both sides erroring',
    stage: 'shadow',
    verdict: 'failing',
    label: 'failing',
  },
];

let legacy: TestUpstream;
let service: TestUpstream;
let dir: string;
let file: string;
let store: string;
let proxy: RunningProxy;
let recorder: ResultRecorder;

function routesYaml(): string {
  const routes = TABLE.map((row) => {
    const canary = row.stage === 'canary' ? '\n    canary: { percent: 5 }' : '';
    const mirror = row.stage === 'migrated' ? '\n    shadow: { percent: 100, noiseSample: 0 }' : '';
    return `  - id: ${row.id}\n    path: /${row.id}\n    service: svc\n    stage: ${row.stage}${canary}${mirror}`;
  });
  return `version: 1\nlegacy: ${legacy.url}\nservices:\n  svc: ${service.url}\nroutes:\n${routes.join('\n')}\n`;
}

/** The evidence of each situation, a few minutes old. */
async function writeEvidence(): Promise<void> {
  const knex = await createKnexStore({ url: store, cwd: dir });
  const bucket = bucketOf(Date.now() - 5 * 60_000);
  const revisionOf = revisionsOf(routesYaml());
  const pairs = (routeId: string, counts: Partial<ComparisonCounts>): ComparisonCounts => ({
    routeId,
    bucket,
    revision: revisionOf(routeId),
    compared: 0,
    matched: 0,
    mismatched: 0,
    errors: 0,
    legacyErrors: 0,
    serviceErrors: 0,
    ...counts,
  });
  const served = (routeId: string, side: 'legacy' | 'service', requests: number, errors = 0) => ({
    routeId,
    bucket,
    revision: revisionOf(routeId),
    side,
    requests,
    errors,
    fallbacks: 0,
  });
  try {
    await knex.write({
      ...emptyBatch(),
      comparisons: [
        pairs('shadow-mismatching', { compared: 400, matched: 300, mismatched: 100 }),
        pairs('one-in-100', { compared: 100, matched: 99, mismatched: 1 }),
        pairs('shadow-ready', { compared: 400, matched: 400 }),
        pairs('migrated-reverse', { compared: 400, matched: 400 }),
        pairs('both-erroring', { compared: 50, errors: 50, legacyErrors: 50, serviceErrors: 50 }),
      ],
      served: [
        served('legacy-only', 'legacy', 500),
        served('canary-failing', 'legacy', 950),
        served('canary-failing', 'service', 200, 60),
        served('rolled-back', 'service', 40, 12),
      ],
      events: [
        {
          routeId: 'rolled-back',
          kind: 'auto_rollback',
          at: Date.now() - 60_000,
          detail: 'service error rate 30% (12/40) over 30000 ms',
        },
      ],
    });
  } finally {
    await knex.close();
  }
}

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('service');
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-agreement-'));
  file = path.join(dir, 'routes.yaml');
  store = `sqlite:${path.join(dir, 'strangler.db')}`;
  await writeFile(file, routesYaml());
  await writeEvidence();
  recorder = await openRecorder(store, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
  proxy = await startProxy({
    configFile: file,
    port: 0,
    admin: { port: 0 },
    recorder,
    logger: silentLogger,
    reloadInterval: 0,
  });
});

afterAll(async () => {
  await proxy.close();
  await legacy.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runStrangler([...args, '--config', file, '--store', store], { cwd: dir });

/** Each surface's answer per route: `verdict` where the surface names it, `label` always. */
type Seen = Map<string, { verdict?: string; label: string }>;

async function fromReportJson(): Promise<Seen> {
  const result = await cli(['report', '--format', 'json']);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as Report;
  return new Map(
    report.routes.map((route) => [
      route.id,
      { verdict: route.decision.verdict, label: route.decision.label },
    ]),
  );
}

async function fromReportTable(): Promise<Seen> {
  const result = await cli(['report']);
  expect(result.code).toBe(0);
  const seen: Seen = new Map();
  for (const row of TABLE) {
    const line = result.stdout
      .split('\n')
      .find((text) => text.startsWith(`${row.id} `) && text.includes(': '));
    const label = line?.slice(row.id.length + 1, line.indexOf(': '));
    if (label !== undefined) seen.set(row.id, { label });
  }
  return seen;
}

async function fromReportMarkdown(): Promise<Seen> {
  const result = await cli(['report', '--format', 'markdown']);
  const seen: Seen = new Map();
  for (const match of result.stdout.matchAll(/^## ([\w-]+): (.+)$/gm))
    seen.set(match[1]!, { label: match[2]! });
  return seen;
}

async function fromHtml(): Promise<Seen> {
  const out = path.join(dir, 'report.html');
  const result = await cli(['report', '--out', out]);
  expect(result.code).toBe(0);
  const html = await readFile(out, 'utf8');
  const seen: Seen = new Map();
  const heading =
    /<h2>([\w-]+) <span class="stage">[^<]*<\/span> <span class="verdict [^"]*" data-verdict="([a-z_]+)">([^<]+)<\/span><\/h2>/g;
  for (const match of html.matchAll(heading)) seen.set(match[1]!, { verdict: match[2]!, label: match[3]! });
  return seen;
}

async function fromCheck(): Promise<Seen> {
  const json = await cli(['check', '--json']);
  expect(json.code).toBe(1);
  const parsed = JSON.parse(json.stdout) as { routes: Array<{ id: string; verdict: string; label: string }> };
  const table = await cli(['check']);
  const seen: Seen = new Map();
  for (const route of parsed.routes) {
    const line = table.stdout.split('\n').find((text) => text.startsWith(`${route.id} `));
    // The DETAILS column starts with the verdict's label.
    expect(line).toMatch(new RegExp(`\\s(pass|HOLD|FAIL|—)\\s+${route.label}: `));
    seen.set(route.id, { verdict: route.verdict, label: route.label });
  }
  return seen;
}

async function fromPromote(): Promise<Seen> {
  const seen: Seen = new Map();
  for (const row of TABLE) {
    const result = await cli(['promote', row.id, '--dry-run']);
    if (result.stderr.includes('PROMOTE_ALREADY_MIGRATED')) {
      expect(result.code).toBe(2);
      seen.set(row.id, { label: 'migrated' });
      continue;
    }
    const label = /^verdict: (.+?): /m.exec(result.stdout)?.[1];
    if (label !== undefined) seen.set(row.id, { label });
    // It moves exactly when the verdict passes.
    expect(result.code, `${row.id}: ${result.stdout}${result.stderr}`).toBe(
      ['ready', 'ready_to_shadow'].includes(row.verdict) ? 0 : 1,
    );
  }
  return seen;
}

async function fromStatus(): Promise<Seen> {
  await recorder.flush();
  const response = await fetch(`${proxy.adminUrl}/status`);
  expect(response.status).toBe(200);
  const status = (await response.json()) as {
    verdicts: Array<{ route: string; verdict: string; label: string }>;
  };
  return new Map(
    status.verdicts.map((entry) => [entry.route, { verdict: entry.verdict, label: entry.label }]),
  );
}

describe('one verdict everywhere', () => {
  it('report (JSON, table, Markdown, HTML), check, promote and /status agree on every row', async () => {
    const surfaces: Record<string, Seen> = {
      'report json': await fromReportJson(),
      'report table': await fromReportTable(),
      'report markdown': await fromReportMarkdown(),
      'report html': await fromHtml(),
      check: await fromCheck(),
      promote: await fromPromote(),
      status: await fromStatus(),
    };
    for (const row of TABLE) {
      for (const [surface, seen] of Object.entries(surfaces)) {
        const answer = seen.get(row.id);
        expect(answer?.label, `${row.situation} (${row.id}) in ${surface}`).toBe(row.label);
        if (answer?.verdict !== undefined)
          expect(answer.verdict, `${row.situation} (${row.id}) in ${surface}`).toBe(row.verdict);
      }
    }
  });
});
