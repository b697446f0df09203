/**
 * The process settings of `strangler-proxy start`, each a flag and an environment variable (12-factor:
 * a container or supervisor configures the proxy through its environment). The flag wins over the
 * variable, the variable over the default. This table is the one place they are written: the command's
 * options and `--help` are built from it, and a test keeps the README's table equal to it.
 */
import { Option } from 'commander';
import { CliExit, type CliIo } from './io.ts';
import { FLEET_HEARTBEAT_DEFAULTS } from '../fleet/fleet-liveness.ts';
import { RETENTION_DEFAULTS } from './options.ts';

export interface Setting {
  /** Commander's flags, e.g. `-p, --port <port>`. */
  readonly flags: string;
  readonly env: string;
  readonly description: string;
  /** `list`: the flag is repeatable and the variable comma-separated; `switch`: a `--no-…` flag. */
  readonly kind?: 'list' | 'switch';
  /** The value when neither flag nor variable is given; none when the setting is off unless given. */
  readonly default?: string;
  /** The values allowed, when they are a fixed set. */
  readonly choices?: readonly string[];
  /** Never shown: `--help` says whether it is set, not what it is. */
  readonly secret?: boolean;
}

export const START_SETTINGS = [
  {
    flags: '-c, --config <file>',
    env: 'STRANGLER_CONFIG',
    default: 'routes.yaml',
    description: 'routes file, or postgres://… for the routes published there',
  },
  { flags: '-p, --port <port>', env: 'STRANGLER_PORT', default: '8080', description: 'proxy port' },
  {
    flags: '--host <host>',
    env: 'STRANGLER_HOST',
    default: '127.0.0.1',
    description: 'proxy address (0.0.0.0 in a container)',
  },
  { flags: '--admin-port <port>', env: 'STRANGLER_ADMIN_PORT', default: '9901', description: 'admin port' },
  {
    flags: '--admin-host <host>',
    env: 'STRANGLER_ADMIN_HOST',
    default: '127.0.0.1',
    description: 'admin address (not loopback: a token is required)',
  },
  {
    flags: '--admin-token <token>',
    env: 'STRANGLER_ADMIN_TOKEN',
    description: 'admin API token (Bearer or x-admin-token)',
    secret: true,
  },
  {
    flags: '--admin-allowed-host <name>',
    env: 'STRANGLER_ADMIN_ALLOWED_HOSTS',
    kind: 'list',
    description: 'a host name the admin API accepts besides its address',
  },
  {
    flags: '--store <url>',
    env: 'STRANGLER_STORE',
    description:
      "results store: sqlite:FILE, postgres://… or none (default: routes file's store:, else strangler.db beside it)",
  },
  {
    flags: '--log-level <level>',
    env: 'STRANGLER_LOG_LEVEL',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error', 'silent'],
    description: 'log level',
  },
  {
    flags: '--log-format <format>',
    env: 'STRANGLER_LOG_FORMAT',
    choices: ['json', 'pretty'],
    description: 'log format (default: pretty on a terminal, else json)',
  },
  {
    flags: '--no-access-log',
    env: 'STRANGLER_ACCESS_LOG',
    kind: 'switch',
    default: 'true',
    choices: ['true', 'false'],
    description: 'per-request log lines (off: --no-access-log, or the variable set to false)',
  },
  {
    flags: '--heartbeat <duration>',
    env: 'STRANGLER_HEARTBEAT',
    default: `${FLEET_HEARTBEAT_DEFAULTS.interval / 1000}s`,
    description: 'how often the proxy renews its row in the fleet (status --fleet) in the results store',
  },
  {
    flags: '--missed-heartbeats <n>',
    env: 'STRANGLER_MISSED_HEARTBEATS',
    default: String(FLEET_HEARTBEAT_DEFAULTS.missedHeartbeats),
    description: 'heartbeats missed before the fleet takes the proxy as gone',
  },
  {
    flags: '--minutes-for <duration>',
    env: 'STRANGLER_MINUTES_FOR',
    default: RETENTION_DEFAULTS.minutesFor,
    description: 'keep evidence by the minute this long, then by the hour (as roll-up --minutes-for)',
  },
  {
    flags: '--hours-for <duration>',
    env: 'STRANGLER_HOURS_FOR',
    default: RETENTION_DEFAULTS.hoursFor,
    description: 'keep evidence this long, in whole days, then remove it (as roll-up --hours-for)',
  },
] as const satisfies readonly Setting[];

/**
 * The commander option of a setting. The variable, when set, becomes the option's default, so a flag
 * still wins; `--help` names the variable and shows its value, a secret's excepted.
 */
export function settingOption(setting: Setting, io: CliIo): Option {
  const option = new Option(setting.flags, `${setting.description} [env: ${setting.env}]`);
  const fromEnv = io.env[setting.env] || undefined;
  const shown = (value: string) =>
    setting.secret ? `set by ${setting.env}` : `${value}, from ${setting.env}`;
  switch (setting.kind) {
    case 'switch':
      // A `--no-x` flag: commander's default is true; the variable may turn it off.
      if (fromEnv !== undefined) option.default(fromEnv !== 'false', shown(fromEnv));
      return option;
    case 'list': {
      const names =
        fromEnv
          ?.split(',')
          .map((name) => name.trim())
          .filter(Boolean) ?? [];
      return option
        .argParser((name: string, previous: string[]) => [...previous, name])
        .default(names, fromEnv === undefined ? undefined : shown(fromEnv));
    }
    default:
      if (setting.choices) option.choices(setting.choices);
      if (fromEnv !== undefined) option.default(fromEnv, shown(fromEnv));
      else if (setting.default !== undefined) option.default(setting.default);
      return option;
  }
}

/**
 * Values that came from the environment are not checked by commander (a default never is): a variable
 * outside its setting's choices ends the command with a usage error naming it.
 */
export function checkSettingsEnv(io: CliIo): void {
  for (const setting of START_SETTINGS as readonly Setting[]) {
    const value = io.env[setting.env];
    if (value && setting.choices && !setting.choices.includes(value))
      throw new CliExit(
        2,
        `strangler: ${setting.env} must be one of ${setting.choices.join(', ')}, got "${value}"`,
      );
  }
}
