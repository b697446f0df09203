/** The setups compared side by side, and how the rounds of a load phase go round them. */
import type { ChildHandle } from './child-process.ts';
import type { Lab } from './lab.ts';
import type { ServerSpec, SetupReady } from './specs.ts';

export const SETUPS = [
  { id: 'direct', label: 'direct to the upstream (ceiling)' },
  { id: 'express-hpm', label: 'express 5 + http-proxy-middleware 4' },
  { id: 'fastify-proxy', label: 'fastify 5 + @fastify/http-proxy 11' },
  { id: 'strangler', label: 'strangler: N routes, migrated' },
  { id: 'strangler-traced', label: 'strangler: N routes, migrated, tracing on, no collector' },
  { id: 'strangler-shadow', label: 'strangler: shadow 100%, JSON compared' },
  { id: 'strangler-shadow-hang', label: 'strangler: shadow to a hanging service' },
] as const;
export type SetupId = (typeof SETUPS)[number]['id'];
export type ProxySetupId = Exclude<SetupId, 'direct'>;

/** One process of a setup; `proxy` is null for `direct` (the upstream is the server under test). */
export interface SetupInstance {
  readonly url: string;
  readonly proxy: ChildHandle<SetupReady> | null;
}

export interface RunningSetup {
  readonly id: SetupId;
  readonly label: string;
  /** Processes of the same setup; round r loads instance r mod n. */
  readonly instances: readonly SetupInstance[];
}

export function setupLabel(id: SetupId, routes: number): string {
  const label = SETUPS.find((entry) => entry.id === id)?.label ?? id;
  return label.replace('N routes', `${routes.toLocaleString('en-US')} routes`);
}

/** The spec of a proxy setup's process called `name`. */
export function setupSpec(lab: Lab, id: ProxySetupId, name: string): ServerSpec {
  const target = lab.upstream.legacyUrl;
  switch (id) {
    case 'express-hpm':
      return { kind: 'express-hpm', target };
    case 'fastify-proxy':
      return { kind: 'fastify-proxy', target };
    case 'strangler':
      return lab.strangler(name, { stage: 'migrated' });
    case 'strangler-traced':
      return lab.strangler(name, { stage: 'migrated', tracing: true });
    case 'strangler-shadow':
      return lab.strangler(name, { stage: 'shadow' });
    case 'strangler-shadow-hang':
      return lab.strangler(name, { stage: 'shadow', hangingService: true });
  }
}

/** Starts every setup, `processes` processes each, together (each loads its routes.yaml on its own). */
export function startSetups(lab: Lab, routes: number, processes: number): Promise<RunningSetup[]> {
  return Promise.all(
    SETUPS.map(async ({ id }): Promise<RunningSetup> => {
      const label = setupLabel(id, routes);
      if (id === 'direct') return { id, label, instances: [{ url: lab.upstream.legacyUrl, proxy: null }] };
      const instances = await Promise.all(
        Array.from({ length: processes }, async (_, index): Promise<SetupInstance> => {
          const name = index === 0 ? id : `${id}-${index + 1}`;
          const proxy = await lab.start(name, setupSpec(lab, id, name));
          return { url: proxy.ready.url, proxy };
        }),
      );
      return { id, label, instances };
    }),
  );
}

/**
 * Runs `trial` for every setup in every round, the first setup rotating each round, so a busy moment of
 * the machine hits every setup alike.
 */
export async function interleave(
  setups: readonly RunningSetup[],
  rounds: number,
  trial: (setup: RunningSetup, instance: SetupInstance, round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < setups.length; k++) {
      const setup = setups[(round + k) % setups.length] as RunningSetup;
      await trial(setup, setup.instances[round % setup.instances.length] as SetupInstance, round);
    }
  }
}
