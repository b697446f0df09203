/** Writes a routes.yaml into a fresh temporary directory. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function writeRoutesFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-faults-'));
  const file = path.join(dir, 'routes.yaml');
  await writeFile(file, text);
  return { dir, file };
}

/** A breaker that never opens, so every request exercises the failure path under test. */
export const NEVER_OPEN = '{ consecutiveFailures: 1000000, failureRate: 1, minRequests: 1000000 }';
