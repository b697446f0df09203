/** `strangler-proxy start`: runs the proxy until SIGTERM/SIGINT; SIGHUP reloads routes.yaml. */
import { Command } from 'commander';
import path from 'node:path';
import { CliExit, type CliIo } from '../io.ts';
import { startProxy, StartupConfigError, type RunningProxy } from '../../runtime/start-proxy.ts';
import { fileRoutesSource, type RoutesSource } from '../../runtime/config-source.ts';
import { openPublishedRoutesSource } from '../../runtime/published-routes-source.ts';
import { redactUrl } from '../../compare/redact-url.ts';
import { createLogger } from '../../logging/logger.ts';
import { formatProblems } from '../../config/index.ts';
import { hasFleetStore, openRecorder } from '../../runtime/open-recorder.ts';
import { parseDuration } from '../../config/schema.ts';
import { parsePort, retentionPolicy } from '../options.ts';
import { packageVersion } from '../package-info.ts';
import { checkSettingsEnv, settingOption, START_SETTINGS } from '../settings.ts';
import { describeStore, resolveStore } from '../store-resolver.ts';

export function createStartCommand(io: CliIo): Command {
  const command = new Command('start').description(
    'start the proxy on routes.yaml (hot reload on change and on SIGHUP); each option also from its variable',
  );
  for (const setting of START_SETTINGS) command.addOption(settingOption(setting, io));
  command.option('--json', 'the start line as JSON, and JSON logs (as --log-format json)');
  return command.action(async (options: StartOptions, self: Command) => {
    checkSettingsEnv(io);
    const port = parsePort(options.port, '--port (or STRANGLER_PORT)');
    const adminPort = parsePort(options.adminPort, '--admin-port (or STRANGLER_ADMIN_PORT)');
    const heartbeatInterval = parseHeartbeat(options.heartbeat);
    const missedHeartbeats = parseMissedHeartbeats(options.missedHeartbeats);
    const rollUp = retentionPolicy(options, {
      minutesFor: '--minutes-for (or STRANGLER_MINUTES_FOR)',
      hoursFor: '--hours-for (or STRANGLER_HOURS_FOR)',
    });
    const logFormat = options.json ? 'json' : (options.logFormat ?? (io.color ? 'pretty' : 'json'));
    const logger = createLogger({ level: options.logLevel, pretty: logFormat === 'pretty' });
    const published = isPublishedRoutes(options.config);
    const configFile = published ? path.resolve(io.cwd, 'routes.yaml') : path.resolve(io.cwd, options.config);
    const source = published ? await openPublished(options.config, io) : fileRoutesSource(configFile, io.env);
    // The routes' `store:` key is needed before anything opens; invalid routes stop the start here.
    const first = await source.read();
    if (!first.ok) {
      await source.close?.();
      throw invalidConfig(io, new StartupConfigError(first.problems));
    }
    const store =
      options.store === 'none'
        ? undefined
        : resolveStore({
            // The variable reaches here as the option's default: only a typed flag is `--store`.
            flag: self.getOptionValueSource('store') === 'cli' ? options.store : undefined,
            env: io.env,
            routesFile: configFile,
            // Routes published to a store keep their evidence there unless told otherwise.
            routesStore: first.config.store ?? (published ? options.config : undefined),
            cwd: io.cwd,
          });
    let proxy: RunningProxy | undefined;
    const recorder = await openRecorder(store?.url ?? 'none', {
      cwd: io.cwd,
      logger,
      routes: () => proxy?.snapshot().config.routes ?? [],
      rollUp,
    });
    try {
      proxy = await startProxy({
        routesSource: source,
        port,
        host: options.host,
        admin: {
          port: adminPort,
          host: options.adminHost,
          ...(options.adminToken ? { token: options.adminToken } : {}),
          allowedHosts: options.adminAllowedHost,
        },
        recorder,
        logger,
        accessLog: options.accessLog,
        env: io.env,
        ...(hasFleetStore(recorder)
          ? {
              fleet: {
                store: recorder.fleetStore,
                version: packageVersion(),
                heartbeatInterval,
                missedHeartbeats,
              },
            }
          : {}),
      });
    } catch (error) {
      await recorder.close();
      if (error instanceof StartupConfigError) throw invalidConfig(io, error);
      if (error instanceof Error && 'code' in error) throw new CliExit(1, `strangler: ${error.message}`);
      throw error;
    }
    const running = proxy;
    // The handlers go in before the line that says the proxy is up: a supervisor that signals as soon as
    // it reads that line (SIGHUP's default action ends the process) must find them there.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        process.off('SIGHUP', hup);
        void running.close().then(() => resolve());
      };
      const hup = () => void running.reload();
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      process.on('SIGHUP', hup);
    });
    const storeText = store ? describeStore(store) : 'none';
    io.stdout.write(
      options.json
        ? `${JSON.stringify({ proxy: proxy.url, admin: proxy.adminUrl, store: storeText, config: path.relative(io.cwd, configFile) || configFile })}\n`
        : `strangler proxy on ${proxy.url}  admin ${proxy.adminUrl ?? 'off'}  store ${storeText}  routes ${path.relative(io.cwd, configFile) || configFile}\n`,
    );
    await stopped;
  });
}

function parseHeartbeat(text: string): number {
  let interval: number;
  try {
    interval = parseDuration(text);
  } catch {
    interval = 0;
  }
  if (interval <= 0)
    throw new CliExit(
      2,
      `strangler: --heartbeat (or STRANGLER_HEARTBEAT) expects a duration such as 500ms or 10s, got "${text}"`,
    );
  return interval;
}

function parseMissedHeartbeats(text: string): number {
  const missed = Number(text);
  if (!Number.isInteger(missed) || missed < 1)
    throw new CliExit(
      2,
      `strangler: --missed-heartbeats (or STRANGLER_MISSED_HEARTBEATS) expects a whole number ≥ 1, got "${text}"`,
    );
  return missed;
}

/** `--config postgres://…`: the routes are the versions published to that store. */
function isPublishedRoutes(config: string): boolean {
  return /^postgres(ql)?:\/\//.test(config);
}

async function openPublished(url: string, io: CliIo): Promise<RoutesSource> {
  try {
    return await openPublishedRoutesSource(url, { env: io.env });
  } catch (error) {
    throw new CliExit(1, `strangler: cannot read routes from ${redactUrl(url)}: ${(error as Error).message}`);
  }
}

function invalidConfig(io: CliIo, error: StartupConfigError): CliExit {
  io.stderr.write(`${formatProblems(error.problems, { color: io.color })}\n`);
  return new CliExit(1, `strangler: ${error.message}; nothing started`);
}

interface StartOptions {
  config: string;
  port: string;
  host: string;
  adminPort: string;
  adminHost: string;
  adminToken?: string;
  adminAllowedHost: string[];
  /** Unset: STRANGLER_STORE was not set either (commander puts the variable here). */
  store?: string;
  accessLog: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  logFormat?: 'json' | 'pretty';
  heartbeat: string;
  missedHeartbeats: string;
  minutesFor: string;
  hoursFor: string;
  json?: boolean;
}
