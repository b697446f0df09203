/**
 * How the `strangler` command starts, shared with whatever starts the proxy another way (`npm start`,
 * the bench). Plain JavaScript, so that choosing what to run never loads TypeScript type stripping.
 *
 * - Node flags and environment: the launcher's `#!/usr/bin/env -S … node …` line is the one place they
 *   are written.
 * - Code: `npm install` compiles the sources into dist/ (`npm run build`); that build starts without type
 *   stripping, which costs memory in every thread. When any source is newer than the build, the sources run instead, so
 *   an edit is never shadowed by a stale build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LAUNCHER = path.join(PACKAGE_ROOT, 'bin', 'strangler.js');
/** Written by scripts/build.ts once the compiler has finished: `{ "startedAt": <ms> }`. */
export const BUILD_STAMP = path.join('dist', 'build-stamp.json');
/** The proxy's sources, compiled into dist/ (tsconfig.build.json, with the bench's child process). */
export const PROXY_SOURCES = 'src';

/**
 * Why this Node cannot run the proxy, or null when it can: the package's `engines.node` (`>=MAJOR.MINOR`)
 * is the one place the minimum is written. The advice is to install a Node, never to run `npx` with
 * some other package's name.
 * @param {string} version `process.versions.node`
 * @param {string} executable the node that runs
 * @param {string} [root]
 * @returns {string | null}
 */
export function unsupportedNode(version, executable, root = PACKAGE_ROOT) {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const manifest = /** @type {{ name: string, engines: { node: string } }} */ (parsed);
  const minimum = /^>=(\d+)\.(\d+)$/.exec(manifest.engines.node);
  if (!minimum) throw new Error(`${root}/package.json: engines.node is not ">=MAJOR.MINOR"`);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor, needMinor] = [Number(minimum[1]), Number(minimum[2])];
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null;
  return (
    `${manifest.name} needs Node >= ${needMajor}.${needMinor} (the node on PATH is ${version}, ${executable}). ` +
    `Install a current Node (nodejs.org, or a version manager such as nvm: "nvm install 24"), then run it again.`
  );
}

const SHEBANG =
  /^#!\/usr\/bin\/env (?:-S((?: [A-Z_][A-Z0-9_]*=[^\s=]+)*) node((?: --[\w-]+(?:=[^\s=]+)?)*)|node)[ \t]*$/;

/**
 * The launcher's first line, `#!/usr/bin/env -S [NAME=value …] node [--flag[=value] …]`: what `env`
 * puts in the environment and the flags Node starts with.
 * @param {string} launcher
 * @returns {{ env: Record<string, string>, nodeFlags: string[] }}
 */
function readShebang(launcher) {
  const firstLine = readFileSync(launcher, 'utf8').split('\n', 1)[0] ?? '';
  const match = SHEBANG.exec(firstLine);
  if (!match)
    throw new Error(
      `${launcher}: line 1 is not "#!/usr/bin/env -S [NAME=value …] node [--flag[=value] …]" (nor "#!/usr/bin/env node")`,
    );
  return splitStartWords(`${match[1] ?? ''} ${match[2] ?? ''}`);
}

const ENV_WORD = /^[A-Z_][A-Z0-9_]*=/;

/**
 * Words that start Node as the launcher's line does, `NAME=value … --flag[=value] …`: the variables for
 * the environment and the flags for Node.
 * @param {string} words
 * @returns {{ env: Record<string, string>, nodeFlags: string[] }}
 */
export function splitStartWords(words) {
  /** @type {Record<string, string>} */
  const env = {};
  /** @type {string[]} */
  const nodeFlags = [];
  for (const word of words.split(' ')) {
    if (word === '') continue;
    if (ENV_WORD.test(word)) {
      const equals = word.indexOf('=');
      env[word.slice(0, equals)] = word.slice(equals + 1);
    } else nodeFlags.push(word);
  }
  return { env, nodeFlags };
}

/**
 * The Node flags on the launcher's first line, e.g. `['--max-semi-space-size=16']`.
 * @param {string} [launcher]
 * @returns {string[]}
 */
export function launcherNodeFlags(launcher = LAUNCHER) {
  return readShebang(launcher).nodeFlags;
}

/**
 * The variables the launcher's first line sets for Node, e.g. `{ MALLOC_ARENA_MAX: '2' }`: whatever
 * starts the proxy another way adds them to the process's environment.
 * @param {string} [launcher]
 * @returns {Record<string, string>}
 */
export function launcherEnv(launcher = LAUNCHER) {
  return readShebang(launcher).env;
}

/**
 * True when dist/ holds a complete build started after the last change to any source in `trees`
 * (folders of the package: the proxy's sources, and the bench's own for its child process).
 * @param {string} [root]
 * @param {readonly string[]} [trees]
 * @returns {boolean}
 */
export function isBuildFresh(root = PACKAGE_ROOT, trees = [PROXY_SOURCES]) {
  /** @type {unknown} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, BUILD_STAMP), 'utf8'));
  } catch {
    return false;
  }
  if (typeof stamp !== 'object' || stamp === null || !('startedAt' in stamp)) return false;
  const startedAt = stamp.startedAt;
  if (typeof startedAt !== 'number') return false;
  for (const tree of trees) {
    let names;
    try {
      names = readdirSync(path.join(root, tree), { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith('.ts')) continue;
      if (statSync(path.join(root, tree, name)).mtimeMs >= startedAt) return false;
    }
  }
  return true;
}

/**
 * The module to import for a source file (`src/cli/main.ts`, `bench/lib/server-process.ts`): its
 * compiled `.js` in dist/ when the build is fresh for the proxy's sources and the file's own folder,
 * else the source itself.
 * @param {string} source
 * @param {string} [root]
 * @returns {string}
 */
export function entryModule(source, root = PACKAGE_ROOT) {
  const trees = source.startsWith(`${PROXY_SOURCES}/`)
    ? [PROXY_SOURCES]
    : [PROXY_SOURCES, path.dirname(source)];
  const file = isBuildFresh(root, trees) ? path.join('dist', source.replace(/\.ts$/, '.js')) : source;
  return pathToFileURL(path.join(root, file)).href;
}
