/**
 * A route's mirror plan: what the shadow worker needs to send and compare the route's mirrors (it compiles
 * the rules). Made once per route and reload, from the route's shadow settings, and the same object until
 * the next reload: the executor sends a plan to the worker once and has it forgotten with the object.
 */
import type { CompareRules } from '../config/schema.ts';
import type { RoutingRoute, ShadowPlan } from '../proxy/routing-snapshot.ts';
import type { MirrorPlan } from './mirror-job.ts';

const plans = new WeakMap<ShadowPlan, MirrorPlan>();

export function mirrorPlanOf(route: RoutingRoute, shadow: ShadowPlan): MirrorPlan {
  let plan = plans.get(shadow);
  if (plan === undefined) {
    plan = {
      routeId: route.id,
      compare: (route.config.compare as CompareRules | undefined) ?? null,
      timeout: shadow.config.timeout,
      maxResponseBytes: shadow.config.maxResponseBytes,
      noiseSample: shadow.config.noiseSample,
      request: shadow.config.request ?? null,
      bridge: shadow.bridge,
      correlate: shadow.config.correlate,
      verifyRead: shadow.config.verify?.read ?? null,
      bases: shadow.bases,
    };
    plans.set(shadow, plan);
  }
  return plan;
}
