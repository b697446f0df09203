/**
 * Evidence per route revision: comparisons, differences and served requests gain a `revision` column in
 * their key, so evidence recorded under a changed compare rule (or service, or stage) is counted apart
 * from the old, which stays. Rows from before read as revision `''`. A key cannot be altered in place on
 * SQLite, so each table is rebuilt under its name with its rows copied.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0004-record-revisions';

/** Revisions are short hex hashes; room is left for a service build identity. */
const REVISION_LENGTH = 100;

interface Rebuilt {
  readonly table: string;
  /** Columns besides route_id, bucket and revision, in order: [name, kind]. */
  readonly columns: readonly (readonly [string, 'counter' | 'text' | 'kind' | 'side'])[];
  /** Key columns after route_id and bucket (revision comes last). */
  readonly key: readonly string[];
}

const REBUILT: readonly Rebuilt[] = [
  {
    table: TABLES.comparisons,
    columns: [
      ['compared', 'counter'],
      ['matched', 'counter'],
      ['mismatched', 'counter'],
      ['errors', 'counter'],
      ['legacy_errors', 'counter'],
      ['service_errors', 'counter'],
    ],
    key: [],
  },
  {
    table: TABLES.diffs,
    columns: [
      ['path', 'text'],
      ['kind', 'kind'],
      ['count', 'counter'],
    ],
    key: ['path', 'kind'],
  },
  {
    table: TABLES.served,
    columns: [
      ['side', 'side'],
      ['requests', 'counter'],
      ['errors', 'counter'],
      ['fallbacks', 'counter'],
    ],
    key: ['side'],
  },
];

export async function up(knex: Knex): Promise<void> {
  for (const { table, columns, key } of REBUILT) {
    const next = `${table}_next`;
    await knex.schema.createTable(next, (builder) => {
      builder.string('route_id', 200).notNullable();
      builder.bigInteger('bucket').notNullable();
      for (const [column, kind] of columns) {
        if (kind === 'counter') builder.bigInteger(column).notNullable().defaultTo(0);
        else if (kind === 'text') builder.text(column).notNullable();
        else builder.string(column, 16).notNullable();
      }
      builder.string('revision', REVISION_LENGTH).notNullable().defaultTo('');
      builder.primary(['route_id', 'bucket', ...key, 'revision']);
    });
    const copied = ['route_id', 'bucket', ...columns.map(([column]) => column)];
    await knex.raw(
      `INSERT INTO ?? (${copied.map(() => '??').join(', ')}) SELECT ${copied.map(() => '??').join(', ')} FROM ??`,
      [next, ...copied, ...copied, table],
    );
    await knex.schema.dropTable(table);
    await knex.schema.renameTable(next, table);
    await knex.schema.alterTable(table, (builder) => {
      builder.index(['bucket'], `${table}_bucket_index`);
      builder.index(['route_id', 'revision', 'bucket'], `${table}_revision_index`);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { table, columns, key } of REBUILT) {
    const previous = `${table}_previous`;
    const counters = columns.filter(([, kind]) => kind === 'counter').map(([column]) => column);
    const kept = columns.filter(([, kind]) => kind !== 'counter').map(([column]) => column);
    await knex.schema.createTable(previous, (builder) => {
      builder.string('route_id', 200).notNullable();
      builder.bigInteger('bucket').notNullable();
      for (const [column, kind] of columns) {
        if (kind === 'counter') builder.bigInteger(column).notNullable().defaultTo(0);
        else if (kind === 'text') builder.text(column).notNullable();
        else builder.string(column, 16).notNullable();
      }
      builder.primary(['route_id', 'bucket', ...key]);
    });
    // Revisions summed away: the old key holds one row per route, bucket (and path, kind or side).
    const grouped = ['route_id', 'bucket', ...kept];
    const list = (names: readonly string[]) => names.map(() => '??').join(', ');
    await knex.raw(
      `INSERT INTO ?? (${list([...grouped, ...counters])}) SELECT ${list(grouped)}, ${counters.map(() => 'SUM(??)').join(', ')} FROM ?? GROUP BY ${list(grouped)}`,
      [previous, ...grouped, ...counters, ...grouped, ...counters, table, ...grouped],
    );
    await knex.schema.dropTable(table);
    await knex.schema.renameTable(previous, table);
    await knex.schema.alterTable(table, (builder) => builder.index(['bucket'], `${table}_bucket_index`));
  }
}
