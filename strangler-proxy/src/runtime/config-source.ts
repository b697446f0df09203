/**
 * Reads routes.yaml from disk and validates it. A change is detected by hashing the content (polling),
 * which sees editor rename-saves and Kubernetes ConfigMap symlink swaps that file watchers miss.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadRoutesConfig, type ConfigProblem, type RoutesConfig } from '../config/index.ts';

export type ConfigRead =
  | { readonly ok: true; readonly config: RoutesConfig; readonly hash: string }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly hash: string };

export async function readConfigFile(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ConfigRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return {
      ok: false,
      hash: `unreadable:${code}`,
      problems: [
        {
          code: 'CONFIG_UNREADABLE',
          message: `cannot read the routes file (${code})`,
          file,
          line: 0,
          column: 0,
          path: '',
        },
      ],
    };
  }
  const hash = hashText(text);
  const loaded = loadRoutesConfig(text, { file, env: { ...env } });
  return loaded.ok
    ? { ok: true, config: loaded.config, hash }
    : { ok: false, problems: loaded.problems, hash };
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Calls `onChange` when the file's content hash changes; polls with an unref'd timer. */
export function watchFileContent(
  file: string,
  intervalMs: number,
  initialHash: string,
  onChange: () => Promise<void>,
): { stop(): void; setHash(hash: string): void } {
  let last = initialHash;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    readFile(file, 'utf8')
      .then(hashText, (error: NodeJS.ErrnoException) => `unreadable:${error.code ?? 'EIO'}`)
      .then(async (hash) => {
        if (hash === last) return;
        last = hash;
        await onChange();
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    setHash: (hash) => {
      last = hash;
    },
  };
}
