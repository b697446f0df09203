/**
 * The results schema's migrations, in order, handed to knex through a custom migration source: they are
 * TypeScript modules imported here, not files found by a glob at run time (which breaks under bundling
 * and with `.ts` extensions). A new version is a new module appended to {@link MIGRATIONS}; never edit
 * one that has shipped.
 */
import type { Knex } from 'knex';
import * as createResults from './0001-create-results.ts';
import * as countMismatchSignatures from './0002-count-mismatch-signatures.ts';
import * as countSideErrors from './0003-count-side-errors.ts';
import * as recordRevisions from './0004-record-revisions.ts';
import * as recordDecisions from './0005-record-decisions.ts';
import * as measureLatencyFinely from './0006-measure-latency-finely.ts';
import * as correlateAndSync from './0007-correlate-and-sync.ts';
import * as registerInstances from './0008-register-instances.ts';
import * as publishRoutesAndRollUp from './0009-publish-routes-and-roll-up.ts';
import * as keepHourAndDayTiers from './0010-keep-hour-and-day-tiers.ts';

export interface NamedMigration extends Knex.Migration {
  readonly name: string;
}

export const MIGRATIONS: readonly NamedMigration[] = [
  createResults,
  countMismatchSignatures,
  countSideErrors,
  recordRevisions,
  recordDecisions,
  measureLatencyFinely,
  correlateAndSync,
  registerInstances,
  publishRoutesAndRollUp,
  keepHourAndDayTiers,
];

/** A knex migration source over {@link MIGRATIONS}. */
export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};
