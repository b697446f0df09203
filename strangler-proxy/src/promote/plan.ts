/**
 * Where a route stands along its migration plan, and where one step forward or back takes it.
 *
 * A plan is legacy → shadow → canary at each step below 100% → migrated. A step of 100 (or the end of the
 * list) means migrated: `steps: [1, 5, 25, 50, 100]` and `steps: [1, 5, 25, 50]` walk the same positions.
 * Pure: no I/O, no clock.
 */
import type { DeepReadonly } from '../config/routes-config.ts';
import { planSchema } from '../config/schema.ts';
import type { PlanConfig, Stage } from '../config/schema.ts';
import { PromoteError } from './errors.ts';

/** A route's position: the stage, and for a canary the share of traffic the service serves. */
export type Position =
  | { readonly stage: 'legacy' }
  | { readonly stage: 'shadow' }
  | { readonly stage: 'canary'; readonly percent: number }
  | { readonly stage: 'migrated' };

/** Where `strangler rollback --to` may send a route. */
export const ROLLBACK_TARGETS = ['legacy', 'shadow', 'canary'] as const;
export type RollbackTarget = (typeof ROLLBACK_TARGETS)[number];

export interface Move {
  readonly from: Position;
  readonly to: Position;
  readonly direction: 'promote' | 'rollback';
  /** False only for a rollback to where the route already is (a no-op, so repeating it is safe). */
  readonly changes: boolean;
  /** For people: `canary 5% → canary 25%`. */
  readonly description: string;
}

const LEGACY: Position = { stage: 'legacy' };
const SHADOW: Position = { stage: 'shadow' };
const MIGRATED: Position = { stage: 'migrated' };

/**
 * The position a route's config describes. A canary without a `canary.percent` counts as 0%: the service
 * serves nothing yet, so the next step is the plan's first.
 */
export function positionOf(route: {
  readonly stage: Stage;
  readonly canary?: { readonly percent: number } | undefined;
}): Position {
  if (route.stage === 'canary') return { stage: 'canary', percent: route.canary?.percent ?? 0 };
  return { stage: route.stage };
}

/**
 * The route's own plan, else the file's `defaults.plan`, else the schema's defaults. (The config loader
 * already merges `defaults.plan` into every route; this covers configs built without it.)
 */
export function resolvePlan(
  route: { readonly plan?: DeepReadonly<PlanConfig> | undefined },
  defaults?: { readonly plan?: unknown },
): DeepReadonly<PlanConfig> {
  return route.plan ?? planSchema.parse(defaults?.plan ?? {});
}

/** `legacy`, `shadow`, `canary 5%`, `migrated`. */
export function describePosition(position: Position): string {
  return position.stage === 'canary' ? `canary ${position.percent}%` : position.stage;
}

export function isSamePosition(a: Position, b: Position): boolean {
  if (a.stage === 'canary' && b.stage === 'canary') return a.percent === b.percent;
  return a.stage === b.stage;
}

/** The plan's canary percentages: its steps below 100, in order. */
function canarySteps(steps: readonly number[]): number[] {
  return steps.filter((step) => step < 100);
}

function canaryAt(percent: number): Position {
  return { stage: 'canary', percent };
}

function move(from: Position, to: Position, direction: Move['direction']): Move {
  const changes = !isSamePosition(from, to);
  const description = changes
    ? `${describePosition(from)} → ${describePosition(to)}`
    : `${describePosition(from)} (unchanged)`;
  return { from, to, direction, changes, description };
}

/**
 * One step forward. From a canary percentage that is not one of the steps (edited by hand), the next step
 * is the first one above it.
 *
 * @throws PromoteError `PROMOTE_ALREADY_MIGRATED` from migrated.
 */
export function nextMove(from: Position, steps: readonly number[]): Move {
  const canary = canarySteps(steps);
  switch (from.stage) {
    case 'legacy':
      return move(from, SHADOW, 'promote');
    case 'shadow': {
      const first = canary[0];
      return move(from, first === undefined ? MIGRATED : canaryAt(first), 'promote');
    }
    case 'canary': {
      const next = canary.find((step) => step > from.percent);
      return move(from, next === undefined ? MIGRATED : canaryAt(next), 'promote');
    }
    case 'migrated':
      throw new PromoteError('PROMOTE_ALREADY_MIGRATED', 'the route is already migrated: nothing to promote');
  }
}

/**
 * One step back, or back to a stage with `to`:
 * - no `to`: migrated → the last canary step → … → the first canary step → shadow → legacy;
 * - `legacy` / `shadow`: straight there (a no-op move when the route is already there);
 * - `canary`: the nearest canary step below the current position (from migrated, the last canary step).
 *
 * @throws PromoteError `PROMOTE_NOTHING_TO_ROLL_BACK` from legacy without `to`;
 *   `PROMOTE_TARGET_NOT_BEHIND` when `to` is not behind the current position.
 */
export function previousMove(from: Position, steps: readonly number[], to?: RollbackTarget): Move {
  const canary = canarySteps(steps);
  const below = (percent: number) => canary.findLast((step) => step < percent);
  const lastCanary = canary.at(-1);

  if (to === 'legacy') return move(from, LEGACY, 'rollback');
  if (to === 'shadow') {
    if (from.stage === 'legacy') throw notBehind(from, to);
    return move(from, SHADOW, 'rollback');
  }
  if (to === 'canary') {
    const target =
      from.stage === 'migrated' ? lastCanary : from.stage === 'canary' ? below(from.percent) : undefined;
    if (target === undefined) throw notBehind(from, to);
    return move(from, canaryAt(target), 'rollback');
  }

  switch (from.stage) {
    case 'legacy':
      throw new PromoteError(
        'PROMOTE_NOTHING_TO_ROLL_BACK',
        'the route is at legacy: there is nothing to roll back',
      );
    case 'shadow':
      return move(from, LEGACY, 'rollback');
    case 'canary': {
      const target = below(from.percent);
      return move(from, target === undefined ? SHADOW : canaryAt(target), 'rollback');
    }
    case 'migrated':
      return move(from, lastCanary === undefined ? SHADOW : canaryAt(lastCanary), 'rollback');
  }
}

function notBehind(from: Position, to: RollbackTarget): PromoteError {
  const where = describePosition(from);
  const message =
    to === 'canary' && from.stage === 'canary'
      ? `the route is at ${where}: the plan has no canary step below it`
      : `the route is at ${where}: ${to} is not behind it`;
  return new PromoteError('PROMOTE_TARGET_NOT_BEHIND', message);
}
