/**
 * `strangler-proxy history [route-id]`: the decision ledger, oldest first: every promote, rollback, forced
 * step and automatic rollback, with the revision, evidence and limits it was decided on and who decided.
 *
 *   strangler-proxy history [route-id] [--store sqlite:./strangler.db] [--config routes.yaml] [--json]
 */
import { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { formatTable } from '../format-table.ts';
import type { StoredDecision } from '../../store/result-store.ts';
import { configPath, inProcess, lines } from './promote-shared.ts';
import { readStoreKey } from '../read-store-key.ts';
import { describeStore, openStoreForReading, resolveStore } from '../store-resolver.ts';

interface HistoryFlags {
  readonly store?: string;
  readonly config: string;
  readonly json?: boolean;
}

/** One ledger entry as `--json` gives it: evidence and bounds as the objects they were stored from. */
export interface HistoryEntry extends Omit<StoredDecision, 'at' | 'evidence' | 'bounds'> {
  /** ISO 8601. */
  readonly at: string;
  readonly evidence: unknown;
  readonly bounds: unknown;
}

export interface HistoryJson {
  /** The store read (credentials masked). */
  readonly store: string;
  readonly routeId: string | null;
  readonly decisions: readonly HistoryEntry[];
}

export function createHistoryCommand(io: CliIo): Command {
  const command = new Command('history')
    .description('list the decision ledger: promotions, rollbacks, forced steps and automatic rollbacks')
    .argument('[route-id]', 'only this route')
    .option(
      '--store <url>',
      "results store (default: STRANGLER_STORE, else the routes file's store:, else strangler.db beside it)",
    )
    .option(
      '-c, --config <file>',
      'routes file beside which the default store lies',
      io.env.STRANGLER_CONFIG ?? 'routes.yaml',
    )
    .option('--json', 'print the entries as JSON')
    .action(async (routeId: string | undefined, flags: HistoryFlags) => {
      const file = configPath(io, flags.config);
      const routesStore = flags.store === undefined ? await readStoreKey(io, file) : undefined;
      const resolved = resolveStore({
        flag: flags.store,
        env: io.env,
        routesFile: file,
        routesStore,
        cwd: io.cwd,
      });
      const store = await openStoreForReading(resolved);
      let decisions: StoredDecision[];
      try {
        decisions = await store.decisions(routeId === undefined ? {} : { routeId });
      } finally {
        await store.close();
      }
      const where = describeStore(resolved);
      if (flags.json === true) {
        const json: HistoryJson = {
          store: where,
          routeId: routeId ?? null,
          decisions: decisions.map(toEntry),
        };
        io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      printHistory(io, where, routeId, decisions);
    });
  return inProcess(command, io);
}

function toEntry(decision: StoredDecision): HistoryEntry {
  return {
    ...decision,
    at: new Date(decision.at).toISOString(),
    evidence: parseStored(decision.evidence),
    bounds: parseStored(decision.bounds),
  };
}

/** Stored JSON back as a value; text that is not JSON is shown as it is rather than lost. */
function parseStored(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function printHistory(
  io: CliIo,
  where: string,
  routeId: string | undefined,
  decisions: readonly StoredDecision[],
): void {
  const scope = routeId === undefined ? '' : ` for ${routeId}`;
  if (decisions.length === 0) {
    io.stdout.write(lines(`no decisions recorded${scope} in ${where}`));
    return;
  }
  io.stdout.write(lines(`decision ledger of ${where}${scope}`, ''));
  const rows = decisions.map((decision) => [
    new Date(decision.at).toISOString(),
    decision.routeId,
    decision.kind.replace('_', ' '),
    `${decision.from} → ${decision.to}`,
    decision.revision,
    `${decision.user}@${decision.host}`,
    decision.message ?? '',
  ]);
  io.stdout.write(
    lines(formatTable(['when', 'route', 'decision', 'move', 'revision', 'who', 'message'], rows)),
  );
}
