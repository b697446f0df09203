/**
 * Noise learned late, applied to what was counted early: a path found to differ between two legacy
 * answers only after some mismatches there were recorded would otherwise keep counting them. Mismatches
 * are kept per signature with the differences it stands for, so a pair whose every difference is now
 * known noise turns into a match, and differences at noise paths leave the list. Pure.
 *
 * Noise is kept per path in the store (not per class of difference, as the live comparison has it), so
 * a path learned noisy discounts the kinds noise learning covers there (value, type, missing, extra,
 * length, order, header); a status, text or bytes difference never is.
 */
import { noiseClassOf } from '../compare/noise-model.ts';
import type { DiffKind } from '../compare/verdict.ts';
import type { DiffTotals, SignatureTotals } from '../store/result-store.ts';

export interface NoiseDiscount {
  /** Mismatched pairs whose differences were all at noise. */
  readonly pairs: number;
  /** The difference counts without those at noise. */
  readonly diffs: DiffTotals[];
}

/** What the route's noise paths discount from its signature and difference counts. */
export function discountNoise(
  noisyPaths: readonly string[],
  signatures: readonly SignatureTotals[],
  diffs: readonly DiffTotals[],
): NoiseDiscount {
  if (noisyPaths.length === 0) return { pairs: 0, diffs: [...diffs] };
  const noisy = new Set(noisyPaths);
  const isNoise = (kind: DiffKind, path: string) => noiseClassOf(kind) !== undefined && noisy.has(path);
  let pairs = 0;
  for (const row of signatures) {
    if (row.shapes === null || row.shapes === '') continue;
    const allNoise = row.shapes.split('\n').every((shape) => {
      const space = shape.indexOf(' ');
      return isNoise(shape.slice(0, space) as DiffKind, shape.slice(space + 1));
    });
    if (allNoise) pairs += row.count;
  }
  return { pairs, diffs: diffs.filter((row) => !isNoise(row.kind, row.path)) };
}
