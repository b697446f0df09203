import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createCheckCommand,
  createPromoteCommand,
  createRollbackCommand,
} from '../../src/cli/commands/promote.ts';
import type { CheckJson } from '../../src/cli/commands/check.ts';
import type { PromoteJson } from '../../src/cli/commands/promote.ts';
import type { MoveJson } from '../../src/cli/commands/promote-shared.ts';
import { createHistoryCommand, type HistoryJson } from '../../src/cli/commands/history.ts';
import { CliExit, type CliIo } from '../../src/cli/io.ts';
import { editRouteText } from '../../src/promote/edit-routes-text.ts';
import type { RouteEvidence } from '../../src/promote/gate.ts';
import type { EvidenceSource } from '../../src/promote/promote-route.ts';
import { COMMENTED_ROUTES } from './fixtures/commented-routes.ts';

const NOW = Date.UTC(2026, 4, 1);
const DAY = 86_400_000;

const good: RouteEvidence = {
  compared: 500,
  mismatched: 1,
  errors: 0,
  serviceRequests: 300,
  serviceErrors: 1,
  legacyP95: 40,
  serviceP95: 44,
  // At a canary step: the split as set (5%), an hour at the step.
  legacyRequests: 5_700,
  stepDurationMs: 3_600_000,
};
const poor: RouteEvidence = { ...good, compared: 80, mismatched: 6 };

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strangler-cli-'));
  file = join(dir, 'routes.yaml');
  await writeFile(file, COMMENTED_ROUTES);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: { routeIds: readonly string[]; source: EvidenceSource; since: number }[];
}

type Create = typeof createPromoteCommand;

/** Runs one command in-process the way the CLI entry point does; resolves to its exit code and output. */
async function run(
  create: Create,
  args: string[],
  evidence: Record<string, RouteEvidence> = {},
  options: { color?: boolean; env?: Record<string, string> } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    color: options.color ?? false,
    cwd: dir,
    env: options.env ?? {},
  };
  const calls: Run['calls'] = [];
  const deps = {
    now: () => NOW,
    loadEvidence: (routeIds: readonly string[], source: EvidenceSource, since: number) => {
      calls.push({ routeIds, source, since });
      return Promise.resolve(
        new Map(routeIds.flatMap((id) => (evidence[id] ? [[id, evidence[id]] as const] : []))),
      );
    },
  };
  const program = new Command('strangler').exitOverride();
  program.addCommand(create(io, deps).exitOverride());
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CliExit) code = error.exitCode;
    else if (error instanceof Error && 'exitCode' in error)
      code = (error as { exitCode: number }).exitCode === 0 ? 0 : 2;
    else throw error;
  }
  return { code, stdout, stderr, calls };
}

const routesText = () => readFile(file, 'utf8');

describe('strangler promote', () => {
  it('gates on the evidence, edits the file in place and says the proxy reloads it', async () => {
    const result = await run(
      createPromoteCommand,
      ['promote', 'catalog.products', '--store', 'sqlite:results.db'],
      {
        'catalog.products': good,
      },
    );
    expect(result.code).toBe(0);
    expect(await routesText()).toBe(
      editRouteText(COMMENTED_ROUTES, 'catalog.products', { stage: 'canary', percent: 1 }).text,
    );
    expect(result.stdout).toContain('catalog.products: shadow → canary 1%');
    expect(result.stdout).toContain(
      '✓ mismatch rate 0.2% (1 of 500), 95% upper bound 0.95% (Clopper–Pearson) ≤ 1%',
    );
    expect(result.stdout).toContain('verdict: ready for canary 1%');
    expect(result.stdout).toContain('hot reload');
    expect(result.calls).toHaveLength(1);
    expect(result.calls[0]).toMatchObject({
      routeIds: ['catalog.products'],
      since: NOW - DAY,
      source: { file, store: 'sqlite:results.db' },
    });
  });

  it('exits 1 on a failed gate, names the failed conditions with figures, and changes nothing', async () => {
    const result = await run(createPromoteCommand, ['promote', 'catalog.products'], {
      'catalog.products': poor,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('… 80 compared pairs < 299 needed');
    expect(result.stdout).toContain('✗ mismatch rate 7.5% (6 of 80), 95% lower bound 3.93% (Wilson) > 1%');
    expect(result.stderr).toContain(
      'promotion refused: mismatch_rate failed; min_compared, error_rate hold for more evidence',
    );
    expect(await routesText()).toBe(COMMENTED_ROUTES);
  });

  it('lets --force override the gate, loudly', async () => {
    const result = await run(createPromoteCommand, ['promote', 'catalog.products', '--force'], {
      'catalog.products': poor,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'FORCED: the gate FAILED (mismatch_rate failed; min_compared, error_rate hold for more evidence)',
    );
    expect(result.stdout).toContain('gate FAILED (forced)');
    expect(await routesText()).not.toBe(COMMENTED_ROUTES);
  });

  it('applies limits given on the command line', async () => {
    const result = await run(
      createPromoteCommand,
      [
        'promote',
        'catalog.products',
        '--min-compared',
        '50',
        '--max-mismatch-rate',
        '20%',
        '--max-error-rate',
        '5%',
      ],
      { 'catalog.products': poor },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('80 compared pairs ≥ 50 needed');
  });

  it('prints a diff and writes nothing with --dry-run', async () => {
    const result = await run(createPromoteCommand, ['promote', 'catalog.product', '--dry-run'], {
      'catalog.product': good,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '-      percent: 5     # raise slowly\n+      percent: 20     # raise slowly\n',
    );
    expect(result.stdout).toContain('dry run: routes.yaml not changed');
    expect(await routesText()).toBe(COMMENTED_ROUTES);
  });

  it('moves legacy → shadow without asking for evidence', async () => {
    const result = await run(createPromoteCommand, ['promote', 'orders.list']);
    expect(result.code).toBe(0);
    expect(result.calls).toEqual([]);
    expect(result.stdout).toContain('risks nothing');
  });

  it('uses the route’s own gate window', async () => {
    await writeFile(
      file,
      COMMENTED_ROUTES.replace('gate: { minCompared: 50 }', 'gate: { minCompared: 50, window: 1h }'),
    );
    const result = await run(createPromoteCommand, ['promote', 'catalog.product'], {
      'catalog.product': good,
    });
    expect(result.calls[0]!.since).toBe(NOW - 3_600_000);
  });

  it('exits 2 with a stable code for an unknown route, a migrated route and an invalid file', async () => {
    const unknown = await run(createPromoteCommand, ['promote', 'nope']);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('PROMOTE_ROUTE_NOT_FOUND');
    const migrated = await run(createPromoteCommand, ['promote', 'catalog.search']);
    expect(migrated.code).toBe(2);
    expect(migrated.stderr).toContain('PROMOTE_ALREADY_MIGRATED');
    await writeFile(file, 'version: 1\nlegacy: not-a-url\n');
    const invalid = await run(createPromoteCommand, ['promote', 'x']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('PROMOTE_INVALID_CONFIG');
    expect(invalid.stderr).toContain('legacy');
  });

  it('validates with the config loader, ${VAR} included, and keeps the reference in the file', async () => {
    // An unset variable where promotion needs the value (a canary's percent) stops it…
    const percent = COMMENTED_ROUTES.replace('percent: 5     # raise slowly', 'percent: ${PERCENT}');
    await writeFile(file, percent);
    const missing = await run(createPromoteCommand, ['promote', 'orders.list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('PROMOTE_INVALID_CONFIG');
    expect(missing.stderr).toContain('CONFIG_ENV_UNSET');
    expect(await routesText()).toBe(percent);
    // …one in an upstream URL, which promotion never uses, does not (it is named; see unset-upstreams.test.ts).
    const templated = COMMENTED_ROUTES.replace('legacy: http://127.0.0.1:4000', 'legacy: ${LEGACY_URL}');
    await writeFile(file, templated);
    const unset = await run(createPromoteCommand, ['promote', 'orders.list']);
    expect(unset.code).toBe(0);
    expect(await routesText()).toBe(templated.replace('stage: legacy }', 'stage: shadow }'));
    await writeFile(file, templated);
    const result = await run(
      createPromoteCommand,
      ['promote', 'orders.list'],
      {},
      { env: { LEGACY_URL: 'http://127.0.0.1:4000' } },
    );
    expect(result.code).toBe(0);
    expect(await routesText()).toBe(templated.replace('stage: legacy }', 'stage: shadow }'));
  });

  it('rejects a malformed limit as a usage error', async () => {
    const result = await run(createPromoteCommand, ['promote', 'catalog.products', '--max-error-rate', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a rate between 0 and 1');
  });
});

describe('strangler rollback', () => {
  it('moves one step back without a gate', async () => {
    const result = await run(createRollbackCommand, ['rollback', 'catalog.product']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('catalog.product: canary 5% → shadow');
    expect(result.calls).toEqual([]);
    expect(await routesText()).toBe(COMMENTED_ROUTES.replace('stage: "canary"   #', 'stage: "shadow"   #'));
  });

  it('goes straight to a stage with --to, and back from migrated to the last canary step', async () => {
    expect((await run(createRollbackCommand, ['rollback', 'orders.detail', '--to', 'legacy'])).code).toBe(0);
    expect(await routesText()).toContain("stage: 'legacy'");
    const result = await run(createRollbackCommand, [
      'rollback',
      'catalog.search',
      '--to',
      'canary',
      '--dry-run',
    ]);
    expect(result.stdout).toContain('migrated → canary 50%');
    expect(result.stdout).toContain('+    canary:\n+      percent: 50\n');
  });

  it('removes the canary block the route no longer uses, and shows its removal in the diff', async () => {
    const dry = await run(createRollbackCommand, [
      'rollback',
      'orders.detail',
      '--to',
      'legacy',
      '--dry-run',
    ]);
    expect(dry.stdout).toContain('-    canary: { percent: 25 }   # flow canary\n');
    expect((await run(createRollbackCommand, ['rollback', 'orders.detail', '--to', 'legacy'])).code).toBe(0);
    expect(await routesText()).toBe(
      COMMENTED_ROUTES.replace(
        "stage: 'canary'\n    canary: { percent: 25 }   # flow canary\n",
        "stage: 'legacy'\n",
      ),
    );
  });

  it('succeeds without change when the route already is there', async () => {
    const result = await run(createRollbackCommand, ['rollback', 'orders.list', '--to', 'legacy']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('orders.list is already at legacy: nothing changed');
    expect(await routesText()).toBe(COMMENTED_ROUTES);
  });

  it('refuses a target that is not behind, and an unknown target', async () => {
    const ahead = await run(createRollbackCommand, ['rollback', 'orders.list', '--to', 'shadow']);
    expect(ahead.code).toBe(2);
    expect(ahead.stderr).toContain('PROMOTE_TARGET_NOT_BEHIND');
    expect((await run(createRollbackCommand, ['rollback', 'orders.list', '--to', 'nowhere'])).code).toBe(2);
  });
});

describe('strangler check', () => {
  // orders.detail is at canary 25%: its split is 300 of 1,200.
  const evidence = {
    'catalog.products': poor,
    'catalog.product': good,
    'orders.detail': { ...good, legacyRequests: 900 },
  };

  it('prints a table of every route’s next step and exits 1 when one gate fails', async () => {
    const result = await run(createCheckCommand, ['check'], evidence);
    expect(result.code).toBe(1);
    const rows = result.stdout.split('\n');
    expect(rows[0]).toMatch(/^ROUTE\s+STAGE\s+NEXT\s+GATE\s+DETAILS$/);
    expect(rows.find((row) => row.startsWith('catalog.products'))).toMatch(
      /shadow\s+canary 1%\s+FAIL\s+mismatching: mismatch rate 7.5% \(6 of 80\), 95% lower bound/,
    );
    expect(rows.find((row) => row.startsWith('catalog.product '))).toMatch(/canary 5%\s+canary 20%\s+pass/);
    expect(rows.find((row) => row.startsWith('catalog.search'))).toMatch(/migrated\s+—\s+—\s+migrated/);
    expect(result.stdout).toContain('1 of 5 routes cannot move on yet');
    expect(result.stdout).not.toContain('\u001b[');
    expect(await routesText()).toBe(COMMENTED_ROUTES);
  });

  it('loads evidence once per gate window, only for gated routes', async () => {
    await writeFile(
      file,
      COMMENTED_ROUTES.replace('gate: { minCompared: 50 }', 'gate: { minCompared: 50, window: 1h }'),
    );
    const result = await run(createCheckCommand, ['check'], evidence);
    expect(result.calls.map((call) => NOW - call.since)).toEqual([DAY, 3_600_000]);
    expect(result.calls.map((call) => [...call.routeIds].sort())).toEqual([
      ['catalog.products', 'orders.detail'],
      ['catalog.product'],
    ]);
  });

  it('exits 0 when every gate passes, for one route', async () => {
    const result = await run(createCheckCommand, ['check', '--route', 'catalog.product'], evidence);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('every gate passes (1 route)');
  });

  it('prints JSON with --json', async () => {
    const result = await run(createCheckCommand, ['check', '--json'], evidence);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.passed).toBe(false);
    expect(json.routes.map((route) => [route.id, route.passed])).toEqual([
      ['catalog.products', false],
      ['catalog.product', true],
      ['orders.list', true],
      ['orders.detail', true],
      ['catalog.search', true],
    ]);
    expect(json.routes[1]).toMatchObject({
      stage: 'canary',
      percent: 5,
      next: { stage: 'canary', percent: 20 },
    });
    expect(json.routes[0]!.conditions[0]).toEqual({
      name: 'min_compared',
      ok: false,
      actual: 80,
      state: 'hold',
      limit: 299,
      message: '80 compared pairs < 299 needed',
    });
    expect(json.routes[0]).toMatchObject({ verdict: 'mismatching', outcome: 'fail' });
    expect(json.routes[2]).toMatchObject({ verdict: 'ready_to_shadow', outcome: 'pass' });
    expect(json.routes[4]!.next).toBeNull();
  });

  it('colors the table when the terminal supports it', async () => {
    const result = await run(createCheckCommand, ['check'], evidence, { color: true });
    expect(result.stdout).toContain('\u001b[');
  });
});

describe('promote and rollback --message: the summary beside the diff', () => {
  it('writes the summary as a comment on the route and, with --json, a commit trailer', async () => {
    const store = ['--store', 'sqlite:results.db'];
    const promoted = await run(
      createPromoteCommand,
      ['promote', 'catalog.products', ...store, '-m', 'catalog team signed off', '--json'],
      { 'catalog.products': good },
    );
    expect(promoted.code).toBe(0);
    const json = JSON.parse(promoted.stdout) as PromoteJson;
    expect(json).toMatchObject({
      routeId: 'catalog.products',
      from: 'shadow',
      to: 'canary 1%',
      written: true,
      message: 'catalog team signed off',
      gate: { outcome: 'pass', passed: true, forced: false },
      ledger: expect.stringMatching(/results\.db \(--store\)$/),
    });
    expect(json.trailer).toMatch(
      /^Strangler-Decision: catalog\.products promote shadow → canary 1% \(revision [0-9a-f]+\): catalog team signed off$/,
    );
    expect(json.diff).toContain('+    # promote shadow → canary 1%: catalog team signed off\n');
    expect(await routesText()).toContain(
      '    # promote shadow → canary 1%: catalog team signed off\n    stage: canary  # since May\n',
    );

    // A later note replaces the earlier one: the ledger keeps the history, the file says the latest why.
    const rolledBack = await run(createRollbackCommand, [
      'rollback',
      'catalog.products',
      ...store,
      '-m',
      'error spike on checkout',
      '--json',
    ]);
    expect(rolledBack.code).toBe(0);
    const back = JSON.parse(rolledBack.stdout) as MoveJson;
    expect(back.trailer).toMatch(/^Strangler-Decision: catalog\.products rollback canary 1% → shadow /);
    const text = await routesText();
    expect(text).toContain(
      '    # rollback canary 1% → shadow: error spike on checkout\n    stage: shadow  # since May\n',
    );
    expect(text).not.toContain('catalog team signed off');

    // Without a message nothing is added, and the trailer is null.
    const plain = await run(
      createPromoteCommand,
      ['promote', 'orders.list', ...store, '--json', '--dry-run'],
      {
        'orders.list': good,
      },
    );
    expect(JSON.parse(plain.stdout)).toMatchObject({ trailer: null, written: false, message: null });
  });

  it('puts the note above a flow-style route', () => {
    const { text } = editRouteText(
      COMMENTED_ROUTES,
      'orders.list',
      { stage: 'shadow' },
      { note: 'promote legacy → shadow: go' },
    );
    expect(text).toContain(
      '  # promote legacy → shadow: go\n  - { id: orders.list, path: /api/orders, service: orders, stage: shadow }',
    );
  });
});

describe('strangler-proxy history: the decision ledger', () => {
  it('records a promote and a rollback with revision, evidence, bounds and who; prints and returns them', async () => {
    const store = ['--store', 'sqlite:results.db'];
    const promoted = await run(
      createPromoteCommand,
      ['promote', 'catalog.products', ...store, '--message', 'catalog team signed off'],
      { 'catalog.products': good },
    );
    expect(promoted.code).toBe(0);
    // Named as every command names its store: the resolved file and which setting chose it.
    expect(promoted.stdout).toMatch(/recorded in the decision ledger of sqlite:\S*\/results\.db \(--store\)/);
    const rolledBack = await run(createRollbackCommand, ['rollback', 'catalog.products', ...store]);
    expect(rolledBack.code).toBe(0);

    const table = await run(createHistoryCommand, ['history', 'catalog.products', ...store]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /decision ledger of sqlite:\S*\/results\.db \(--store\) for catalog\.products/,
    );
    expect(table.stdout).toMatch(/catalog\.products +promote +shadow → canary 1% .*catalog team signed off/);
    expect(table.stdout).toMatch(/catalog\.products +rollback +canary 1% → shadow /);

    const json = await run(createHistoryCommand, ['history', ...store, '--json']);
    const parsed = JSON.parse(json.stdout) as HistoryJson;
    expect(parsed.store).toMatch(/^sqlite:\S*\/results\.db \(--store\)$/);
    expect(parsed.decisions).toHaveLength(2);
    const [promote, rollback] = parsed.decisions;
    expect(promote).toMatchObject({
      routeId: 'catalog.products',
      kind: 'promote',
      at: new Date(NOW).toISOString(),
      from: 'shadow',
      to: 'canary 1%',
      evidence: { compared: 500, mismatched: 1 },
      message: 'catalog team signed off',
      user: expect.any(String),
      host: expect.any(String),
    });
    expect(promote?.revision).toMatch(/^[0-9a-f]+$/);
    expect(promote?.bounds).toContainEqual(
      expect.objectContaining({ name: 'mismatch_rate', state: 'pass', actual: 0.002, limit: 0.01 }),
    );
    expect(rollback).toMatchObject({
      kind: 'rollback',
      from: 'canary 1%',
      to: 'shadow',
      // The revision the route was at when decided: the canary's, not the shadow's.
      revision: expect.stringMatching(/^[0-9a-f]+$/),
      evidence: null,
      message: null,
    });
  });

  it('records a forced promote as forced, and nothing for a refused promote or a dry run', async () => {
    const store = ['--store', 'sqlite:results.db'];
    const evidence = { 'catalog.products': poor };
    expect((await run(createPromoteCommand, ['promote', 'catalog.products', ...store], evidence)).code).toBe(
      1,
    );
    await run(
      createPromoteCommand,
      ['promote', 'catalog.products', ...store, '--force', '--dry-run'],
      evidence,
    );
    await run(createPromoteCommand, ['promote', 'catalog.products', ...store, '--force'], evidence);

    const json = await run(createHistoryCommand, ['history', ...store, '--json']);
    const parsed = JSON.parse(json.stdout) as HistoryJson;
    expect(parsed.decisions.map((entry) => entry.kind)).toEqual(['forced_promote']);
    expect(parsed.decisions[0]?.bounds).toContainEqual(expect.objectContaining({ state: 'fail' }));
  });

  it('refuses a message of more than one line and changes nothing', async () => {
    const result = await run(createPromoteCommand, ['promote', 'catalog.products', '-m', 'a\nb'], {
      'catalog.products': good,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('one-line summary');
    expect(await routesText()).toBe(COMMENTED_ROUTES);
  });
});
