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

export interface NoiseLearner {
  modelFor(routeId: string): NoiseModel;
  /** Learns from a primary-vs-primary verdict; returns the paths newly found noisy. */
  learn(routeId: string, verdict: Verdict): readonly string[];
}

export function createNoiseLearner(): NoiseLearner {
  const models = new Map<string, NoiseModel>();
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
    learn(routeId, verdict) {
      const before = modelFor(routeId);
      const after = learnNoise(before, verdict);
      if (after === before) return [];
      models.set(routeId, after);
      return newNoisyPaths(before, after);
    },
  };
}
