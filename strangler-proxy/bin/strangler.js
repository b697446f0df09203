#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// @ts-check
// The `strangler` command. It runs the compiled build in dist/ (made by `npm install`) or, when a source
// is newer than that build, the TypeScript sources directly (type stripping, Node >= 22.15, which
// `npm install` brings in the project: the `node` package).
//
// --max-semi-space-size=16: V8 sizes the young generation from the machine's memory (64 MB semi-spaces
// on a large machine). At 16 MB the proxy's resident set under load is 20–100 MB smaller, its CPU per
// request within the spread between processes; 8 MB costs 2–3% more instructions per request (callgrind)
// and as much serving-thread CPU. --heap-growing-percent=30 held the old generation to half under
// shadowed 1 MB uploads, but cost 8% serving-thread CPU per GET, 100 cost 9%: left out
// (bench/compare-node-flags.ts; strangler-proxy/bench/RESULTS.md).
// MALLOC_ARENA_MAX=2: glibc gives threads that contend for malloc arenas of their own (up to 8 per
// core), and each keeps the memory it freed. The proxy's threads (serving, shadow worker, libuv's pool,
// V8's helpers) then held 25–28 MB in arenas under shadowed 1 MB uploads; with two, 8–13 MB, at the
// same CPU per request (compare-node-flags 'MALLOC_ARENA_MAX=2 --max-semi-space-size=16').
// Anything that starts the proxy another way reads the flags and variables from this line (launch.js).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(
    `strangler needs Node >= 22.15 (this is ${process.versions.node}). Run it through npm so the project's ` +
      `pinned Node is used: npx strangler …\n`,
  );
  process.exit(1);
}
const { entryModule } = await import('./launch.js');
// The shape of src/cli/main.ts, imported by a path chosen at run time. The lint rule reads the import
// under the JSDoc cast, not the cast.
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
const cli = /** @type {{ runCli(argv: string[], io: unknown): Promise<number>, processIo(): unknown }} */ (
  await import(entryModule('src/cli/main.ts'))
);
process.exitCode = await cli.runCli(process.argv.slice(2), cli.processIo());
