import { describe, expect, it } from 'vitest';
import { PromoteError } from '../../src/promote/errors.ts';
import {
  describePosition,
  nextMove,
  positionOf,
  previousMove,
  resolvePlan,
  type Position,
  type RollbackTarget,
} from '../../src/promote/plan.ts';

const steps = [1, 5, 25, 50, 100];
const legacy: Position = { stage: 'legacy' };
const shadow: Position = { stage: 'shadow' };
const migrated: Position = { stage: 'migrated' };
const canary = (percent: number): Position => ({ stage: 'canary', percent });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PromoteError) return error.code;
    throw error;
  }
  return undefined;
}

describe('nextMove', () => {
  it('walks legacy → shadow → every canary step → migrated', () => {
    const walked: string[] = [];
    let position: Position = legacy;
    while (position.stage !== 'migrated') {
      const move = nextMove(position, steps);
      walked.push(move.description);
      position = move.to;
    }
    expect(walked).toEqual([
      'legacy → shadow',
      'shadow → canary 1%',
      'canary 1% → canary 5%',
      'canary 5% → canary 25%',
      'canary 25% → canary 50%',
      'canary 50% → migrated',
    ]);
  });

  it('treats a plan without 100 the same: after the last step comes migrated', () => {
    expect(nextMove(canary(50), [1, 5, 25, 50]).to).toEqual(migrated);
  });

  it('goes from shadow straight to migrated when the only step is 100', () => {
    expect(nextMove(shadow, [100]).to).toEqual(migrated);
  });

  it('moves a hand-edited percentage to the next step above it', () => {
    expect(nextMove(canary(7), steps).to).toEqual(canary(25));
    expect(nextMove(canary(0), steps).to).toEqual(canary(1));
    expect(nextMove(canary(100), steps).to).toEqual(migrated);
  });

  it('refuses to promote a migrated route', () => {
    expect(codeOf(() => nextMove(migrated, steps))).toBe('PROMOTE_ALREADY_MIGRATED');
  });

  it('marks moves as promotions that change something', () => {
    expect(nextMove(legacy, steps)).toMatchObject({ direction: 'promote', changes: true });
  });
});

describe('previousMove', () => {
  it('walks back one step at a time, from migrated to the last canary step', () => {
    const walked: string[] = [];
    let position: Position = migrated;
    while (position.stage !== 'legacy') {
      const move = previousMove(position, steps);
      walked.push(move.description);
      position = move.to;
    }
    expect(walked).toEqual([
      'migrated → canary 50%',
      'canary 50% → canary 25%',
      'canary 25% → canary 5%',
      'canary 5% → canary 1%',
      'canary 1% → shadow',
      'shadow → legacy',
    ]);
  });

  it('has nothing to roll back at legacy', () => {
    expect(codeOf(() => previousMove(legacy, steps))).toBe('PROMOTE_NOTHING_TO_ROLL_BACK');
  });

  it('goes from migrated to shadow when the plan has no canary step', () => {
    expect(previousMove(migrated, [100]).to).toEqual(shadow);
  });

  it('moves a hand-edited percentage to the step below it', () => {
    expect(previousMove(canary(7), steps).to).toEqual(canary(5));
  });

  const table: [Position, RollbackTarget, Position | string][] = [
    [migrated, 'legacy', legacy],
    [canary(25), 'legacy', legacy],
    [shadow, 'legacy', legacy],
    [migrated, 'shadow', shadow],
    [canary(5), 'shadow', shadow],
    [shadow, 'shadow', shadow],
    [legacy, 'shadow', 'PROMOTE_TARGET_NOT_BEHIND'],
    [migrated, 'canary', canary(50)],
    [canary(25), 'canary', canary(5)],
    [canary(1), 'canary', 'PROMOTE_TARGET_NOT_BEHIND'],
    [shadow, 'canary', 'PROMOTE_TARGET_NOT_BEHIND'],
    [legacy, 'canary', 'PROMOTE_TARGET_NOT_BEHIND'],
  ];
  it.each(table)('from %o --to %s gives %o', (from, to, expected) => {
    if (typeof expected === 'string') expect(codeOf(() => previousMove(from, steps, to))).toBe(expected);
    else expect(previousMove(from, steps, to).to).toEqual(expected);
  });

  it('rolling back to where the route is changes nothing (so an emergency rollback can be repeated)', () => {
    const move = previousMove(legacy, steps, 'legacy');
    expect(move).toMatchObject({ changes: false, direction: 'rollback', description: 'legacy (unchanged)' });
  });
});

describe('positionOf, resolvePlan, describePosition', () => {
  it('reads the stage and canary percentage', () => {
    expect(positionOf({ stage: 'canary', canary: { percent: 5 } })).toEqual(canary(5));
    expect(positionOf({ stage: 'canary', canary: undefined })).toEqual(canary(0));
    expect(positionOf({ stage: 'shadow', canary: { percent: 5 } })).toEqual(shadow);
  });

  it('prefers the route plan, then the file defaults, then the schema defaults', () => {
    const own = { ...resolvePlan({ plan: undefined }), steps: [10, 100] };
    expect(resolvePlan({ plan: own }, { plan: { steps: [2, 100] } }).steps).toEqual([10, 100]);
    expect(resolvePlan({ plan: undefined }, { plan: { steps: [2, 100] } }).steps).toEqual([2, 100]);
    expect(resolvePlan({ plan: undefined }).steps).toEqual([1, 5, 25, 50, 100]);
    expect(resolvePlan({ plan: undefined }).gate).toMatchObject({
      maxMismatchRate: 0.01,
      maxErrorRate: 0.01,
    });
    // No minimum of pairs unless set: it follows from the bound (see minimumPairs).
    expect(resolvePlan({ plan: undefined }).gate.minCompared).toBeUndefined();
  });

  it('describes positions for people', () => {
    expect([legacy, shadow, canary(2.5), migrated].map(describePosition)).toEqual([
      'legacy',
      'shadow',
      'canary 2.5%',
      'migrated',
    ]);
  });
});
