/**
 * Compiles the sources (src/, and the bench's child process, bench/lib/server-process.ts) into dist/, then writes
 * the stamp that tells the launcher the build is complete and when it started (bin/launch.js).
 * `npm install` runs it (the root's `prepare`); `npm run build` reruns it.
 *
 *   node strangler-proxy/scripts/build.ts
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BUILD_STAMP, PACKAGE_ROOT } from '../bin/launch.js';

const startedAt = Date.now();
// From scratch: a deleted source leaves no module behind, and the launcher sees no stamp mid-build.
rmSync(path.join(PACKAGE_ROOT, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(PACKAGE_ROOT, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  process.stderr.write(`strangler build failed (tsc exited with ${result.status ?? result.signal})\n`);
  process.exit(1);
}
writeFileSync(path.join(PACKAGE_ROOT, BUILD_STAMP), `${JSON.stringify({ startedAt })}\n`);
process.stdout.write(
  `strangler: compiled into ${path.join(PACKAGE_ROOT, 'dist')} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
);
