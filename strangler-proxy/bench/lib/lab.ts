/**
 * The processes of one bench run: the upstream, and the setups under test started on it. Every process
 * started is stopped at the end, whatever happened; strangler's processes start as its launcher starts
 * it (bin/strangler.js's first line), each with a routes.yaml and a store of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import { startChild, type ChildHandle } from './child-process.ts';
import { routesYaml, type RoutesFileOptions } from './routes-file.ts';
import type { ServerSpec, SetupReady, UpstreamReady } from './specs.ts';

export interface StranglerSetup {
  readonly stage: RoutesFileOptions['targetStage'];
  /** The target route's service never answers. */
  readonly hangingService?: boolean;
  /** Mirror POSTs too. */
  readonly shadowUnsafe?: boolean;
  readonly flushInterval?: number;
  /** Tracing configured (OTLP) towards a collector that is not there: what tracing costs at worst. */
  readonly tracing?: boolean;
}

/** Nothing listens on the discard port: every export is refused, and its spans dropped. */
const NO_COLLECTOR = 'http://127.0.0.1:9';

export interface Lab {
  readonly upstream: UpstreamReady;
  start(name: string, spec: ServerSpec): Promise<ChildHandle<SetupReady>>;
  /** A strangler process's spec: a generated routes.yaml of `routes` routes on this run's upstream. */
  strangler(name: string, setup: StranglerSetup): ServerSpec;
  close(): Promise<void>;
}

export async function openLab(routes: number): Promise<Lab> {
  const work = mkdtempSync(path.join(tmpdir(), 'strangler-bench-'));
  const children: Array<ChildHandle<unknown>> = [];
  const start = async <Ready>(name: string, spec: ServerSpec) => {
    const strangler = spec.kind === 'strangler';
    const child = await startChild<Ready>(name, spec, {
      execArgv: strangler ? launcherNodeFlags() : [],
      env: strangler ? { ...launcherEnv(), ...spec.env } : {},
    });
    children.push(child);
    return child;
  };
  const upstream = (await start<UpstreamReady>('upstream', { kind: 'upstream' })).ready;
  return {
    upstream,
    start,
    strangler(name, setup) {
      const configFile = path.join(work, `${name}.routes.yaml`);
      writeFileSync(
        configFile,
        routesYaml({
          routes,
          legacyUrl: upstream.legacyUrl,
          serviceUrl: upstream.serviceUrl,
          targetStage: setup.stage,
          ...(setup.hangingService ? { targetServiceUrl: upstream.hangUrl } : {}),
          ...(setup.shadowUnsafe ? { shadowUnsafe: true } : {}),
        }),
      );
      return {
        kind: 'strangler',
        configFile,
        storeFile: path.join(work, `${name}.db`),
        ...(setup.flushInterval === undefined ? {} : { flushInterval: setup.flushInterval }),
        ...(setup.tracing ? { env: { OTEL_EXPORTER_OTLP_ENDPOINT: NO_COLLECTOR } } : {}),
      };
    },
    async close() {
      // The upstream last: a proxy closing waits for its mirrors to it.
      await Promise.all(children.slice(1).map((child) => child.stop(5_000).catch(() => null)));
      await children[0]?.stop(5_000).catch(() => null);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
