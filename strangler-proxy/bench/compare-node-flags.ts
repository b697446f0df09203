/**
 * Interleaved A/B of Node flags: the same strangler build (1,000 routes, migrated route, metrics and
 * access log on) started once per flag set, plus express + http-proxy-middleware for scale, each loaded
 * in turn with wrk (50 connections, 3 s), rounds rotating; several processes per flag set, median per set. How the launcher's
 * `--max-semi-space-size` was chosen; rerun it before changing the flags. Prints numbers, asserts
 * nothing.
 *
 *   node strangler-proxy/bench/compare-node-flags.ts [--rounds 8] [--copies 2] [--stage shadow] -- '' '--max-semi-space-size=16' …
 *
 * Each argument is one flag set ('' = none), `NAME=value` words in it set the environment
 * (`'MALLOC_ARENA_MAX=2 --max-semi-space-size=16'`); without arguments: none, 16 and 4.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { splitStartWords } from '../bin/launch.js';
import { startChild, type ChildHandle } from './lib/child-process.ts';
import { runLoad, wrkVersion } from './lib/load.ts';
import { routesYaml, TARGET_PATH } from './lib/routes-file.ts';
import { median } from './lib/stats.ts';
import type { SetupReady, UpstreamReady } from './lib/specs.ts';

const { values, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '8' },
    copies: { type: 'string', default: '2' },
    // The target route's stage: `shadow` mirrors every request (the shadow worker's flags matter too).
    stage: { type: 'string', default: 'migrated' },
  },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
// Processes differ from one another (JIT decisions, placement) by as much as flags do: several per set.
const copies = Number(values.copies);
// A set's `NAME=value` words go into the process's environment, the rest to Node, as on the launcher's line.
const flagSets = (
  positionals.length > 0 ? positionals : ['', '--max-semi-space-size=16', '--max-semi-space-size=4']
).map((text) => ({
  label:
    text
      .split(' ')
      .filter((word) => word !== '')
      .join(' ') || '(no flags)',
  ...splitStartWords(text),
}));
const tool = wrkVersion() ? 'wrk' : 'autocannon';

const work = mkdtempSync(path.join(tmpdir(), 'strangler-flags-'));
const upstream = await startChild<UpstreamReady>('upstream', { kind: 'upstream' });
const yaml = routesYaml({
  routes: 1000,
  legacyUrl: upstream.ready.legacyUrl,
  serviceUrl: upstream.ready.serviceUrl,
  targetStage: values.stage === 'shadow' ? 'shadow' : 'migrated',
});
const labels = [...flagSets.map((set) => `strangler ${set.label}`), 'express + http-proxy-middleware'];
const servers: Array<{ set: number; child: ChildHandle<SetupReady> }> = [];
for (const [set, flags] of flagSets.entries()) {
  for (let copy = 0; copy < copies; copy++) {
    const name = `strangler-${set}-${copy}`;
    const configFile = path.join(work, `${name}.routes.yaml`);
    writeFileSync(configFile, yaml);
    const spec = {
      kind: 'strangler',
      configFile,
      storeFile: path.join(work, `${name}.db`),
      accessLog: true,
      admin: true,
    };
    servers.push({
      set,
      child: await startChild<SetupReady>(name, spec, { execArgv: flags.nodeFlags, env: flags.env }),
    });
  }
}
servers.push({
  set: flagSets.length,
  child: await startChild<SetupReady>('express', { kind: 'express-hpm', target: upstream.ready.legacyUrl }),
});

interface Trial {
  readonly rps: number;
  readonly cpu: number;
  readonly serving: number;
}
const trials = servers.map((): Trial[] => []);
for (const { child } of servers)
  await runLoad(tool, { url: child.ready.url + TARGET_PATH, connections: 50, durationSec: 2 });
for (let round = 0; round < rounds; round++) {
  for (let turn = 0; turn < servers.length; turn++) {
    const index = (turn + round) % servers.length;
    const { child } = servers[index]!;
    const before = await child.usage();
    const load = await runLoad(tool, { url: child.ready.url + TARGET_PATH, connections: 50, durationSec: 3 });
    const after = await child.usage();
    trials[index]!.push({
      rps: load.rps,
      cpu: (after.cpuMicros - before.cpuMicros) / load.requests,
      serving: (after.mainThreadCpuMicros - before.mainThreadCpuMicros) / load.requests,
    });
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}

const width = Math.max(...labels.map((label) => label.length));
process.stdout.write(
  `${'process'.padEnd(width)}  ${'req/s'.padStart(7)}  ${'CPU µs/req'.padStart(10)}  ` +
    `${'serving µs/req'.padStart(14)}  serving µs/req by process  max RSS MB by process\n`,
);
for (const [set, label] of labels.entries()) {
  const members = servers
    .map((server, index) => ({ ...server, index }))
    .filter((server) => server.set === set);
  const all = members.flatMap(({ index }) => trials[index]!);
  const byProcess = members.map(({ index }) =>
    median(trials[index]!.map((trial) => trial.serving)).toFixed(0),
  );
  const rss: string[] = [];
  for (const { child } of members) rss.push(((await child.usage()).maxRss / 1e6).toFixed(0));
  process.stdout.write(
    `${label.padEnd(width)}  ${median(all.map((trial) => trial.rps))
      .toFixed(0)
      .padStart(7)}  ` +
      `${median(all.map((trial) => trial.cpu))
        .toFixed(1)
        .padStart(10)}  ` +
      `${median(all.map((trial) => trial.serving))
        .toFixed(1)
        .padStart(14)}  ${byProcess.join(' / ').padEnd(25)}  ${rss.join(' / ')}\n`,
  );
}
for (const { child } of [...servers, { child: upstream }]) await child.stop();
rmSync(work, { recursive: true, force: true });
