/**
 * An upstream's endpoints found by DNS, resolved again when the records' TTL runs out (bounded by
 * `minRefresh` and `maxRefresh`). With a port, the name's A and AAAA records are the addresses; without,
 * its SRV records give each instance's host and port (their priority and weight are not used: every
 * instance is balanced alike). A failed or empty answer keeps the endpoints last known: a DNS outage must
 * not take an upstream out of service.
 *
 * `resolver` names the DNS server to ask; without it the system's servers are (`/etc/resolv.conf`).
 */
import { Resolver } from 'node:dns/promises';
import type { DiscoveryConfig } from '../config/schema.ts';

export interface DnsDiscovery {
  /** Settles after the first resolution, whatever its outcome. */
  readonly ready: Promise<void>;
  /** Why the last resolution failed; null after a good one. */
  lastError(): string | null;
  stop(): void;
}

interface Address {
  readonly address: string;
  readonly port: number;
  readonly ttl: number;
}

export function startDnsDiscovery(
  config: Readonly<DiscoveryConfig>,
  onEndpoints: (urls: readonly URL[]) => void,
): DnsDiscovery {
  const resolver = new Resolver();
  if (config.resolver !== undefined) resolver.setServers([config.resolver]);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let error: string | null = null;
  let announced = '';

  const resolveOnce = async (): Promise<number> => {
    try {
      const addresses =
        config.port === undefined
          ? await resolveSrv(resolver, config.dns)
          : await resolveAddresses(resolver, config.dns, config.port);
      if (addresses.length === 0) throw new Error(`no address for ${config.dns}`);
      error = null;
      // Sorted: servers that rotate their answers must not look like a change of instances.
      const urls = addresses
        .map((entry) => endpointUrl(config.scheme, entry))
        .sort((a, b) => (a.href < b.href ? -1 : a.href > b.href ? 1 : 0));
      const key = urls.map((url) => url.href).join(' ');
      if (!stopped && key !== announced) {
        announced = key;
        onEndpoints(urls);
      }
      const ttl = Math.min(...addresses.map((entry) => entry.ttl)) * 1_000;
      return Math.min(Math.max(ttl, config.minRefresh), config.maxRefresh);
    } catch (failure) {
      error =
        failure instanceof Error
          ? ((failure as NodeJS.ErrnoException).code ?? failure.message)
          : String(failure);
      return config.minRefresh;
    }
  };

  const loop = async (): Promise<void> => {
    const wait = await resolveOnce();
    if (stopped) return;
    timer = setTimeout(() => void loop(), wait);
    timer.unref();
  };
  const ready = loop();

  return {
    ready,
    lastError: () => error,
    stop() {
      stopped = true;
      clearTimeout(timer);
      resolver.cancel();
    },
  };
}

async function resolveAddresses(resolver: Resolver, name: string, port: number): Promise<Address[]> {
  const [v4, v6] = await Promise.allSettled([
    resolver.resolve4(name, { ttl: true }),
    resolver.resolve6(name, { ttl: true }),
  ]);
  if (v4.status === 'rejected' && v6.status === 'rejected') throw v4.reason;
  const records = [
    ...(v4.status === 'fulfilled' ? v4.value : []),
    ...(v6.status === 'fulfilled' ? v6.value : []),
  ];
  return records.map((record) => ({ address: record.address, port, ttl: record.ttl }));
}

async function resolveSrv(resolver: Resolver, name: string): Promise<Address[]> {
  const records = await resolver.resolveSrv(name);
  const resolved = await Promise.all(
    records.map((record) => resolveAddresses(resolver, record.name, record.port)),
  );
  return resolved.flat();
}

function endpointUrl(scheme: string, entry: Address): URL {
  const host = entry.address.includes(':') ? `[${entry.address}]` : entry.address;
  return new URL(`${scheme}://${host}:${entry.port}/`);
}
