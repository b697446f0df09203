/** The setups compared side by side, and how the rounds of a load phase go round them. */
import type { Child, Lab, Setup } from './lab.ts';

export const SETUPS = {
  direct: 'direct to the upstream (ceiling)',
  'express-hpm': 'express 5 + http-proxy-middleware 4',
  'fastify-proxy': 'fastify 5 + @fastify/http-proxy 11',
  strangler: 'strangler: N routes, migrated',
  'strangler-traced': 'strangler: N routes, migrated, tracing on, no collector',
  'strangler-shadow': 'strangler: shadow 100%, JSON compared',
  'strangler-shadow-hang': 'strangler: shadow to a hanging service',
} as const;
export type SetupId = keyof typeof SETUPS;

export const setupLabel = (id: SetupId, routes: number): string =>
  SETUPS[id].replace('N routes', `${routes.toLocaleString('en-US')} routes`);

/** What a proxy setup's processes run. */
export function setupOf(id: Exclude<SetupId, 'direct'>): Setup {
  if (id === 'express-hpm' || id === 'fastify-proxy') return { kind: id };
  const targetStage = id === 'strangler' || id === 'strangler-traced' ? 'migrated' : 'shadow';
  const [tracing, hangingService] = [id === 'strangler-traced', id === 'strangler-shadow-hang'];
  return { kind: 'strangler', targetStage, tracing, hangingService };
}

export type RunningSetup = Awaited<ReturnType<typeof startSetups>>[number];

/**
 * Starts every setup, `processes` processes each (none for `direct`: the upstream is under test).
 * Processes of the same build and flags differ in CPU per request: with one per setup, every ratio would
 * be partly a draw.
 */
export function startSetups(lab: Lab, routes: number, processes: number) {
  return Promise.all(
    (Object.keys(SETUPS) as SetupId[]).map(async (id) => {
      const names = Array.from({ length: processes }, (_, index) =>
        index === 0 ? id : `${id}-${index + 1}`,
      );
      const proxies: Array<Child | null> =
        id === 'direct' ? [null] : await Promise.all(names.map((name) => lab.start(name, setupOf(id))));
      const urls = proxies.map((proxy) => ({ url: proxy?.ready.url ?? lab.upstream.url, proxy }));
      return { id, label: setupLabel(id, routes), processes: urls };
    }),
  );
}

export async function stopSetups(setups: readonly RunningSetup[]): Promise<void> {
  const proxies = setups.flatMap((setup) => setup.processes.flatMap(({ proxy }) => (proxy ? [proxy] : [])));
  await Promise.all(proxies.map((proxy) => proxy.stop()));
}

/**
 * Runs `trial` for every setup in every round, the first setup rotating each round, so that a busy moment
 * of the machine hits every setup alike; round r loads a setup's process r mod n.
 */
export async function interleave(
  setups: readonly RunningSetup[],
  rounds: number,
  trial: (setup: RunningSetup, url: string, proxy: Child | null, round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < setups.length; k++) {
      const setup = setups[(round + k) % setups.length] as RunningSetup;
      const { url, proxy } = setup.processes[round % setup.processes.length] ?? { url: '', proxy: null };
      await trial(setup, url, proxy, round);
    }
  }
}
