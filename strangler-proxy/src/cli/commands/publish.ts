/**
 * `strangler-proxy publish -c routes.yaml --store postgres://…`: validates the file, then stores it as
 * the next version of the fleet's routes; proxies started with `--config postgres://…` apply it. An
 * invalid file is never stored (exit 1); a store that is not PostgreSQL is a usage error (exit 2).
 */
import { userInfo, hostname } from 'node:os';
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliExit, type CliIo } from '../io.ts';
import { formatProblems } from '../../config/index.ts';
import { hashBytes } from '../../runtime/config-source.ts';
import { openRoutesPublication } from '../../store/published-routes.ts';
import { readRoutesFile } from '../read-routes-file.ts';
import { describeStore, resolveStore } from '../store-resolver.ts';

interface PublishFlags {
  readonly config: string;
  readonly store?: string;
  readonly json?: boolean;
}

export function createPublishCommand(io: CliIo): Command {
  return new Command('publish')
    .description('validate a routes file and store it as the next version for proxies started on the store')
    .option('-c, --config <file>', 'routes file', io.env.STRANGLER_CONFIG ?? 'routes.yaml')
    .option(
      '--store <url>',
      "the fleet's PostgreSQL store (default: STRANGLER_STORE, else store: in the file)",
    )
    .option('--json', 'machine-readable output')
    .action((flags: PublishFlags) => publish(io, flags));
}

async function publish(io: CliIo, flags: PublishFlags): Promise<void> {
  const read = await readRoutesFile(io, flags.config);
  if (!read.ok) {
    io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
    throw new CliExit(1, `strangler: ${read.file} is invalid; nothing published`);
  }
  const store = resolveStore({
    flag: flags.store,
    env: io.env,
    routesFile: flags.config,
    routesStore: read.config.store,
    cwd: io.cwd,
  });
  if (!/^postgres(ql)?:\/\//.test(store.url)) {
    throw new CliExit(
      2,
      `strangler: routes are published to a PostgreSQL store, and ${describeStore(store)} is not one`,
    );
  }
  // The bytes as read, so the version's revision is the file's own hash.
  const bytes = await readFile(path.resolve(io.cwd, flags.config));
  let publication;
  try {
    publication = await openRoutesPublication(store.url);
  } catch (error) {
    throw new CliExit(2, `strangler: cannot open ${describeStore(store)}: ${(error as Error).message}`);
  }
  try {
    const published = await publication.publish({
      text: bytes.toString('utf8'),
      revision: hashBytes(bytes),
      publishedAt: Date.now(),
      publishedBy: `${userInfo().username}@${hostname()}`,
    });
    const summary = {
      file: read.file,
      store: describeStore(store),
      version: published.version,
      revision: published.revision,
      routes: read.config.routes.length,
    };
    io.stdout.write(
      flags.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `published ${read.file} (${summary.routes} routes) as version ${published.version}, revision ${published.revision.slice(0, 12)}, to ${summary.store}\n`,
    );
  } finally {
    await publication.close();
  }
}
