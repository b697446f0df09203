/**
 * The routes.yaml schema: the one source of the config's types, defaults and the published JSON Schema.
 *
 * Every object is strict (unknown keys are errors: a typo must never be silently ignored) and every
 * default lives here, so downstream code receives a complete, frozen {@link RoutesConfig} and never
 * re-checks it.
 */
import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';
import { authBridgeSchema, edgeAuthSchema, mirrorRequestSchema, verifyReadSchema } from './auth-schema.ts';

export { durationSchema, parseDuration } from './duration-schema.ts';

const httpUrl = z.string().refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), {
  message: 'expected an http:// or https:// URL',
});

/** `header:NAME`, `cookie:NAME` or `ip`: what identifies a user for sticky splits. */
export const stickySchema = z
  .string()
  .regex(/^(header:[A-Za-z0-9!#$%&'*+.^_`|~-]+|cookie:[A-Za-z0-9!#$%&'*+.^_`|~-]+|ip)$/, {
    message: 'expected header:NAME, cookie:NAME or ip',
  });

const percentSchema = z.number().min(0).max(100);

export const circuitBreakerSchema = z.strictObject({
  /** Consecutive failures that open the breaker. */
  consecutiveFailures: z.int().positive().default(5),
  /** Failure rate over the window that opens the breaker (with at least `minRequests`). */
  failureRate: z.number().min(0).max(1).default(0.5),
  minRequests: z.int().positive().default(20),
  window: durationSchema.default(10_000),
  /** How long the breaker stays open before one probe is let through. */
  openFor: durationSchema.default(5_000),
});

export const retrySchema = z.strictObject({
  /** Extra attempts for idempotent requests that failed to connect. */
  attempts: z.int().min(0).max(5).default(1),
  /** Retries may add at most this share of requests (a budget, so retries never amplify an outage). */
  budget: z.number().min(0).max(1).default(0.2),
});

/** `host:port` of a DNS server (IPv6 in brackets: `[::1]:53`). */
const resolverAddress = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:53');

export const discoverySchema = z.strictObject({
  dns: z
    .string()
    .regex(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?\.?$/, 'expected a DNS name')
    .describe(
      'A DNS name: with port, its A and AAAA records are the endpoints; without, its SRV records (which carry the ports), e.g. _http._tcp.catalog.svc.',
    ),
  port: z.int().min(1).max(65_535).optional().describe('Port of every address (A/AAAA); omit to use SRV.'),
  scheme: z.enum(['http', 'https']).default('http'),
  resolver: resolverAddress
    .optional()
    .describe('DNS server asked instead of the system resolver (host:port).'),
  minRefresh: durationSchema
    .default(1_000)
    .describe('Records are resolved again when their TTL runs out, but no sooner than this.'),
  maxRefresh: durationSchema
    .default(30_000)
    .describe('Records are resolved again at least this often, whatever their TTL.'),
});

export const BALANCE_POLICIES = ['least-outstanding', 'round-robin'] as const;

export const healthCheckSchema = z.strictObject({
  path: z
    .string()
    .startsWith('/')
    .optional()
    .describe('Path probed on every endpoint (default: the upstream health path).'),
  interval: durationSchema.default(5_000),
  timeout: durationSchema.default(1_000),
  healthyThreshold: z
    .int()
    .positive()
    .default(2)
    .describe('Passed probes in a row that bring an unhealthy endpoint back.'),
  unhealthyThreshold: z
    .int()
    .positive()
    .default(2)
    .describe('Failed probes in a row that take an endpoint out of the balancing.'),
});

export const outlierSchema = z.strictObject({
  consecutiveFailures: z
    .int()
    .min(0)
    .default(5)
    .describe('Failures in a row (refused, reset, timeout, 5xx) that eject an endpoint (0: never).'),
  ejectFor: durationSchema
    .default(10_000)
    .describe('First ejection; each further one lasts twice the one before, up to maxEjectFor.'),
  maxEjectFor: durationSchema.default(300_000),
  maxEjectedPercent: z
    .number()
    .min(0)
    .max(100)
    .default(50)
    .describe('Share of endpoints ejected at most at once; one endpoint always stays.'),
});

const upstreamObjectSchema = z
  .strictObject({
    url: z
      .union([httpUrl, z.array(httpUrl).min(1)])
      .optional()
      .describe('Base URL of the upstream (http://127.0.0.1:4001), or a list of its instances.'),
    discovery: discoverySchema
      .optional()
      .describe('Instances found by DNS and resolved again within their TTL (instead of url).'),
    balance: z
      .enum(BALANCE_POLICIES)
      .default('least-outstanding')
      .describe('How a request picks an instance: fewest requests in flight, or each in turn.'),
    healthCheck: healthCheckSchema
      .optional()
      .describe('Active checks of every instance; failing ones get no traffic until they pass.'),
    outlier: outlierSchema.prefault({}),
    timeout: durationSchema
      .default(30_000)
      .describe(
        'Time to the response head (504 beyond), then the longest pause in its body (cut beyond, within 1.25× of it).',
      ),
    /** Path probed by the admin health check. */
    health: z
      .string()
      .startsWith('/')
      .default('/health')
      .describe('Path probed by the admin /health endpoint.'),
    /** Bulkhead: requests in flight to this upstream at most; further ones get 503 (or the fallback). */
    maxConcurrent: z
      .int()
      .positive()
      .default(256)
      .describe('Requests in flight at most (bulkhead); beyond it 503 or the fallback.'),
    retry: retrySchema.prefault({}),
    breaker: circuitBreakerSchema.prefault({}),
  })
  .superRefine((upstream, context) => {
    if ((upstream.url === undefined) === (upstream.discovery === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'give either url (one URL or a list) or discovery, not both and not neither',
        path: upstream.url === undefined ? [] : ['discovery'],
      });
    }
    // Every instance gets the request under the same base path: only the address may differ.
    if (Array.isArray(upstream.url)) {
      const bases = new Set(upstream.url.map(baseOf));
      if (bases.size > 1)
        context.addIssue({
          code: 'custom',
          message: 'the URLs of a list must differ only in host and port (same scheme, path and query)',
          path: ['url'],
        });
    }
  });

function baseOf(text: string): string {
  const url = new URL(text);
  return `${url.protocol}${url.pathname}${url.search}`;
}

/** An upstream is a URL or an object; both become the full object. */
export const upstreamSchema = z
  .union([httpUrl, upstreamObjectSchema])
  .transform((value) => (typeof value === 'string' ? upstreamObjectSchema.parse({ url: value }) : value));

/** A service is an upstream that may also bridge the monolith's credentials (`auth`) and name its build. */
const serviceObjectSchema = upstreamObjectSchema.extend({
  auth: authBridgeSchema
    .optional()
    .describe("Presents the service with a credential it accepts, made from the monolith's."),
  /** A build identity of the service (a version, a commit): a new one starts fresh evidence. */
  build: z
    .string()
    .min(1)
    .optional()
    .describe("The service's build identity (a version or commit); changing it starts fresh evidence."),
});

export const serviceSchema = z
  .union([httpUrl, serviceObjectSchema])
  .transform((value) => (typeof value === 'string' ? serviceObjectSchema.parse({ url: value }) : value));

export const canarySchema = z.strictObject({
  percent: percentSchema.describe('Share of requests (or of users, with sticky) served by the service.'),
  sticky: stickySchema
    .optional()
    .describe('header:NAME, cookie:NAME or ip: the same user always lands on the same side.'),
});

export const shadowSchema = z.strictObject({
  /** Share of eligible requests mirrored. */
  percent: percentSchema.default(100).describe('Share of eligible requests mirrored.'),
  sticky: stickySchema
    .optional()
    .describe('Sample by user instead of by request: header:NAME, cookie:NAME or ip.'),
  /** Mirror methods other than the safe ones (GET, HEAD, OPTIONS, TRACE) (only against a service that can take writes). */
  unsafe: z
    .boolean()
    .default(false)
    .describe(
      'Also mirror methods other than the safe ones (GET, HEAD, OPTIONS, TRACE) (only to a service that can take writes).',
    ),
  /** Requests with larger bodies are served but not mirrored (and counted as `too_large`). */
  maxBodyBytes: z
    .int()
    .nonnegative()
    .default(1_048_576)
    .describe('Requests with larger bodies are served but not mirrored (counted as too_large).'),
  /** Responses larger than this are compared by hash of what was captured, and marked truncated. */
  maxResponseBytes: z
    .int()
    .positive()
    .default(4_194_304)
    .describe('Answers are captured up to this size; larger ones are compared as truncated.'),
  timeout: durationSchema
    .default(2_000)
    .describe('A mirror that has not answered by then is dropped and counted (timeout).'),
  /** Share of safe requests also sent to the primary twice to learn which fields are noise. */
  noiseSample: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('Share of safe requests also sent to the primary twice, to learn which fields are noise.'),
  /** After this many mirrors in a row fail, mirroring pauses for `pauseFor` (0: never pause). */
  pauseAfterFailures: z
    .int()
    .min(0)
    .default(5)
    .describe('Mirrors in a row that may fail before mirroring this route pauses (0: never pause).'),
  pauseFor: durationSchema
    .default(5_000)
    .describe('How long mirroring pauses before one mirror probes again.'),
  request: mirrorRequestSchema.optional().describe('Headers dropped, set or renamed on mirrored requests.'),
  correlate: z
    .array(z.string().startsWith('$'))
    .default([])
    .describe(
      'Identifiers in the answers to a mirrored write that correspond (legacy value ↔ service value).',
    ),
  verify: verifyReadSchema.optional(),
});

/** A JSONPath subset: `$`, `.key`, `['key']`, `[n]`, `[*]`, `..key`. Checked by the config loader. */
export const jsonPathSchema = z.string().startsWith('$');

/** A status code, 100..599. */
const statusCodeSchema = z.int().min(100).max(599);

/**
 * How one path's values are brought to a common form before comparing (`compare.normalize`). Each key
 * says what does not count as a difference there; combinations that cannot apply together are refused
 * by the config checks (`time` with `number`, `case`/`trim` with either, `sortedSet` with any other).
 */
export const normalizerSchema = z.strictObject({
  equivalent: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .min(2)
    .optional()
    .describe('Values that count as the same here, e.g. ["", null].'),
  time: z
    .union([
      z.literal(true),
      z.strictObject({
        formats: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            'Named formats (iso, sql, http, date, epoch-s, epoch-ms) or patterns such as DD/MM/YYYY HH:mm:ss (YYYY MM DD HH mm ss SSS Z). Default: iso, sql, http.',
          ),
        precision: durationSchema
          .optional()
          .describe('Instants less than this apart are equal, e.g. 1s. Default: exactly equal.'),
      }),
    ])
    .optional()
    .describe('Both sides are parsed as instants and compared as such, e.g. ISO vs YYYY-MM-DD HH:MM:SS.'),
  number: z
    .union([
      z.literal(true),
      z.strictObject({
        tolerance: z.number().nonnegative().optional().describe('Absolute difference accepted.'),
      }),
    ])
    .optional()
    .describe('Numeric strings and numbers compare as numbers ("12.50" equals 12.5).'),
  case: z.literal('insensitive').optional().describe('insensitive: strings compare ignoring letter case.'),
  trim: z.literal(true).optional().describe('Strings compare without leading and trailing white space.'),
  sortedSet: z
    .literal(true)
    .optional()
    .describe('An array of scalars compared as a set of values: order does not count.'),
});

export const compareSchema = z.strictObject({
  ignore: z
    .array(jsonPathSchema)
    .default([])
    .describe('JSONPaths never compared, e.g. $.generatedAt or $.items[*].updated_at.'),
  ignoreHeaders: z
    .array(z.string().transform((name) => name.toLowerCase()))
    .default([])
    .describe('Response headers never compared, e.g. date, etag.'),
  compareHeaders: z
    .union([
      z.literal('all'),
      z.array(
        z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a header name')
          .transform((name) => name.toLowerCase()),
      ),
    ])
    .default([])
    .describe(
      'Response headers compared: content-type, cache-control, location, content-encoding, vary and set-cookie names, plus the names listed here; all: every header but transport ones and ignoreHeaders.',
    ),
  /** Compare the array at a path as a set keyed by a field (or by value when `orderBy` is absent). */
  arrays: z.record(jsonPathSchema, z.strictObject({ orderBy: z.string().optional() })).default({}),
  /** Numeric tolerance (absolute) at a path. */
  tolerance: z.record(jsonPathSchema, z.number().nonnegative()).default({}),
  /** How values at a path are brought to a common form before comparing. */
  normalize: z
    .record(jsonPathSchema, normalizerSchema)
    .default({})
    .describe(
      'Per JSONPath: what does not count as a difference there (equivalent, time, number, case, trim, sortedSet).',
    ),
  /** Status differences accepted: legacy status → the service status(es) that count as the same. */
  status: z
    .record(
      z.string().regex(/^[1-5]\d\d$/, 'expected a status code such as 201'),
      z.union([statusCodeSchema, z.array(statusCodeSchema).min(1)]),
    )
    .default({})
    .describe('Accepted status differences, legacy → service, e.g. { 201: 200 }.'),
  /** Body fields replaced by `[redacted]` in stored samples and reports. */
  redact: z
    .array(jsonPathSchema)
    .default([])
    .describe(
      'Body fields replaced by [redacted] in stored samples and reports, besides fields named like credentials and values shaped like them, which are always masked.',
    ),
  /** Body fields kept in stored samples although their name or value looks like a credential. */
  keep: z
    .array(jsonPathSchema)
    .default([])
    .describe(
      'Body fields kept in stored samples and reports although their name or value looks like a credential (e.g. $.pagination.next_token).',
    ),
  /** Query parameters whose values are masked in stored samples, besides the credential-like names. */
  redactQuery: z
    .array(
      z
        .string()
        .min(1)
        .transform((name) => name.toLowerCase()),
    )
    .default([])
    .describe(
      'Query parameters whose values are replaced by [redacted] in stored samples and reports, besides names that look like credentials (token, secret, password, signature, api_key, key, sig, code, …).',
    ),
});

export const gateSchema = z.strictObject({
  /** Comparable pairs needed to leave shadow. Default: the fewest whose bound can show `maxMismatchRate`. */
  minCompared: z.int().nonnegative().optional(),
  maxMismatchRate: z.number().min(0).max(1).default(0.01),
  maxErrorRate: z.number().min(0).max(1).default(0.01),
  /** Service p95 latency at most this many times legacy's. */
  maxLatencyRatio: z.number().positive().default(1.5),
  /** Slower than that ratio is still fine within this many ms of legacy's p95 (a floor for fast routes). */
  maxLatencyIncreaseMs: z.number().nonnegative().default(10),
  /** Only evidence newer than this counts. */
  window: durationSchema.default(86_400_000),
  /** Requests the service must serve at a canary step. Default: the fewest whose bound can show `maxErrorRate`. */
  minServed: z.int().nonnegative().optional(),
});

export const planSchema = z.strictObject({
  /** Canary percentages walked by `strangler promote`, in increasing order; the last step is migrated. */
  steps: z
    .array(percentSchema)
    .min(1)
    .refine((steps) => steps.every((step, i) => i === 0 || step > (steps[i - 1] ?? 0)), {
      message: 'steps must increase',
    })
    .default([1, 5, 25, 50, 100]),
  gate: gateSchema.prefault({}),
  /** The least time a route stays at a canary step before the next (evidence needs time, not only counts). */
  minStepDuration: durationSchema
    .default(600_000)
    .describe('Least time at a canary step before the next one: 10m by default.'),
});

export const autoRollbackSchema = z.strictObject({
  /** Service error rate (5xx and failures) over the window that sends a canary route back to legacy. */
  errorRate: z.number().min(0).max(1).default(0.2),
  window: durationSchema.default(30_000),
  minRequests: z.int().positive().default(20),
});

const redisUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^rediss?:$/.test(new URL(text).protocol), {
    message: 'expected memory or a redis:// (rediss://) URL',
  });

export const rateLimitSchema = z.strictObject({
  requests: z
    .int()
    .positive()
    .describe('Requests a client may make per `per`, on average (the token bucket refills at this rate).'),
  per: durationSchema.default(1_000),
  burst: z
    .int()
    .positive()
    .optional()
    .describe('Requests a client may make at once: the bucket size (default: requests).'),
  key: z
    .string()
    .regex(/^(ip|header:[A-Za-z0-9!#$%&'*+.^_`|~-]+)$/, { message: 'expected ip or header:NAME' })
    .default('ip')
    .describe('Whose bucket: the client address, or a header (requests without it count by address).'),
  store: z
    .union([z.literal('memory'), redisUrl])
    .default('memory')
    .describe(
      'memory (this proxy alone) or a redis:// URL shared by a fleet; when Redis is away the local bucket decides.',
    ),
  timeout: durationSchema
    .default(100)
    .describe('How long a request waits for Redis before the local bucket decides instead.'),
});

/** The most identifier pairs a correlation map (and the results store) may keep. */
export const MAX_CORRELATION_PAIRS = 100_000;

export const STAGES = ['legacy', 'shadow', 'canary', 'migrated'] as const;
export type Stage = (typeof STAGES)[number];

/** The longest route id: what the results store's `route_id` columns hold (`varchar(200)` in PostgreSQL). */
export const MAX_ROUTE_ID_LENGTH = 200;

export const routeSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids use letters, digits, dot, dash and underscore')
    .max(MAX_ROUTE_ID_LENGTH)
    .describe('Unique; names the route in logs, metrics, reports and the CLI.'),
  /** A segment prefix; `:name` matches exactly one segment. */
  path: z
    .string()
    .startsWith('/')
    .describe('A segment prefix (/api/products also matches /api/products/7); :name matches one segment.'),
  /** Default: every method. Each one of HTTP_METHODS, as clients send it (checkRoutes says which not). */
  methods: z
    .array(z.string().min(1))
    .min(1)
    .describe('Default: every method. Upper case, as clients send them: [GET, HEAD].')
    .optional(),
  /** Header conditions that narrow the route: exact value, or `*` for "present". */
  headers: z.record(z.string(), z.string()).optional(),
  service: z.string().describe('A key of services: the upstream that takes this route over.'),
  stage: z
    .enum(STAGES)
    .describe('legacy, shadow (mirrored and compared), canary (a share served by the service) or migrated.'),
  canary: canarySchema.optional(),
  shadow: shadowSchema.optional(),
  compare: compareSchema.optional(),
  plan: planSchema.optional(),
  /** `legacy`: safe requests go to the monolith when the service is down, slow or its breaker open. */
  fallback: z
    .enum(['legacy', 'none'])
    .default('none')
    .describe(
      'legacy: safe requests go to the monolith when the service is down, slow or its breaker is open.',
    ),
  autoRollback: autoRollbackSchema.optional(),
  rateLimit: rateLimitSchema
    .optional()
    .describe('A token bucket per client: beyond it, 429 with Retry-After.'),
  auth: edgeAuthSchema.optional().describe('Token auth at the edge: 401 before anything is forwarded.'),
});

export const proxySettingsSchema = z.strictObject({
  /** Request bodies above this get 413. */
  maxBodyBytes: z
    .int()
    .positive()
    .default(10 * 1_048_576),
  /** Request headers above this get 431. */
  maxHeaderBytes: z.int().positive().default(16_384),
  headersTimeout: durationSchema.default(10_000),
  requestTimeout: durationSchema.default(60_000),
  /** SIGTERM waits this long for requests in flight. */
  drainTimeout: durationSchema.default(10_000),
  /**
   * Whether route paths match case-sensitively. Off by default, as in Express and most frameworks a
   * monolith is written in: otherwise `/API/ORDERS/1` would miss a migrated `/api/orders` route and still
   * reach the monolith. The path is forwarded as the client sent it either way.
   */
  caseSensitive: z
    .boolean()
    .default(false)
    .describe(
      'Match route paths case-sensitively. Default false: /API/Orders/1 takes the route of /api/orders, as in Express and most monolith frameworks; the path is forwarded as sent.',
    ),
  /** Peers whose X-Forwarded-* headers are kept and appended to; others' are replaced. */
  trustedProxies: z.array(z.string()).default([]),
  /** Shadow requests in flight at most, over all routes; beyond it they are dropped as `over_capacity`. */
  maxShadowsInFlight: z.int().positive().default(64),
  /** Bytes all mirrors in flight may hold together (request copies and captured answers); beyond it they are dropped as `over_capacity`. */
  maxShadowBytesInFlight: z
    .int()
    .positive()
    .default(64 * 1_048_576)
    .describe('Memory bound of the shadow path: bytes all mirrors in flight may hold together.'),
  /** How often the file is polled for changes. */
  reloadInterval: durationSchema.default(2_000),
  maxCorrelations: z
    .int()
    .positive()
    .max(MAX_CORRELATION_PAIRS)
    .default(10_000)
    .describe(
      'Identifier pairs learned from mirrored writes (shadow.correlate) kept at most; the least recently used is forgotten. Read at start.',
    ),
  maxSyncReadsInFlight: z
    .int()
    .positive()
    .default(8)
    .describe('Read-after-write checks (shadow.verify.read) in flight at most; beyond it they are skipped.'),
});

export const defaultsSchema = z.strictObject({
  shadow: shadowSchema.partial().optional(),
  compare: compareSchema.partial().optional(),
  plan: planSchema.partial().optional(),
  rateLimit: rateLimitSchema.partial().optional(),
  auth: edgeAuthSchema.optional(),
});

export const routesFileSchema = z.strictObject({
  version: z.literal(1),
  legacy: upstreamSchema,
  services: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), serviceSchema).default({}),
  proxy: proxySettingsSchema.prefault({}),
  defaults: defaultsSchema.optional(),
  routes: z.array(routeSchema).default([]),
  store: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The results store (sqlite:FILE relative to this file, or postgres://…) when neither --store nor STRANGLER_STORE names one; default strangler.db beside this file. Read at start.',
    ),
});

export type UpstreamConfig = z.output<typeof upstreamObjectSchema>;
export type DiscoveryConfig = z.output<typeof discoverySchema>;
export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
export type OutlierConfig = z.output<typeof outlierSchema>;
export type BalancePolicy = (typeof BALANCE_POLICIES)[number];
export type ServiceConfig = z.output<typeof serviceObjectSchema>;
export type CanaryConfig = z.output<typeof canarySchema>;
export type ShadowConfig = z.output<typeof shadowSchema>;
export type CompareRules = z.output<typeof compareSchema>;
export type NormalizerConfig = z.output<typeof normalizerSchema>;
export type GateConfig = z.output<typeof gateSchema>;
export type PlanConfig = z.output<typeof planSchema>;
export type AutoRollbackConfig = z.output<typeof autoRollbackSchema>;
export type RateLimitConfig = z.output<typeof rateLimitSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type ProxySettings = z.output<typeof proxySettingsSchema>;
export type RoutesFile = z.output<typeof routesFileSchema>;
/** What a user writes (before defaults): the shape the JSON Schema for editors describes. */
export type RoutesFileInput = z.input<typeof routesFileSchema>;
