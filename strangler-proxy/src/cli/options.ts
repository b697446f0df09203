/** Small argument parsers shared by the commands; they fail with exit code 2 (usage). */
import { Option } from 'commander';
import { CliExit, type CliIo } from './io.ts';
import { parseDuration } from '../config/schema.ts';
import { DEFAULT_ROLL_UP, HOUR_MS, type RollUpPolicy } from '../store/result-store.ts';

export function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliExit(2, `strangler: ${flag} must be a port number (0-65535), got "${text}"`);
  return port;
}

/** Which revisions of a route's evidence count: its current one (the default), or all of them. */
export const REVISION_CHOICES = ['current', 'all'] as const;
export type RevisionChoice = (typeof REVISION_CHOICES)[number];

/** `--revision current|all`, shared by report, check and promote. */
export function revisionOption(): Option {
  return new Option(
    '--revision <which>',
    "evidence of the route's current revision only, or of all (default: current)",
  ).choices(REVISION_CHOICES);
}

/** `-c, --config <file>`, as every command spells it; STRANGLER_CONFIG, else routes.yaml, by default. */
export function configOption(description = 'routes file'): Option {
  return new Option('-c, --config <file>', `${description} (default: STRANGLER_CONFIG, else routes.yaml)`);
}

/**
 * The routes file of a command that also takes it as an argument, the older form (`validate FILE`): the
 * argument or `-c`, not two different files.
 */
export function routesFileOf(io: CliIo, argument: string | undefined, flag: string | undefined): string {
  if (argument !== undefined && flag !== undefined && argument !== flag)
    throw new CliExit(2, `strangler: two routes files given ("${argument}" and -c "${flag}"): give one`);
  return argument ?? flag ?? io.env.STRANGLER_CONFIG ?? 'routes.yaml';
}

/** A retention period: `36h`, `7d`, or any duration routes.yaml accepts; at least an hour. */
export function parseRetention(text: string, flag: string): number {
  const days = /^(\d+)d$/.exec(text);
  let ms: number;
  try {
    ms = days ? Number(days[1]) * 86_400_000 : parseDuration(text);
  } catch {
    ms = Number.NaN;
  }
  if (!(ms >= 3_600_000))
    throw new CliExit(2, `strangler: ${flag} must be a duration of an hour or more (36h, 7d), got "${text}"`);
  return ms;
}

/** The default `--minutes-for` and `--hours-for` of `start` and `roll-up`, as they are written. */
export const RETENTION_DEFAULTS = {
  minutesFor: `${DEFAULT_ROLL_UP.minutesFor / HOUR_MS}h`,
  hoursFor: `${DEFAULT_ROLL_UP.hoursFor / (24 * HOUR_MS)}d`,
} as const;

/**
 * The roll-up policy of `--minutes-for` and `--hours-for` (`flags` names them as the user may have set
 * them): minutes may not be kept longer than the evidence itself.
 */
export function retentionPolicy(
  texts: { readonly minutesFor: string; readonly hoursFor: string },
  flags: { readonly minutesFor: string; readonly hoursFor: string },
): RollUpPolicy {
  const minutesFor = parseRetention(texts.minutesFor, flags.minutesFor);
  const hoursFor = parseRetention(texts.hoursFor, flags.hoursFor);
  if (minutesFor > hoursFor)
    throw new CliExit(
      2,
      `strangler: ${flags.minutesFor} (${texts.minutesFor}) must not be longer than ${flags.hoursFor} (${texts.hoursFor})`,
    );
  return { ...DEFAULT_ROLL_UP, minutesFor, hoursFor };
}
