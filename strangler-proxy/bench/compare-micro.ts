/**
 * Micro-benchmark of the comparison on the shadow path: µs per `compareResponses` call for a small
 * (~1 KB) and a large (~100 KB) JSON body, in the cases the proxy meets. Not a test: it prints numbers.
 *
 *   node strangler-proxy/bench/compare-micro.ts
 */
import type { CapturedResponse } from '../src/compare/verdict.ts';
import {
  compareResponses,
  compileCompareRules,
  createNoiseModel,
  learnNoise,
  NO_RULES,
} from '../src/compare/index.ts';
import type { CompiledRules, NoiseModel } from '../src/compare/index.ts';

const encoder = new TextEncoder();

function response(text: string): CapturedResponse {
  return {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(text.length),
      date: 'Mon, 01 Jan 2026 00:00:00 GMT',
      'cache-control': 'no-store',
      'x-request-id': 'r-1',
    },
    body: encoder.encode(text),
    truncated: false,
    latencyMs: 1,
  };
}

function order(index: number, stamp: string) {
  return {
    id: index,
    sku: `SKU-${index}`,
    name: `Product number ${index}`,
    price: 12.5 + index,
    quantity: index % 7,
    tags: ['new', 'sale'],
    updated_at: stamp,
  };
}

function body(items: number, stamp: string) {
  return {
    generatedAt: stamp,
    page: 1,
    total: items,
    items: Array.from({ length: items }, (_, i) => order(i, stamp)),
  };
}

/**
 * CPU µs per call of `run` over about a second (user + system from process.cpuUsage), not wall time:
 * on a shared two-core machine wall time would count the other processes too.
 */
function cpuMicros(run: () => unknown): number {
  for (let i = 0; i < 2_000; i++) run(); // warm-up
  let iterations = 0;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - wall < 1_000) {
    for (let i = 0; i < 50; i++) run();
    iterations += 50;
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / iterations;
}

function print(label: string, micros: number, note = ''): void {
  console.log(`${label.padEnd(56)} ${micros.toFixed(2).padStart(9)} µs  ${note}`);
}

function measure(
  label: string,
  legacy: CapturedResponse,
  service: CapturedResponse,
  rules: CompiledRules,
  noise?: NoiseModel,
): void {
  const { outcome } = compareResponses(legacy, service, rules, noise);
  const micros = cpuMicros(() => compareResponses(legacy, service, rules, noise));
  print(label, micros, `(${outcome}, ${legacy.body.byteLength} B)`);
}

const rules = compileCompareRules({
  ignore: ['$.items[*].updated_at'],
  ignoreHeaders: ['x-request-id'],
  arrays: { '$.items[*].tags': {} },
  tolerance: { '$.items[*].price': 0.005 },
  redact: ['$..email'],
});

for (const [size, items] of [
  ['~1 KB', 7],
  ['~100 KB', 700],
] as const) {
  const a = body(items, '2026-01-01T00:00:00.001Z');
  const b = body(items, '2026-01-01T00:00:00.002Z');
  const text = JSON.stringify(a);
  const changed = structuredClone(a);
  changed.items[Math.floor(items / 2)]!.price += 1;
  const noise = learnNoise(
    createNoiseModel(),
    compareResponses(response(text), response(JSON.stringify(b)), rules),
  );

  const formatted = JSON.stringify(a, null, 1);

  console.log(`\n${size} body`);
  print(
    '(floor: JSON.parse of both bodies alone)',
    cpuMicros((): unknown[] => [JSON.parse(text) as unknown, JSON.parse(formatted) as unknown]),
  );
  measure('identical bytes', response(text), response(text), rules);
  measure(
    'same JSON, other formatting (parse + walk), no rules',
    response(text),
    response(formatted),
    NO_RULES,
  );
  measure('same JSON, other formatting, with rules', response(text), response(formatted), rules);
  measure('timestamp differs, learned as noise', response(text), response(JSON.stringify(b)), rules, noise);
  measure('one price differs (mismatch)', response(text), response(JSON.stringify(changed)), rules, noise);
}
