/**
 * `services.X.auth.hook.module` is written relative to the routes file, as a reader of the file expects;
 * the loader makes it absolute (the proxy may run from anywhere, and the shadow worker imports it too).
 */
import path from 'node:path';
import type { RoutesFile } from './schema.ts';

export function resolveHookModules(config: RoutesFile, file: string): void {
  const base = path.dirname(path.resolve(file));
  for (const service of Object.values(config.services)) {
    const hook = service.auth?.hook;
    if (hook && !hook.module.startsWith('file:')) hook.module = path.resolve(base, hook.module);
  }
}
