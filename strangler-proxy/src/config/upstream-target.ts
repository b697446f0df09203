/**
 * Where an upstream's instances are: its URL, its list of URLs, or a DNS name. One place that reads the
 * two ways `routes.yaml` may give them, for the proxy and for every view of the table.
 */
import type { DeepReadonly } from './routes-config.ts';
import type { UpstreamConfig } from './schema.ts';
import { redactUrl } from '../compare/redact-url.ts';

type Target = DeepReadonly<Pick<UpstreamConfig, 'url' | 'discovery'>>;

/** The URLs given in the file (none for an upstream found by DNS). */
export function staticUrls(config: Target): readonly string[] {
  if (config.url === undefined) return [];
  return typeof config.url === 'string' ? [config.url] : config.url;
}

/**
 * How the target reads in the admin API, `strangler routes` and `explain`, credentials masked:
 * `http://a:4001`, `http://a:4001, http://b:4001`, or `dns _http._tcp.catalog (SRV)`.
 */
export function describeUpstreamTarget(config: Target): string {
  const discovery = config.discovery;
  if (discovery !== undefined) {
    const records = discovery.port === undefined ? 'SRV' : `A/AAAA, port ${discovery.port}`;
    return `dns ${discovery.dns} (${records})`;
  }
  return staticUrls(config).map(redactUrl).join(', ');
}
