/**
 * What a CLI command may touch: its output streams, whether to color, the working directory and the
 * environment. Commands receive it instead of reaching for `process`, so tests run them in-process.
 */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Color only for a terminal that supports it (and never when NO_COLOR is set). */
  readonly color: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Raised by a command to end with a given exit code; only the entry point turns it into process.exitCode. */
export class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message = '') {
    super(message);
    this.exitCode = exitCode;
  }
}
