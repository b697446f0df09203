/**
 * The scenarios of `npm run bench`, in the order they run and report. A scenario is a module whose
 * default export is made by `defineScenario` (lib/scenario.ts); one line here adds it to every run, to
 * `--only` and to the JSON results.
 */
import type { Scenario } from '../lib/scenario.ts';

export const SCENARIOS: readonly Scenario[] = await Promise.all(
  [
    import('./throughput.ts'),
    import('./fixed-rate.ts'),
    import('./lookup.ts'),
    import('./memory.ts'),
    import('./persist.ts'),
    import('./cold-start.ts'),
  ].map(async (module) => (await module).default),
);
