/**
 * The counter tables kept per time bucket, with what identifies a row besides its bucket and what it
 * counts. The roll-up merges their minutes into hours from this table alone.
 */
import { TABLES } from './knex-tables.ts';
import { columnOf } from './knex-rows.ts';
import { COMPARISON_COUNTERS } from './result-store.ts';

export interface BucketedTable {
  readonly table: string;
  /** Key columns besides `bucket`. */
  readonly keys: readonly string[];
  /** Columns that add when rows merge. */
  readonly counters: readonly string[];
  /** Columns that are the same in every row of a key (a signature's shapes): any one is kept. */
  readonly same?: readonly string[];
}

export const BUCKETED_TABLES: readonly BucketedTable[] = [
  {
    table: TABLES.comparisons,
    keys: ['route_id', 'revision'],
    counters: COMPARISON_COUNTERS.map(columnOf),
  },
  { table: TABLES.latency, keys: ['route_id', 'source', 'side', 'scheme', 'bin'], counters: ['count'] },
  { table: TABLES.diffs, keys: ['route_id', 'path', 'kind', 'revision'], counters: ['count'] },
  { table: TABLES.signatures, keys: ['route_id', 'signature'], counters: ['count'], same: ['shapes'] },
  { table: TABLES.skips, keys: ['route_id', 'reason'], counters: ['count'] },
  {
    table: TABLES.served,
    keys: ['route_id', 'side', 'revision'],
    counters: ['requests', 'errors', 'fallbacks'],
  },
  { table: TABLES.unmatched, keys: ['method', 'template'], counters: ['count'] },
  { table: TABLES.noiseProbes, keys: ['route_id', 'revision'], counters: ['probes', 'disagreed'] },
  {
    table: TABLES.sync,
    keys: ['route_id'],
    counters: ['checked', 'in_sync', 'out_of_sync', 'skipped'],
  },
];
