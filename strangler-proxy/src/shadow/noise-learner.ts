/**
 * Per-route noise models, learned from pairs of primary answers to the same request (old against old,
 * Diffy's idea without a third deployment). Models are immutable; this holds the current one per route.
 */
import {
  createNoiseModel,
  learnNoise,
  newNoisyPaths,
  type NoiseModel,
  type Verdict,
} from '../compare/index.ts';

/**
 * Every one of a route's first safe mirrors is also a noise probe: a field that changes on every answer
 * (a timestamp) is learned before its first comparison, instead of counting as a mismatch until a
 * sampled probe happens to catch it.
 */
export const NOISE_WARMUP_PROBES = 20;

export interface NoiseLearner {
  modelFor(routeId: string): NoiseModel;
  /** Whether this safe mirror also asks the primary twice: always while warming up, then at `rate`. */
  shouldProbe(routeId: string, rate: number, random: () => number): boolean;
  /** Learns from a primary-vs-primary verdict; returns the paths newly found noisy. */
  learn(routeId: string, verdict: Verdict): readonly string[];
}

export function createNoiseLearner(): NoiseLearner {
  const models = new Map<string, NoiseModel>();
  const probes = new Map<string, number>();
  const modelFor = (routeId: string): NoiseModel => {
    let model = models.get(routeId);
    if (!model) {
      model = createNoiseModel();
      models.set(routeId, model);
    }
    return model;
  };
  return {
    modelFor,
    shouldProbe(routeId, rate, random) {
      if (rate <= 0) return false;
      const done = probes.get(routeId) ?? 0;
      if (done < NOISE_WARMUP_PROBES) {
        probes.set(routeId, done + 1);
        return true;
      }
      return random() < rate;
    },
    learn(routeId, verdict) {
      const before = modelFor(routeId);
      const after = learnNoise(before, verdict);
      if (after === before) return [];
      models.set(routeId, after);
      return newNoisyPaths(before, after);
    },
  };
}
