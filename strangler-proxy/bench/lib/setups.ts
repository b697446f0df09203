/** The setups compared side by side, and how the rounds of a load phase go round them. */
import type { Child, Lab, Setup } from './lab.ts';

/** Their ids, as the tables name them (bench/RESULTS.md says what each runs). */
export const SETUPS = [
  'direct',
  'express-hpm',
  'fastify-proxy',
  'strangler',
  'strangler-traced',
  'strangler-shadow',
  'strangler-shadow-hang',
] as const;
export type SetupId = (typeof SETUPS)[number];

/** What a proxy setup's process runs. */
export function setupOf(id: Exclude<SetupId, 'direct'>): Setup {
  if (id === 'express-hpm' || id === 'fastify-proxy') return { kind: id };
  const targetStage = id === 'strangler' || id === 'strangler-traced' ? 'migrated' : 'shadow';
  const [tracing, hangingService] = [id === 'strangler-traced', id === 'strangler-shadow-hang'];
  return { kind: 'strangler', targetStage, tracing, hangingService };
}

export type RunningSetup = { readonly id: SetupId; readonly url: string; readonly proxy: Child | null };

/** Starts every setup, a process each (none for `direct`: the upstream is under test). */
export function startSetups(lab: Lab): Promise<RunningSetup[]> {
  return Promise.all(
    SETUPS.map(async (id) => {
      const proxy = id === 'direct' ? null : await lab.start(id, setupOf(id));
      return { id, url: proxy?.ready.url ?? lab.upstream.url, proxy };
    }),
  );
}

export async function stopSetups(setups: readonly RunningSetup[]): Promise<void> {
  await Promise.all(setups.flatMap(({ proxy }) => (proxy ? [proxy.stop()] : [])));
}

/**
 * Runs `trial` for every setup in every round, the first setup rotating each round, so that a busy moment
 * of the machine hits every setup alike.
 */
export async function interleave(
  setups: readonly RunningSetup[],
  rounds: number,
  trial: (setup: RunningSetup, round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < setups.length; k++) await trial(setups[(round + k) % setups.length]!, round);
}
