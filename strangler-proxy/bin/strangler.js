#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// @ts-check
// The `strangler` command. It runs the compiled build in dist/ (made by `npm install`) or, when a source
// is newer than that build, the TypeScript sources directly (type stripping, Node >= 22.15, which
// `npm install` brings in the project: the `node` package).
//
// --max-semi-space-size=16: V8 sizes the young generation from the machine's memory, which on a large
// machine makes the proxy's resident set under load much larger for no gain in CPU per request; a
// smaller one costs CPU per request. --heap-growing-percent was tried and left out: it held the old
// generation down but cost serving-thread CPU per request. The measurements are in git history
// (strangler-proxy/bench/, before the bench was cut down to its product sections).
// MALLOC_ARENA_MAX=2: glibc gives threads that contend for malloc arenas of their own (several per
// core), and each keeps the memory it freed. The proxy's threads (serving, shadow worker, libuv's pool,
// V8's helpers) then hold far more in arenas under large shadowed uploads; two arenas hold less at the
// same CPU per request.
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
