/**
 * Per-route noise models, learned from pairs of primary answers to the same request (old against old,
 * Diffy's idea without a third deployment). Models are immutable; this holds the current one per route.
 *
 * Header noise is also kept per upstream (the origin probed): a header that changes on every answer
 * (`x-response-time`, a trace id) is the server's doing, not the route's, so what one route's safe
 * requests show applies to every route served by that upstream, write routes included (they are never
 * probed).
 */
import {
  combineNoise,
  createNoiseModel,
  headerPart,
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
  /** The route's noise, with the header noise learned on any route of `upstream` (an origin). */
  modelFor(routeId: string, upstream: string): NoiseModel;
  /** Whether this safe mirror also asks the primary twice: always while warming up, then at `rate`. */
  shouldProbe(routeId: string, rate: number, random: () => number): boolean;
  /**
   * Learns from a primary-vs-primary verdict of `upstream`; returns the paths newly found noisy on the
   * route.
   */
  learn(routeId: string, upstream: string, verdict: Verdict): readonly string[];
}

export function createNoiseLearner(): NoiseLearner {
  const models = new Map<string, NoiseModel>();
  const upstreamHeaders = new Map<string, NoiseModel>();
  // The last combination handed out per route and upstream: rebuilt only when either model changed.
  const combined = new Map<string, { own: NoiseModel; shared: NoiseModel; model: NoiseModel }>();
  const probes = new Map<string, number>();
  const ownModel = (routeId: string): NoiseModel => {
    let model = models.get(routeId);
    if (!model) {
      model = createNoiseModel();
      models.set(routeId, model);
    }
    return model;
  };
  const sharedModel = (upstream: string): NoiseModel => {
    let model = upstreamHeaders.get(upstream);
    if (!model) {
      model = createNoiseModel();
      upstreamHeaders.set(upstream, model);
    }
    return model;
  };
  return {
    modelFor(routeId, upstream) {
      const own = ownModel(routeId);
      const shared = sharedModel(upstream);
      const key = `${upstream} ${routeId}`;
      const last = combined.get(key);
      if (last !== undefined && last.own === own && last.shared === shared) return last.model;
      const model = combineNoise(own, shared);
      combined.set(key, { own, shared, model });
      return model;
    },
    shouldProbe(routeId, rate, random) {
      if (rate <= 0) return false;
      const done = probes.get(routeId) ?? 0;
      if (done < NOISE_WARMUP_PROBES) {
        probes.set(routeId, done + 1);
        return true;
      }
      return random() < rate;
    },
    learn(routeId, upstream, verdict) {
      const shared = sharedModel(upstream);
      const learned = learnNoise(shared, headerPart(verdict));
      if (learned !== shared) upstreamHeaders.set(upstream, learned);
      const before = ownModel(routeId);
      const after = learnNoise(before, verdict);
      if (after === before) return [];
      models.set(routeId, after);
      return newNoisyPaths(before, after);
    },
  };
}
