/**
 * How long a reload of a large routes.yaml holds the serving thread: the longest event-loop delay during
 * each reload of a 10,000-route file (`perf_hooks.monitorEventLoopDelay`), in a proxy started in this
 * process. Not a test: it prints numbers.
 *
 *   node strangler-proxy/bench/reload-stall.ts [routes=10000] [reloads=4]
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startProxy } from '../src/runtime/start-proxy.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { routesYaml } from './lib/routes-file.ts';

const routes = Number(process.argv[2] ?? 10_000);
const reloads = Number(process.argv[3] ?? 4);
const dir = await mkdtemp(path.join(tmpdir(), 'strangler-reload-stall-'));
const file = path.join(dir, 'routes.yaml');
const text = (stage: 'migrated' | 'shadow') =>
  routesYaml({
    routes,
    legacyUrl: 'http://127.0.0.1:9',
    serviceUrl: 'http://127.0.0.1:9',
    targetStage: stage,
  });
await writeFile(file, text('migrated'));
const proxy = await startProxy({
  configFile: file,
  port: 0,
  admin: false,
  logger: silentLogger,
  reloadInterval: 0,
});
try {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  for (let i = 1; i <= reloads; i += 1) {
    await writeFile(file, text(i % 2 === 0 ? 'migrated' : 'shadow'));
    delay.reset();
    delay.enable();
    const started = performance.now();
    const result = await proxy.reload();
    const took = performance.now() - started;
    // The delay is recorded when the monitor's timer next runs: let it run once after the reload.
    await new Promise((resolve) => setTimeout(resolve, 5));
    delay.disable();
    if (!result.ok) throw new Error(`reload ${i} refused: ${result.problems[0]?.message}`);
    console.log(
      `reload ${i}: ${routes} routes in ${took.toFixed(0)} ms, longest event-loop delay ${(delay.max / 1e6).toFixed(1)} ms`,
    );
  }
} finally {
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
}
