/**
 * Settings from environment variables, checked once at start-up. Every problem is collected and reported
 * together, so a misconfigured service fails with the full list instead of one variable at a time.
 */

/** Thrown by {@link EnvReader.done} with every problem found. */
export class SettingsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid settings:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads typed values from an environment; call {@link EnvReader.done} after the last read. */
export interface EnvReader {
  string(name: string, fallback: string): string;
  /** An integer between `min` and `max` (inclusive). */
  int(name: string, fallback: number, range?: { min?: number; max?: number }): number;
  /** A TCP port; 0 lets the system choose. */
  port(name: string, fallback: number): number;
  /** An http(s) URL, returned without a trailing slash. */
  url(name: string, fallback: string): string;
  /** One of `choices`. */
  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  /** Throws {@link SettingsError} if any read failed. */
  done(): void;
}

/** Creates a reader over `env` (normally `process.env`); empty values count as unset. */
export function createEnvReader(env: Env): EnvReader {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const reader: EnvReader = {
    string: (name, fallback) => raw(name) ?? fallback,
    int(name, fallback, range = {}) {
      const text = raw(name);
      if (text === undefined) return fallback;
      const value = Number(text);
      const min = range.min ?? Number.MIN_SAFE_INTEGER;
      const max = range.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^-?\d+$/.test(text) || value < min || value > max) {
        problems.push(`${name}=${text}: expected an integer between ${min} and ${max}`);
        return fallback;
      }
      return value;
    },
    port: (name, fallback) => reader.int(name, fallback, { min: 0, max: 65_535 }),
    url(name, fallback) {
      const text = raw(name) ?? fallback;
      if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
        problems.push(`${name}=${text}: expected an http:// or https:// URL`);
        return fallback.replace(/\/+$/, '');
      }
      return text.replace(/\/+$/, '');
    },
    oneOf(name, choices, fallback) {
      const text = raw(name);
      if (text === undefined) return fallback;
      const match = choices.find((choice) => choice === text);
      if (match === undefined) {
        problems.push(`${name}=${text}: expected one of ${choices.join(', ')}`);
        return fallback;
      }
      return match;
    },
    done() {
      if (problems.length > 0) throw new SettingsError(problems);
    },
  };
  return reader;
}
