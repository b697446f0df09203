#!/usr/bin/env node
// The `strangler` command. Node runs the TypeScript sources directly (type stripping), so there is no
// build step; that needs Node >= 22.15, which `npm install` brings in the project (the `node` package).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(
    `strangler needs Node >= 22.15 (this is ${process.versions.node}). Run it through npm so the project's ` +
      `pinned Node is used: npx strangler …\n`,
  );
  process.exit(1);
}
const { runCli, processIo } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
