/** Awaits a state of an upstream's endpoints (their `change` events), instead of sleeping. */
import type { RunningProxy } from '../../src/runtime/start-proxy.ts';
import type { EndpointStatus } from '../../src/proxy/endpoint-set.ts';

export function endpointsOf(proxy: RunningProxy, upstream: string): EndpointStatus[] {
  return proxy.snapshot().upstreams.get(upstream)?.endpoints.status() ?? [];
}

/** Resolves once `holds` is true of the upstream's endpoints (checked now and at each change). */
export function endpointsWhere(
  proxy: RunningProxy,
  upstream: string,
  holds: (endpoints: EndpointStatus[]) => boolean,
): Promise<EndpointStatus[]> {
  const set = proxy.snapshot().upstreams.get(upstream)?.endpoints;
  if (set === undefined) return Promise.reject(new Error(`no upstream ${upstream}`));
  return new Promise((resolve) => {
    const check = () => {
      const status = set.status();
      if (!holds(status)) return;
      set.events.off('change', check);
      resolve(status);
    };
    set.events.on('change', check);
    check();
  });
}
