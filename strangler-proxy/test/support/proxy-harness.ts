/** Starts the real proxy on a temporary routes.yaml and real upstreams, all on 127.0.0.1:0. */
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import {
  startProxy,
  type RunningProxy,
  type ReloadResult,
  type StartProxyOptions,
} from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';

export interface ProxyHarness {
  readonly proxy: RunningProxy;
  readonly dir: string;
  readonly configFile: string;
  /** Rewrites routes.yaml the way editors do (write a temp file, rename over) and awaits the reload. */
  rewrite(text: string): Promise<ReloadResult>;
  close(): Promise<void>;
}

export async function startHarness(
  routesYaml: string,
  options: Partial<StartProxyOptions> = {},
): Promise<ProxyHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-test-'));
  const configFile = path.join(dir, 'routes.yaml');
  await writeFile(configFile, routesYaml);
  const proxy = await startProxy({
    configFile,
    port: 0,
    admin: { port: 0 },
    logger: silentLogger,
    reloadInterval: 0,
    ...options,
  });
  let closed = false;
  return {
    proxy,
    dir,
    configFile,
    async rewrite(text) {
      const temporary = `${configFile}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, configFile);
      return proxy.reload();
    },
    async close() {
      if (closed) return;
      closed = true;
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for the proxy's next reload event (when polling is on). */
export async function nextReload(proxy: RunningProxy): Promise<ReloadResult> {
  const [result] = (await once(proxy.events, 'reload')) as [ReloadResult];
  return result;
}
