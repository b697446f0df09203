/** Shapes shared by the bench's parent and its child processes. */

export type ServerSpec =
  | { readonly kind: 'upstream' }
  | { readonly kind: 'express-hpm'; readonly target: string }
  | { readonly kind: 'fastify-proxy'; readonly target: string }
  | {
      readonly kind: 'strangler';
      readonly configFile: string;
      /** SQLite results store (as `strangler start --store sqlite:FILE`). */
      readonly storeFile: string;
      readonly flushInterval?: number;
      /** Variables added to the process's environment (OTEL_*). */
      readonly env?: Readonly<Record<string, string>>;
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

/** What a strangler process counted of its mirrors so far (empty for the other setups). */
export interface SetupStats {
  readonly outcomes?: Readonly<Record<string, number>>;
  readonly skipped?: Readonly<Record<string, number>>;
}

/** Mirrored requests a proxy compared (every outcome: match, mismatch, noisy, error). */
export function comparedCount(stats: SetupStats | undefined): number {
  return Object.values(stats?.outcomes ?? {}).reduce((total, count) => total + count, 0);
}

export interface StranglerFinal {
  readonly stats: SetupStats;
  /** Comparisons read back from the SQLite store after the proxy closed. */
  readonly stored: { readonly compared: number; readonly mismatched: number; readonly errors: number };
}

/** A product as a small JSON API returns it; only `servedAt` differs between the sides. */
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

/** A server running in a child process, as `server-process.ts` drives it over IPC. */
export interface RunningServer<Ready> {
  readonly ready: Ready;
  stats?(): SetupStats | Promise<SetupStats>;
  /** Resolves once the mirrors in flight are done, or after `boundMs`. */
  settle?(boundMs: number): Promise<unknown>;
  /** Closes the server; its answer is the child's final report. */
  close(): Promise<unknown>;
}
