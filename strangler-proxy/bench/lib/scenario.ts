/**
 * What a scenario of the bench is, what it is given and what it returns: its tables, each row a record
 * of column header → figure, printed as it is and given as it is in the JSON results, and its checks
 * against its targets. `run-bench.ts` lists the scenarios that run.
 */
import type { Lab } from './lab.ts';
import type { RunningSetup } from './setups.ts';

export interface BenchOptions {
  readonly quick: boolean;
  /** Routes in routes.yaml for the strangler setups. */
  readonly routes: number;
  /** Closed-loop load: connections, and seconds per trial. */
  readonly connections: number;
  readonly trialSec: number;
  /** Interleaved rounds of the side-by-side loads (median reported). */
  readonly rounds: number;
  /** Requests per second of the fixed-rate load. */
  readonly rate: number;
  /** The length of another load phase: `full` seconds, or `short` (at most) with --quick. */
  readonly phaseSec: (full: number, short: number) => number;
}

export interface ScenarioContext {
  readonly options: BenchOptions;
  /** The upstream, and the processes started on it for this run (opened on first use). */
  readonly lab: () => Promise<Lab>;
  /** Every setup side by side, started on first use. */
  readonly setups: () => Promise<readonly RunningSetup[]>;
  readonly log: (line: string) => void;
}

/** A figure; null when the run has none (a setup without a proxy has no proxy CPU). */
export type Cell = number | string | null;
export type Row = Readonly<Record<string, Cell>>;

export interface Table {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly notes?: readonly string[];
}

/** A target checked against one run's figures; `met: null` when the run could not tell. */
export type TargetCheck = {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
};

export interface Scenario {
  /** Its name for `--only`, and its key in the JSON results. */
  readonly id: string;
  /** Runs while the side-by-side setups are up; they are stopped before any other scenario. */
  readonly usesSetups?: boolean;
  run(context: ScenarioContext): Promise<{ tables: Table[]; targets?: TargetCheck[] }>;
}
