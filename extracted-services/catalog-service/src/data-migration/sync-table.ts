/**
 * Makes one target table equal to a set of rows, by key: insert what is missing, update what differs,
 * delete what the source no longer has. Running it twice changes nothing the second time.
 */
import type { Knex } from 'knex';

export interface TableSpec<Row extends object> {
  readonly table: string;
  readonly key: keyof Row & string;
  readonly columns: ReadonlyArray<keyof Row & string>;
}

export interface SyncPlan<Row extends object> {
  readonly inserts: Row[];
  readonly updates: Row[];
  readonly deletes: unknown[];
  readonly unchanged: number;
}

type Loose = Record<string, unknown>;

/** Compares the target's rows with `rows` (the desired state). */
export async function planSync<Row extends object>(
  db: Knex,
  spec: TableSpec<Row>,
  rows: readonly Row[],
): Promise<SyncPlan<Row>> {
  const current = await db(spec.table).select<Loose[]>([...spec.columns]);
  const byKey = new Map(current.map((row) => [row[spec.key], row]));
  const plan: SyncPlan<Row> = { inserts: [], updates: [], deletes: [], unchanged: 0 };
  let unchanged = 0;
  for (const row of rows) {
    const wanted = row as Loose;
    const existing = byKey.get(wanted[spec.key]);
    byKey.delete(wanted[spec.key]);
    if (!existing) plan.inserts.push(row);
    else if (spec.columns.some((column) => existing[column] !== wanted[column])) plan.updates.push(row);
    else unchanged++;
  }
  plan.deletes.push(...byKey.keys());
  return { ...plan, unchanged };
}

const CHUNK = 200;

export async function applyUpserts<Row extends object>(
  trx: Knex.Transaction,
  spec: TableSpec<Row>,
  plan: SyncPlan<Row>,
): Promise<void> {
  for (let start = 0; start < plan.inserts.length; start += CHUNK) {
    await trx(spec.table).insert(plan.inserts.slice(start, start + CHUNK));
  }
  for (const row of plan.updates) {
    await trx(spec.table)
      .where(spec.key, (row as Loose)[spec.key] as Knex.Value)
      .update(row);
  }
}

export async function applyDeletes<Row extends object>(
  trx: Knex.Transaction,
  spec: TableSpec<Row>,
  plan: SyncPlan<Row>,
): Promise<void> {
  for (let start = 0; start < plan.deletes.length; start += CHUNK) {
    await trx(spec.table)
      .whereIn(spec.key, plan.deletes.slice(start, start + CHUNK) as Knex.Value[])
      .delete();
  }
}
