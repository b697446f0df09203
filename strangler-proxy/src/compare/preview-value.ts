/**
 * What a difference shows of the values it is about: a bounded, frozen copy. A verdict may be kept long
 * after the comparison (and stored), so it must neither hold the parsed bodies alive nor grow with them,
 * and it must never carry a value a `redact` rule names.
 */
import type { BodyRule } from './compile-rules.ts';
import { stepPathSet } from './path-set.ts';
import type { MatchState, PathSet } from './path-set.ts';
import { REDACTED, setOwn } from './redact.ts';

/** Longer strings are cut (with a trailing `…`). */
export const PREVIEW_STRING_LENGTH = 200;
/** Array elements and object members copied per preview, over all levels; the rest is summarised. */
export const PREVIEW_ENTRIES = 20;

/** Whether a `redact` rule matches exactly here (it then covers everything below). */
export function isRedacted(state: MatchState<BodyRule>): boolean {
  for (const rule of state.hits) if (rule.type === 'redact') return true;
  return false;
}

/**
 * A bounded, frozen copy of `value` for a difference: strings cut at {@link PREVIEW_STRING_LENGTH},
 * at most {@link PREVIEW_ENTRIES} entries in all (then `"… N more"` in an array, a `"…"` member in an
 * object), redacted locations replaced by `[redacted]`. `masked`: an ancestor was redacted.
 */
export function previewValue(
  value: unknown,
  rules: PathSet<BodyRule>,
  state: MatchState<BodyRule>,
  masked: boolean,
): unknown {
  return preview(value, rules, state, masked, { left: PREVIEW_ENTRIES });
}

function preview(
  value: unknown,
  rules: PathSet<BodyRule>,
  state: MatchState<BodyRule>,
  masked: boolean,
  budget: { left: number },
): unknown {
  if (masked || isRedacted(state)) return REDACTED;
  if (typeof value === 'string') {
    return value.length > PREVIEW_STRING_LENGTH ? `${value.slice(0, PREVIEW_STRING_LENGTH)}…` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  // Each entry spends budget before recursing, so the recursion is at most PREVIEW_ENTRIES deep.
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index++) {
      if (budget.left <= 0) {
        copy.push(`… ${value.length - index} more`);
        break;
      }
      budget.left--;
      copy.push(preview(value[index], rules, stepPathSet(rules, state, index), false, budget));
    }
    return Object.freeze(copy);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const copy: Record<string, unknown> = {};
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (budget.left <= 0) {
      setOwn(copy, '…', `${keys.length - index} more`);
      break;
    }
    budget.left--;
    setOwn(copy, key, preview(record[key], rules, stepPathSet(rules, state, key), false, budget));
  }
  return Object.freeze(copy);
}
