#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// @ts-check
// The `strangler-proxy` command. Installed from npm it runs the compiled build in dist/, on the `node`
// found on PATH (any Node >= 22.15, the package's engines). In the project's repository it runs that
// build (made by `npm install`) or, when a source is newer than it, the TypeScript sources directly
// (type stripping; npm scripts and `npx` there use the Node the project pins: the `node` package).
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
// launch.js uses nothing a Node too old for the proxy lacks: it can say so itself.
const { entryModule, unsupportedNode } = await import('./launch.js');
const refusal = unsupportedNode(process.versions.node, process.execPath);
if (refusal !== null) {
  process.stderr.write(`${refusal}\n`);
  process.exit(1);
}
// The shape of src/cli/main.ts, imported by a path chosen at run time. The lint rule reads the import
// under the JSDoc cast, not the cast.
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
const cli = /** @type {{ runCli(argv: string[], io: unknown): Promise<number>, processIo(): unknown }} */ (
  await import(entryModule('src/cli/main.ts'))
);
process.exitCode = await cli.runCli(process.argv.slice(2), cli.processIo());
