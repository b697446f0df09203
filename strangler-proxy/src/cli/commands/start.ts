/** `strangler start`: runs the proxy until SIGTERM/SIGINT; SIGHUP reloads routes.yaml. */
import { Command, Option } from 'commander';
import path from 'node:path';
import { CliExit, type CliIo } from '../io.ts';
import { startProxy, StartupConfigError, type RunningProxy } from '../../runtime/start-proxy.ts';
import { createLogger } from '../../logging/logger.ts';
import { formatProblems } from '../../config/index.ts';
import { openRecorder } from '../../runtime/open-recorder.ts';
import { parsePort } from '../options.ts';
import { redactUrl } from '../../compare/redact-url.ts';

export function createStartCommand(io: CliIo): Command {
  return new Command('start')
    .description('start the proxy on routes.yaml (hot reload on change and on SIGHUP)')
    .option('-c, --config <file>', 'routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option('-p, --port <port>', 'proxy port', io.env.PROXY_PORT ?? '8080')
    .option('--host <host>', 'proxy address', io.env.PROXY_HOST ?? '127.0.0.1')
    .option('--admin-port <port>', 'admin port', io.env.STRANGLER_ADMIN_PORT ?? '9901')
    .option('--admin-host <host>', 'admin address (not loopback: a token is required)', '127.0.0.1')
    .addOption(new Option('--admin-token <token>', 'admin token').env('STRANGLER_ADMIN_TOKEN'))
    .option(
      '--admin-allowed-host <name>',
      'a host name the admin API accepts in Host besides its address (repeatable)',
      (name: string, names: string[]) => [...names, name],
      [] as string[],
    )
    .option(
      '--store <url>',
      'results store: sqlite:FILE, postgres://… or none',
      io.env.STRANGLER_STORE ?? 'sqlite:./strangler.db',
    )
    .option('--no-access-log', 'no per-request log lines')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error', 'silent'])
        .default('info'),
    )
    .addOption(
      new Option('--log-format <format>', 'log format')
        .choices(['json', 'pretty'])
        .default(io.color ? 'pretty' : 'json'),
    )
    .action(async (options: StartOptions) => {
      const logger = createLogger({ level: options.logLevel, pretty: options.logFormat === 'pretty' });
      let proxy: RunningProxy | undefined;
      const recorder = await openRecorder(options.store, {
        cwd: io.cwd,
        logger,
        routes: () => proxy?.snapshot().config.routes ?? [],
      });
      try {
        proxy = await startProxy({
          configFile: path.resolve(io.cwd, options.config),
          port: parsePort(options.port, '--port'),
          host: options.host,
          admin: {
            port: parsePort(options.adminPort, '--admin-port'),
            host: options.adminHost,
            ...(options.adminToken ? { token: options.adminToken } : {}),
            allowedHosts: options.adminAllowedHost,
          },
          recorder,
          logger,
          accessLog: options.accessLog,
          env: io.env,
        });
      } catch (error) {
        await recorder.close();
        if (error instanceof StartupConfigError) {
          io.stderr.write(`${formatProblems(error.problems, { color: io.color })}\n`);
          throw new CliExit(1, `strangler: ${error.message}; nothing started`);
        }
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
      io.stdout.write(
        `strangler proxy on ${proxy.url}  admin ${proxy.adminUrl ?? 'off'}  store ${redactUrl(options.store)}\n`,
      );
      await stopped;
    });
}

interface StartOptions {
  config: string;
  port: string;
  host: string;
  adminPort: string;
  adminHost: string;
  adminToken?: string;
  adminAllowedHost: string[];
  store: string;
  accessLog: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  logFormat: 'json' | 'pretty';
}
