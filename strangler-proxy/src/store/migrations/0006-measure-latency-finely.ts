/**
 * Latency within 1%, and the monolith's disagreement with itself counted.
 *
 * Latency bins were four per doubling (~19% wide); new rows use log bins within 1% (`latency-histogram.ts`).
 * The scheme joins the latency key, so the old rows stay as they were, readable at their own precision
 * (`quarter_doubling`), and new rows never add into them. A key cannot be altered in place on SQLite,
 * so the table is rebuilt under its name with its rows copied.
 *
 * Noise probes (the primary asked twice) are counted per route, minute and revision: how many, and how
 * many disagreed, the baseline of the gate's mismatch rate.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0006-measure-latency-finely';

const OLD_SCHEME = 'quarter_doubling';
const COPIED = ['route_id', 'bucket', 'source', 'side', 'bin', 'count'];

export async function up(knex: Knex): Promise<void> {
  await rebuildLatency(knex, true);
  await knex.schema.createTable(TABLES.noiseProbes, (table) => {
    table.string('route_id', 200).notNullable();
    table.bigInteger('bucket').notNullable();
    table.string('revision', 100).notNullable().defaultTo('');
    table.bigInteger('probes').notNullable().defaultTo(0);
    table.bigInteger('disagreed').notNullable().defaultTo(0);
    table.primary(['route_id', 'bucket', 'revision']);
    table.index(['bucket']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLES.noiseProbes);
  await rebuildLatency(knex, false);
}

/** Rebuilds the latency table with (`withScheme`) or without the scheme in its key. */
async function rebuildLatency(knex: Knex, withScheme: boolean): Promise<void> {
  const next = `${TABLES.latency}_next`;
  await knex.schema.createTable(next, (table) => {
    table.string('route_id', 200).notNullable();
    table.bigInteger('bucket').notNullable();
    table.string('source', 16).notNullable();
    table.string('side', 16).notNullable();
    table.integer('bin').notNullable();
    if (withScheme) table.string('scheme', 32).notNullable();
    table.bigInteger('count').notNullable().defaultTo(0);
    table.primary(['route_id', 'bucket', 'source', 'side', ...(withScheme ? ['scheme'] : []), 'bin']);
  });
  const list = COPIED.map(() => '??').join(', ');
  if (withScheme) {
    await knex.raw(`INSERT INTO ?? (${list}, ??) SELECT ${list}, ? FROM ??`, [
      next,
      ...COPIED,
      'scheme',
      ...COPIED,
      OLD_SCHEME,
      TABLES.latency,
    ]);
  } else {
    // Back to one scheme: only the old rows mean what the old code reads.
    await knex.raw(`INSERT INTO ?? (${list}) SELECT ${list} FROM ?? WHERE ?? = ?`, [
      next,
      ...COPIED,
      ...COPIED,
      TABLES.latency,
      'scheme',
      OLD_SCHEME,
    ]);
  }
  await knex.schema.dropTable(TABLES.latency);
  await knex.schema.renameTable(next, TABLES.latency);
  await knex.schema.alterTable(TABLES.latency, (table) =>
    table.index(['bucket'], `${TABLES.latency}_bucket_index`),
  );
}
