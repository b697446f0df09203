/** Shapes shared by the bench's parent and its child processes. */

export type ServerSpec =
  | { readonly kind: 'upstream' }
  /** Bytes passed both ways between a client connection and one of its own to the target: no HTTP at all. */
  | { readonly kind: 'tcp-relay'; readonly target: string }
  | { readonly kind: 'express-hpm'; readonly target: string }
  | { readonly kind: 'fastify-proxy'; readonly target: string }
  | {
      readonly kind: 'strangler';
      readonly configFile: string;
      /** SQLite results store (as `strangler start --store sqlite:FILE`); null keeps no records. */
      readonly storeFile: string | null;
      readonly accessLog: boolean;
      /** The admin listener (metrics endpoint) on an ephemeral port. */
      readonly admin: boolean;
      readonly flushInterval?: number;
    };

export interface UpstreamReady {
  /** Serves the JSON body as the monolith. */
  readonly legacyUrl: string;
  /** Serves the same JSON (one ignored field differs) as the extracted service. */
  readonly serviceUrl: string;
  /** Accepts requests and never answers. */
  readonly hangUrl: string;
}

export interface SetupReady {
  readonly url: string;
}

export interface SetupStats {
  readonly outcomes?: Readonly<Record<string, number>>;
  readonly skipped?: Readonly<Record<string, number>>;
  /** Comparison errors by side, kind and message. */
  readonly errorKinds?: Readonly<Record<string, number>>;
  /** Times a circuit breaker opened, by upstream. */
  readonly breakerOpens?: Readonly<Record<string, number>>;
  readonly shadowsInFlight?: number;
  /** Sum of strangler_requests_total: the metrics really counted the load. */
  readonly requestsCounted?: number;
  readonly flushes?: number;
  readonly flushedRecords?: number;
}

/** Mirrored requests a proxy compared (every outcome: match, mismatch, noisy, error). */
export function comparedCount(stats: SetupStats | undefined): number {
  return Object.values(stats?.outcomes ?? {}).reduce((total, count) => total + count, 0);
}

export interface StranglerFinal {
  readonly stats: SetupStats;
  /** Read back from the SQLite store after the proxy closed; null without a store. */
  readonly stored: {
    readonly compared: number;
    readonly matched: number;
    readonly mismatched: number;
    readonly errors: number;
    readonly skipped: number;
  } | null;
}

export interface UpstreamCounts {
  readonly legacy: { readonly connections: number; readonly requests: number };
  readonly service: { readonly connections: number; readonly requests: number };
  readonly hang: { readonly connections: number; readonly requests: number };
  readonly hangingNow?: number;
}

/** A product as a small JSON API returns it (~450 bytes); only `servedAt` differs between the sides. */
function product(servedAt: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 42,
      sku: 'SKU-000042',
      name: 'Stainless steel water bottle, 750 ml',
      description: 'Double-walled, keeps drinks cold for 24 hours and hot for 12.',
      price: { amount: 2490, currency: 'EUR' },
      stock: { available: 137, warehouse: 'DUB-1' },
      tags: ['outdoor', 'kitchen', 'gift'],
      rating: { average: 4.6, count: 312 },
      images: ['/img/42/front.jpg', '/img/42/side.jpg'],
      updatedAt: '2026-01-05T10:00:00.000Z',
      servedAt,
    }),
  );
}

export const UPSTREAM_BODIES = {
  legacy: product('2026-01-06T12:00:00.000Z'),
  service: product('2026-01-06T12:00:00.003Z'),
} as const;
