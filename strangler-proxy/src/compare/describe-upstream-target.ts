/** An upstream's target as every view of the table shows it: its URLs with credentials masked. */
import { staticUrls, type Target } from '../config/upstream-target.ts';
import { redactUrl } from './redact-url.ts';

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
