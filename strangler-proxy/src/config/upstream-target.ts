/**
 * Where an upstream's instances are: its URL, its list of URLs, or a DNS name. One place that reads the
 * two ways `routes.yaml` may give them, for the proxy and for every view of the table
 * (`compare/describe-upstream-target.ts` shows them with credentials masked).
 */
import type { DeepReadonly } from './routes-config.ts';
import type { UpstreamConfig } from './schema.ts';

export type Target = DeepReadonly<Pick<UpstreamConfig, 'url' | 'discovery'>>;

/** The URLs given in the file (none for an upstream found by DNS). */
export function staticUrls(config: Target): readonly string[] {
  if (config.url === undefined) return [];
  return typeof config.url === 'string' ? [config.url] : config.url;
}
