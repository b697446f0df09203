/**
 * The package's name (the command users type: `npx strangler-proxy …`) and version, read from its
 * package.json. The file is found by walking up from this module, which sits at a different depth in the
 * sources (src/cli/) and in the compiled build (dist/src/cli/).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command's name: the npm package's, so `npx`, `npm install -g` and the docs say the same. */
export const COMMAND_NAME = 'strangler-proxy';

/** The version in the package's package.json. */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === COMMAND_NAME && typeof manifest.version === 'string') return manifest.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`no package.json of ${COMMAND_NAME} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
