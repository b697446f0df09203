/** Runs the CLI in-process with captured output. */
import { runCli } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runStrangler(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; color?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    color: options.color ?? false,
    cwd: options.cwd,
    env: options.env ?? {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
