/**
 * The programmatic API behind `strangler start`: loads routes.yaml, starts the proxy and admin listeners,
 * reloads safely (poll + explicit `reload()`), and shuts down gracefully (drain, then flush the records).
 */
import { discardingRecorder } from '../store/discarding-recorder.ts';
import type { ErrorCode } from '../errors/catalogue.ts';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ConfigProblem, RoutesConfig } from '../config/index.ts';
import type { CompiledRoute } from '../routing/compile-route.ts';
import type { RecorderStatus, ResultRecorder } from '../store/types.ts';
import type { StoredCorrelation } from '../store/result-store.ts';
import { createProxyMetrics, type ProxyMetrics } from '../admin/metrics.ts';
import { startAdminServer } from '../admin/admin-server.ts';
import { createLogger, droppedLogLines, type Logger } from '../logging/logger.ts';
import { createProxyServer } from '../proxy/create-proxy-server.ts';
import { createRequestHandler } from '../proxy/request-handler.ts';
import { createUpgradeHandler } from '../proxy/upgrade-handler.ts';
import {
  buildRoutingSnapshot,
  buildRoutingSnapshotInSlices,
  type RoutingSnapshot,
} from '../proxy/routing-snapshot.ts';
import { createShadowMirror, type ShadowMirror } from '../shadow/shadow-mirror.ts';
import type { ExchangeObserver } from '../proxy/exchange-observer.ts';
import { createRequestMetricsObserver } from '../admin/request-metrics-observer.ts';
import { createAccessLogObserver } from '../logging/access-log-observer.ts';
import { createServedRecordsObserver } from './served-records-observer.ts';
import { fileRoutesSource, type RoutesSource, type SourceRead } from './config-source.ts';
import { loadRoutesOffThread } from './load-routes-off-thread.ts';
import { createRouteSafety, type RouteSafety } from './route-safety.ts';
import { hasReader, routeVerdicts } from './route-verdicts.ts';
import { describeRoutes } from './describe-routes.ts';
import { explainLive } from './explain-live.ts';
import { asListenError } from './listen-error.ts';
import { createTracing } from '../tracing/tracing.ts';
import { createEdgeRateLimits } from '../ratelimit/edge-rate-limits.ts';
import { createServedBridge } from '../auth/served-bridge.ts';
import { withEdgeAuth } from '../auth/edge-auth.ts';
import { currentRevisions } from '../config/route-revision.ts';
import type { FleetMethods } from '../store/result-store.ts';
import { startFleetHeartbeat, type FleetHeartbeat } from '../fleet/fleet-heartbeat.ts';
import { readFleet } from '../fleet/read-fleet.ts';

/** Logged at start: the compiled build (dist/, made by `npm install`) or the TypeScript sources. */
const RUNNING_CODE = import.meta.url.endsWith('.js') ? 'compiled' : 'sources';

export interface StartProxyOptions {
  /** routes.yaml; or give {@link StartProxyOptions.routesSource}. */
  readonly configFile?: string;
  /** Where routes come from when not from `configFile` (a store the fleet publishes to). */
  readonly routesSource?: RoutesSource;
  readonly port?: number;
  readonly host?: string;
  /** The admin listener; `false` for none. */
  readonly admin?:
    | {
        readonly port?: number;
        readonly host?: string;
        readonly token?: string;
        /** Host names the admin listener accepts in `Host` besides its address. */
        readonly allowedHosts?: readonly string[];
      }
    | false;
  /** Where comparisons go. Default: none kept (a recorder that only counts). */
  readonly recorder?: ResultRecorder;
  readonly logger?: Logger;
  readonly accessLog?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overrides the file's `proxy.reloadInterval` (0 disables polling). */
  readonly reloadInterval?: number;
  /** The shadow worker's entry module (tests start one that fails on purpose). */
  readonly shadowWorkerScript?: URL;
  /** Registers the proxy in the fleet's shared store and keeps it there by heartbeats. Default: not. */
  readonly fleet?: {
    readonly store: FleetMethods;
    /** The package version the proxy runs, shown to the fleet. */
    readonly version: string;
    /** ms between heartbeats. */
    readonly heartbeatInterval?: number;
    readonly missedHeartbeats?: number;
  };
}

export type ReloadResult =
  | { readonly ok: true; readonly version: number; readonly changed: boolean; readonly at: number }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly at: number };

export interface RunningProxy {
  readonly url: string;
  readonly port: number;
  readonly adminUrl: string | null;
  readonly metrics: ProxyMetrics;
  readonly mirror: ShadowMirror;
  readonly safety: RouteSafety;
  readonly events: EventEmitter<{ reload: [ReloadResult]; closed: [] }>;
  /** The proxy's registration in the fleet; null when it keeps none. */
  readonly fleet: FleetHeartbeat | null;
  snapshot(): RoutingSnapshot;
  lastReload(): ReloadResult;
  /** Reads and applies the file now (what SIGHUP does). */
  reload(): Promise<ReloadResult>;
  /** Graceful stop: drain requests in flight, settle mirrors, flush records. */
  close(): Promise<{ drained: boolean }>;
}

export class StartupConfigError extends Error {
  readonly code: ErrorCode = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(`routes file is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`);
    this.problems = problems;
  }
}

/** How long the start waits for the shadow worker's warm-up at most. */
const MAX_WARM_UP_WAIT_MS = 3_000;
/** How long a start or a reload waits at most for a shared rate-limit store (Redis) to connect. */
const MAX_SHARED_STORE_WAIT_MS = 2_000;
/** How long a start or a reload waits at most for the first DNS answers of upstreams found by DNS. */
const MAX_DISCOVERY_WAIT_MS = 5_000;

function upstreamsReady(snapshot: RoutingSnapshot): Promise<unknown> {
  return Promise.all([...snapshot.upstreams.values()].map((upstream) => upstream.ready));
}

/** What `/health` probes: each upstream's health path, on each of its endpoints when it has several. */
function upstreamHealthUrls(snapshot: RoutingSnapshot): Map<string, URL> {
  const urls = new Map<string, URL>();
  for (const [name, upstream] of snapshot.upstreams) {
    const endpoints = upstream.endpoints.current;
    for (const endpoint of endpoints) {
      const key = endpoints.length === 1 ? name : `${name} ${endpoint.origin}`;
      urls.set(key, new URL(upstream.config.health, endpoint.url));
    }
  }
  return urls;
}

/** How long a start waits at most for its first fleet heartbeat to be stored. */
const MAX_FIRST_HEARTBEAT_WAIT_MS = 5_000;

/** Waits for `promise` to settle, or for `ms` to pass, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(noop, noop), elapsed]);
  clearTimeout(timer);
}

const noop = (): void => {};

/**
 * Fills the identifier correlation map from the results store, so that a restarted proxy still reaches
 * the service's copy of records created before. A store that cannot be read starts it empty (logged).
 */
async function seedCorrelations(
  mirror: ShadowMirror,
  recorder: ResultRecorder,
  settings: { readonly maxCorrelations: number; readonly maxSyncReadsInFlight: number },
  logger: Logger,
): Promise<void> {
  let pairs: readonly StoredCorrelation[] = [];
  if (hasReader(recorder)) {
    try {
      pairs = await recorder.reader.correlations(settings.maxCorrelations);
    } catch (error) {
      logger.warn({ err: error }, 'the correlation map starts empty: the results store could not be read');
    }
  }
  mirror.seedCorrelations({
    capacity: settings.maxCorrelations,
    pairs,
    maxSyncReads: settings.maxSyncReadsInFlight,
  });
}

export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const env = options.env ?? process.env;
  const source = routesSourceOf(options, env);
  const configFile = source.name;
  const logger = options.logger ?? createLogger();
  const metrics = createProxyMetrics();
  const recorder = options.recorder ?? discardingRecorder;
  // The recorder counts what it had to drop while the store was unavailable; the metric follows it
  // (strangler_store_dropped_records_total otherwise stayed 0 through an outage).
  /** The recorder's write health (an observable recorder's), null for one that only counts. */
  const storeStatus = (): RecorderStatus | null =>
    'status' in recorder && typeof recorder.status === 'function'
      ? (recorder.status as () => RecorderStatus)()
      : null;
  if (storeStatus() !== null) metrics.followStoreDrops(() => storeStatus()?.dropped ?? 0);
  metrics.followLogDrops(() => droppedLogLines(logger));
  const events = new EventEmitter<{ reload: [ReloadResult]; closed: [] }>();

  // The source is the proxy's from here: closed with it, or when its start fails.
  const first = await source.read().catch(async (error: unknown) => {
    await source.close?.();
    throw error;
  });
  if (!first.ok) {
    await source.close?.();
    throw new StartupConfigError(first.problems);
  }
  await acknowledge(source, first, logger);

  const safety = createRouteSafety({ logger, metrics, recorder });
  /** Each route's verdict from the store, as `report` gives it; null without a store to read. */
  const verdictsNow = async () => {
    if (!hasReader(recorder)) return null;
    try {
      return await routeVerdicts(recorder.reader, current.config);
    } catch (error) {
      // The driver's message may name the store's URL: logged (the logger redacts), not served.
      logger.warn({ err: error }, 'verdicts for /status: the results store could not be read');
      return { error: 'the results store could not be read' };
    }
  };
  let version = 1;
  let current: RoutingSnapshot = buildRoutingSnapshot(
    first.config,
    null,
    safety,
    version,
    first.compiled,
  ).snapshot;
  safety.watchUpstreams(current);
  metrics.followEndpoints(function* () {
    for (const [name, upstream] of current.upstreams)
      for (const endpoint of upstream.endpoints.status()) yield { upstream: name, state: endpoint.state };
  });
  // Upstreams found by DNS know their endpoints after a first answer: wait for it (bounded) before serving.
  await settledWithin(upstreamsReady(current), MAX_DISCOVERY_WAIT_MS);
  let last: ReloadResult = { ok: true, version, changed: true, at: Date.now() };
  let draining = false;

  const mirror = createShadowMirror({
    recorder,
    metrics,
    logger,
    maxInFlight: () => current.config.proxy.maxShadowsInFlight,
    maxBytesInFlight: () => current.config.proxy.maxShadowBytesInFlight,
    ...(options.shadowWorkerScript ? { workerScript: options.shadowWorkerScript } : {}),
  });
  // The shadow worker starts with the first table that mirrors anything, not with the first mirror: its
  // start-up (a thread loading its modules) must not land under live traffic or delay those mirrors.
  const prepareMirroring = (snapshot: RoutingSnapshot) => {
    for (const route of snapshot.routes.values()) {
      if (route.shadow) return mirror.prepare();
    }
  };
  prepareMirroring(current);
  await seedCorrelations(mirror, recorder, current.config.proxy, logger);
  // A start that fails from here on releases what it started: the shadow worker's thread and the
  // upstreams' timers would otherwise keep a process alive that serves nothing.
  const abandonStart = async (): Promise<void> => {
    await mirror.close();
    await tracing?.close();
    await rateLimits.close();
    for (const upstream of current.upstreams.values()) upstream.destroy();
    safety.close();
    await source.close?.();
  };
  // The listener opens once the worker has warmed up, so that its warm-up takes no CPU from live traffic
  // (bounded: a worker that is slow to warm up delays the start by this much at most).
  await settledWithin(mirror.ready(), MAX_WARM_UP_WAIT_MS);
  // The OpenTelemetry SDK is loaded only when an OTLP endpoint is configured.
  const tracing = await createTracing(env, logger);
  const rateLimits = createEdgeRateLimits({ metrics, logger });
  // Shared rate-limit buckets are used from the first request when Redis answers (bounded wait: when it
  // does not, local buckets decide until it does).
  await settledWithin(rateLimits.prepare(first.config), MAX_SHARED_STORE_WAIT_MS);
  // The proxy knows these only as observers of its exchanges: the shadow is a plug-in, as the rest.
  const observers: ExchangeObserver[] = [
    mirror,
    createServedRecordsObserver(recorder),
    createRequestMetricsObserver(metrics),
  ];
  if (options.accessLog ?? true) observers.push(createAccessLogObserver(logger));
  const serve = createRequestHandler({
    current: () => current,
    mark: mirror.mark,
    observers,
    metrics,
    logger,
    tracing,
    rateLimits,
    bridgeServed: createServedBridge(),
  });
  const handler = withEdgeAuth(serve, () => current);
  const proxyServer = createProxyServer(
    first.config.proxy,
    handler,
    createUpgradeHandler({
      current: () => current,
      metrics,
      logger,
      accessLog: options.accessLog ?? true,
    }),
  );
  const proxyPort = options.port ?? 8080;
  const proxyHost = options.host ?? '127.0.0.1';
  const bound = await proxyServer.listen(proxyPort, proxyHost).catch(async (error: unknown) => {
    await abandonStart();
    throw asListenError(error, 'proxy', proxyHost, proxyPort);
  });

  let appliedAt = Date.now();
  const fleet = options.fleet
    ? startFleetHeartbeat({
        store: options.fleet.store,
        version: options.fleet.version,
        logger,
        ...(options.fleet.heartbeatInterval === undefined
          ? {}
          : { interval: options.fleet.heartbeatInterval }),
        ...(options.fleet.missedHeartbeats === undefined
          ? {}
          : { missedHeartbeats: options.fleet.missedHeartbeats }),
        applied: () => ({
          routeRevisions: Object.fromEntries(currentRevisions(current.config)),
          appliedAt,
        }),
      })
    : null;
  // Registered before the proxy says it is up, so that status --fleet lists it from then on (bounded:
  // a store that does not answer delays the start by this much at most).
  if (fleet) await settledWithin(fleet.beat(), MAX_FIRST_HEARTBEAT_WAIT_MS);
  /** The live proxies of the fleet and the ones gone, for /status; null when this one keeps none. */
  const fleetNow = async () => {
    if (!fleet || !options.fleet) return null;
    try {
      return { self: fleet.id, ...(await readFleet(options.fleet.store, Date.now())) };
    } catch (error) {
      logger.warn({ err: error }, 'fleet for /status: the results store could not be read');
      return { self: fleet.id, error: 'the results store could not be read' };
    }
  };

  const apply = async (config: RoutesConfig, compiled?: readonly CompiledRoute[]): Promise<void> => {
    // Built before anything changes (requests meanwhile use the current table): a build that throws
    // leaves the version and the table as they were.
    const built = await buildRoutingSnapshotInSlices(config, current, safety, version + 1, compiled);
    await settledWithin(rateLimits.prepare(config), MAX_SHARED_STORE_WAIT_MS);
    // New upstreams found by DNS take traffic once they know their endpoints (or the wait runs out).
    await settledWithin(upstreamsReady(built.snapshot), MAX_DISCOVERY_WAIT_MS);
    version += 1;
    const previous = current;
    current = built.snapshot;
    appliedAt = Date.now();
    // The fleet sees the revisions this proxy now runs at once, not at its next heartbeat.
    void fleet?.beat();
    prepareMirroring(current);
    safety.onReload(previous, current);
    safety.watchUpstreams(current);
    // Requests in flight may still use a retired upstream (a retry, a fallback): it keeps its endpoints
    // for the drain timeout, then each endpoint's connections close once its last request has ended.
    if (built.retired.length > 0) {
      const timer = setTimeout(
        () => built.retired.forEach((upstream) => upstream.dispose()),
        config.proxy.drainTimeout,
      );
      timer.unref();
    }
  };

  const applied = async (
    config: RoutesConfig,
    compiled?: readonly CompiledRoute[],
  ): Promise<ReloadResult> => {
    await apply(config, compiled);
    const result: ReloadResult = { ok: true, version, changed: true, at: Date.now() };
    metrics.reload(true);
    logger.info({ version, routes: config.routes.length }, 'routes reloaded');
    recorder.recordEvent({ routeId: null, kind: 'reload', at: result.at, detail: `version ${version}` });
    return result;
  };

  // Every path (poll, SIGHUP, admin) reports a refused file alike: log, metric, admin API, event.
  const refused = (problems: readonly ConfigProblem[]): ReloadResult => {
    const result: ReloadResult = { ok: false, problems, at: Date.now() };
    metrics.reload(false);
    for (const problem of problems) {
      logger.error({ ...problem }, `routes file invalid, keeping version ${version}: ${problem.message}`);
    }
    recorder.recordEvent({
      routeId: null,
      kind: 'reload_failed',
      at: result.at,
      detail: problems.map((problem) => `${problem.line}:${problem.column} ${problem.code}`).join('; '),
    });
    return result;
  };

  const readAndApply = async (): Promise<ReloadResult> => {
    try {
      logger.info({ config: configFile }, 'reloading routes');
      // Parsed and checked off the serving thread when large, then compiled in slices (see apply).
      const read = await source.read(loadRoutesOffThread);
      watcher?.setSeen(read);
      if (!read.ok) return refused(read.problems);
      const result = await applied(read.config, read.compiled);
      await acknowledge(source, read, logger);
      return result;
    } catch (error) {
      // Whatever fails, the reload is refused and the last good table stays: a SIGHUP handler or a
      // poll has no caller to hand a rejection to.
      return refused([reloadFailure(configFile, error)]);
    }
  };

  let reloading: Promise<ReloadResult> | null = null;
  const reload = (): Promise<ReloadResult> => {
    // Once shutting down, the table stays as it is: close() disposes its upstreams.
    if (draining) return Promise.resolve(last);
    // Reloads are serialised: a poll and a SIGHUP arriving together apply the file once.
    reloading ??= readAndApply()
      .then((result) => {
        last = result;
        events.emit('reload', result);
        return result;
      })
      .finally(() => {
        reloading = null;
      });
    return reloading;
  };

  const interval = options.reloadInterval ?? first.config.proxy.reloadInterval;
  const watcher = interval > 0 ? source.watch(interval, first, async () => void (await reload())) : null;

  let admin: Awaited<ReturnType<typeof startAdminServer>> | null = null;
  if (options.admin !== false) {
    const adminHost = options.admin?.host ?? '127.0.0.1';
    const adminPort = options.admin?.port ?? 9901;
    try {
      admin = await startAdminServer(
        {
          host: adminHost,
          port: adminPort,
          token: options.admin?.token,
          allowedHosts: options.admin?.allowedHosts,
        },
        {
          metrics: metrics.registry,
          ready: () => !draining,
          upstreamHealthUrls: () => upstreamHealthUrls(current),
          routes: () => ({
            version,
            loadedAt: new Date(current.loadedAt).toISOString(),
            lastReload: last,
            routes: describeRoutes(current, safety),
          }),
          status: async () => ({
            version,
            draining,
            lastReload: last,
            inFlight: proxyServer.inFlight,
            shadowsInFlight: mirror.inFlight,
            upstreams: safety.upstreamStatus(current),
            autoRollbacks: safety.rolledBackRoutes(),
            store: storeStatus(),
            progress: await safety.progress(current),
            verdicts: await verdictsNow(),
            fleet: await fleetNow(),
          }),
          explain: (request) => explainLive(current, safety, request),
          store: storeStatus,
          reload,
        },
      );
    } catch (error) {
      await proxyServer.drain(0);
      watcher?.stop();
      await fleet?.stop();
      await abandonStart();
      throw asListenError(error, 'admin', adminHost, adminPort);
    }
  }

  logger.info(
    {
      url: `http://${bound.host}:${bound.port}`,
      admin: admin?.url ?? null,
      routes: first.config.routes.length,
      config: configFile,
      code: RUNNING_CODE,
    },
    'strangler proxy listening',
  );

  return {
    url: `http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`,
    port: bound.port,
    adminUrl: admin?.url ?? null,
    metrics,
    mirror,
    safety,
    events,
    fleet,
    snapshot: () => current,
    lastReload: () => last,
    reload,
    async close() {
      draining = true;
      watcher?.stop();
      // A reload under way finishes first, so that the upstreams disposed below are the last ones.
      await reloading?.catch(noop);
      const { completed } = await proxyServer.drain(current.config.proxy.drainTimeout);
      await Promise.race([
        mirror.idle(),
        new Promise((resolve) => setTimeout(resolve, current.config.proxy.drainTimeout).unref()),
      ]);
      // Mirrors still running past the drain timeout are settled (and recorded as abandoned) here.
      await mirror.close();
      await tracing?.close();
      await rateLimits.close();
      // Out of the fleet before the store closes (the recorder's close closes it).
      await fleet?.stop();
      await recorder.close();
      await admin?.close();
      for (const upstream of current.upstreams.values()) upstream.destroy();
      safety.close();
      await source.close?.();
      logger.info({ drained: completed }, 'strangler proxy stopped');
      events.emit('closed');
      return { drained: completed };
    },
  };
}

function routesSourceOf(
  options: StartProxyOptions,
  env: Readonly<Record<string, string | undefined>>,
): RoutesSource {
  if (options.routesSource) return options.routesSource;
  if (options.configFile === undefined)
    throw new TypeError('startProxy needs a configFile or a routesSource');
  return fileRoutesSource(path.resolve(options.configFile), env);
}

/** Tells the source its read now serves; a failure to say so is logged, the routes serve anyway. */
async function acknowledge(source: RoutesSource, read: SourceRead, logger: Logger): Promise<void> {
  try {
    await source.applied?.(read);
  } catch (error) {
    logger.warn({ err: error, config: source.name }, 'could not acknowledge the routes applied');
  }
}

/** An unexpected failure of a reload, as a problem of the file. */
function reloadFailure(file: string, error: unknown): ConfigProblem {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: 'CONFIG_RELOAD_FAILED',
    message: `the routes file could not be applied: ${reason}`,
    file,
    line: 0,
    column: 0,
    path: '',
  };
}
