/**
 * What a scenario of the bench is, and what it is given. A scenario measures one thing and says it as
 * tables and as checks against its targets; `bench/scenarios/index.ts` lists the scenarios that run.
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
  /** Interleaved rounds of the side-by-side loads (median reported), and processes per proxy setup. */
  readonly rounds: number;
  readonly processes: number;
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

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  readonly notes?: readonly string[];
}

/** A target checked against one run's figures; `met: null` when the run could not tell. */
export type TargetCheck = {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
};

export interface Scenario<Result = unknown> {
  /** Its name for `--only`, and its key in the JSON results. */
  readonly id: string;
  /** Runs while the side-by-side setups are up; they are stopped before any other scenario. */
  readonly usesSetups?: boolean;
  measure(context: ScenarioContext): Promise<Result>;
  tables(result: Result, options: BenchOptions): readonly Table[];
  targets?(result: Result): readonly TargetCheck[];
}

/** Types a scenario's parts against its own result, for the list of every scenario. */
export const defineScenario = <Result>(scenario: Scenario<Result>): Scenario => scenario;
