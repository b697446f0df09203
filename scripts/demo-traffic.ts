/**
 * `npm run demo:traffic`: realistic, deterministic shop traffic sent to the proxy (or any base URL):
 * product lists with paging, sorting, search and category filters; product details; reviews; categories;
 * a logged-in demo customer placing, reading and listing orders; and some requests for things that do not
 * exist. The same seed always sends the same requests. Bounded: it stops after `--requests` requests.
 *
 *   npm run demo:traffic                                  # 300 requests to http://127.0.0.1:8080
 *   npm run demo:traffic -- --requests 1000 --base http://127.0.0.1:3000 --concurrency 4 --seed 7
 */
import { parseArgs } from 'node:util';

const USAGE = `usage: demo-traffic [--base URL] [--requests N] [--concurrency N] [--seed N]
  --base         where to send traffic (default http://127.0.0.1:8080, the proxy)
  --requests     how many requests, login included (default 300)
  --concurrency  requests in flight at once (default 1: the same order every run)
  --seed         seed of the traffic mix (default 42)
`;

/** The seeded demo customer (see legacy-monolith/README.md). */
const DEMO_LOGIN = { email: 'demo@example.com', password: 'demo1234' };
const PRODUCT_COUNT = 480;
const CATEGORY_COUNT = 18;
const REQUEST_TIMEOUT_MS = 10_000;

export interface Options {
  readonly base: string;
  readonly requests: number;
  readonly concurrency: number;
  readonly seed: number;
}

function readOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: { type: 'string', default: process.env.DEMO_BASE_URL ?? 'http://127.0.0.1:8080' },
      requests: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const positive = (name: string, text: string, max: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new Error(`--${name} ${text}: expected 1 to ${max}`);
    return value;
  };
  if (!URL.canParse(values.base)) throw new Error(`--base ${values.base}: not a URL`);
  return {
    base: values.base.replace(/\/+$/, ''),
    requests: positive('requests', values.requests, 1_000_000),
    concurrency: positive('concurrency', values.concurrency, 64),
    seed: positive('seed', values.seed, 2 ** 31),
  };
}

// ---------------------------------------------------------------------------------------------------
// The traffic plan: pure, from a seeded PRNG (mulberry32), so every run sends the same requests.

function createPrng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { next, int, pick };
}

type Kind =
  'login' | 'product list' | 'product' | 'reviews' | 'categories' | 'order' | 'my orders' | 'unknown';

interface PlannedRequest {
  readonly kind: Kind;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Sent with the demo customer's token. */
  readonly auth?: boolean;
}

const SEARCH_WORDS = ['oak', 'lamp', 'steel', 'café', 'mill', 'desk', 'copper', 'tent'];
const SORTS = ['id', 'name', 'price', 'created_at'];
const COUPONS = ['SAVE10', 'FREESHIP', 'WELCOME5'];

/** Weighted mix, in percent: browsing dominates, as in any shop. */
const MIX: ReadonlyArray<readonly [Kind, number]> = [
  ['product list', 30],
  ['product', 25],
  ['reviews', 17],
  ['categories', 8],
  ['order', 7],
  ['my orders', 6],
  ['unknown', 7],
];

function planRequest(prng: ReturnType<typeof createPrng>): PlannedRequest {
  let roll = prng.next() * 100;
  const kind = MIX.find(([, weight]) => (roll -= weight) < 0)?.[0] ?? 'product';
  const productId = (): number => prng.int(1, PRODUCT_COUNT);
  switch (kind) {
    case 'product list': {
      const params = new URLSearchParams({
        page: String(prng.int(1, 8)),
        per_page: String(prng.pick([10, 20, 20, 50])),
        sort: prng.pick(SORTS),
        dir: prng.pick(['asc', 'desc']),
      });
      if (prng.next() < 0.25) params.set('q', prng.pick(SEARCH_WORDS));
      if (prng.next() < 0.25) params.set('category_id', String(prng.int(1, CATEGORY_COUNT)));
      return { kind, method: 'GET', path: `/api/products?${params.toString()}` };
    }
    case 'product':
      return { kind, method: 'GET', path: `/api/products/${productId()}` };
    case 'reviews':
      return {
        kind,
        method: 'GET',
        path: `/api/products/${productId()}/reviews?page=${prng.int(1, 2)}&per_page=5`,
      };
    case 'categories':
      return prng.next() < 0.5
        ? { kind, method: 'GET', path: '/api/categories' }
        : { kind, method: 'GET', path: `/api/categories/${prng.int(1, CATEGORY_COUNT)}` };
    case 'order': {
      const lines = prng.int(1, 3);
      const ids = new Set<number>();
      while (ids.size < lines) ids.add(productId());
      const body = {
        items: [...ids].map((id) => ({ product_id: id, quantity: prng.int(1, 2) })),
        ...(prng.next() < 0.3 ? { coupon_code: prng.pick(COUPONS) } : {}),
      };
      return { kind, method: 'POST', path: '/api/orders', body, auth: true };
    }
    case 'my orders':
      return { kind, method: 'GET', path: `/api/orders?per_page=5&page=${prng.int(1, 3)}`, auth: true };
    default:
      return {
        kind: 'unknown',
        method: 'GET',
        path: prng.pick([
          `/api/products/${prng.int(100_000, 999_999)}`,
          `/api/products/${prng.int(100_000, 999_999)}/reviews`,
          `/api/categories/${prng.int(100, 999)}`,
          '/api/products/not-a-number',
          `/api/orders/${prng.int(900_000_000, 999_999_999)}`,
        ]),
        auth: true,
      };
  }
}

function planTraffic(count: number, seed: number): PlannedRequest[] {
  const prng = createPrng(seed);
  const login: PlannedRequest = { kind: 'login', method: 'POST', path: '/api/login', body: DEMO_LOGIN };
  return [login, ...Array.from({ length: count - 1 }, () => planRequest(prng))];
}

// ---------------------------------------------------------------------------------------------------
// Sending, progress and summary.

type Outcome = number | 'error';

export interface Tally {
  readonly byKind: Map<Kind, Map<Outcome, number>>;
  done: number;
  failures: number;
}

function count(tally: Tally, kind: Kind, outcome: Outcome): void {
  const row = tally.byKind.get(kind) ?? new Map<Outcome, number>();
  row.set(outcome, (row.get(outcome) ?? 0) + 1);
  tally.byKind.set(kind, row);
  tally.done++;
  if (outcome === 'error') tally.failures++;
}

function statusClass(outcome: Outcome): string {
  return outcome === 'error' ? 'error' : `${String(outcome)[0]}xx`;
}

function progressLine(tally: Tally, total: number): string {
  const classes = new Map<string, number>();
  for (const row of tally.byKind.values()) {
    for (const [outcome, n] of row)
      classes.set(statusClass(outcome), (classes.get(statusClass(outcome)) ?? 0) + n);
  }
  const filled = Math.round((tally.done / total) * 30);
  const counts = [...classes]
    .sort()
    .map(([name, n]) => `${name} ${n}`)
    .join('  ');
  return `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${tally.done}/${total}  ${counts}`;
}

function summary(tally: Tally, elapsedMs: number): string {
  const outcomes = [...new Set([...tally.byKind.values()].flatMap((row) => [...row.keys()]))].sort((a, b) =>
    String(a).localeCompare(String(b)),
  );
  const header = ['request', ...outcomes.map(String), 'total'];
  const rows = [...tally.byKind].map(([kind, row]) => [
    kind,
    ...outcomes.map((outcome) => String(row.get(outcome) ?? '')),
    String([...row.values()].reduce((sum, n) => sum + n, 0)),
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
  const lines = table.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
  );
  const rate = (tally.done / (elapsedMs / 1000)).toFixed(0);
  lines.push('', `${tally.done} requests in ${(elapsedMs / 1000).toFixed(1)} s (${rate}/s)`);
  return lines.join('\n');
}

async function send(
  base: string,
  request: PlannedRequest,
  token: string | undefined,
): Promise<{ outcome: Outcome; body?: unknown }> {
  try {
    const response = await fetch(base + request.path, {
      method: request.method,
      headers: {
        accept: 'application/json',
        'user-agent': 'strangler-demo-traffic',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(request.auth && token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { outcome: response.status, body };
  } catch {
    return { outcome: 'error' };
  }
}

/** Where the run reports its progress and summary. */
export interface TrafficOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const silent: TrafficOutput = { write: () => undefined };

/**
 * Sends the planned traffic and resolves with the tally. `main` below is the command; tests call this
 * directly (with `silent` output) against servers they started.
 */
export async function runDemoTraffic(options: Options, output: TrafficOutput = silent): Promise<Tally> {
  const plan = planTraffic(options.requests, options.seed);
  const tally: Tally = { byKind: new Map(), done: 0, failures: 0 };
  const tty = output.isTTY === true;
  output.write(`demo traffic: ${plan.length} requests to ${options.base} (seed ${options.seed})\n`);
  const started = performance.now();

  // The login goes first and alone: every order needs its token.
  const [login, ...rest] = plan;
  let token: string | undefined;
  if (login) {
    const answer = await send(options.base, login, undefined);
    count(tally, login.kind, answer.outcome);
    if (answer.outcome === 'error') {
      output.write(`nothing answers at ${options.base}: start the system first (npm start)\n`);
      tally.failures += 1;
      return tally;
    }
    token = (answer.body as { token?: string } | undefined)?.token;
    if (!token) output.write(`login answered ${answer.outcome}: orders will be refused (401)\n`);
  }

  let lastReported = 0;
  const report = (): void => {
    if (tty) output.write(`\r${progressLine(tally, plan.length)}`);
    else if (
      tally.done - lastReported >= Math.max(1, Math.floor(plan.length / 10)) ||
      tally.done === plan.length
    ) {
      lastReported = tally.done;
      output.write(`${progressLine(tally, plan.length)}\n`);
    }
  };

  const queue = [...rest];
  const placedOrders: number[] = [];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        // Now and then read back an order placed earlier, as a customer checking an order would.
        const planned =
          request.kind === 'my orders' && placedOrders.length > 0 && request.path.endsWith('page=1')
            ? { ...request, path: `/api/orders/${placedOrders[placedOrders.length - 1] ?? 0}` }
            : request;
        const answer = await send(options.base, planned, token);
        if (planned.kind === 'order' && answer.outcome === 201) {
          const id = (answer.body as { id?: unknown } | undefined)?.id;
          if (typeof id === 'number') placedOrders.push(id);
        }
        count(tally, planned.kind, answer.outcome);
        report();
      }
    }),
  );
  if (tty) output.write('\n');
  output.write(`\n${summary(tally, performance.now() - started)}\n`);
  if (tally.failures > 0) {
    output.write(`${tally.failures} requests got no answer (connection refused, reset or timed out)\n`);
  }
  return tally;
}

async function main(): Promise<void> {
  const tally = await runDemoTraffic(readOptions(process.argv.slice(2)), process.stdout);
  if (tally.failures > 0) process.exitCode = 1;
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo-traffic: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
  });
}
