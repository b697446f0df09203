import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { createFastCounter, createFastHistogram } from '../../src/admin/preaggregated.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: Array<[string, string, number]> = [
  ['products', 'legacy', 0.0004],
  ['products', 'legacy', 0.001],
  ['products', 'legacy', 0.05],
  ['products', 'catalog', 2.5],
  ['orders', 'legacy', 0.2],
];

describe('pre-aggregated metrics', () => {
  it('render exactly what prom-client renders for the same increments and observations', async () => {
    const fastRegistry = new Registry();
    const plainRegistry = new Registry();
    const fastCounter = createFastCounter({
      name: 'requests_total',
      help: 'Requests',
      labelNames: ['route', 'stage', 'upstream', 'status'],
      registry: fastRegistry,
    });
    const plainCounter = new Counter({
      name: 'requests_total',
      help: 'Requests',
      labelNames: ['route', 'stage', 'upstream', 'status'],
      registers: [plainRegistry],
    });
    const fastHistogram = createFastHistogram({
      name: 'duration_seconds',
      help: 'Durations',
      labelNames: ['route', 'upstream'],
      buckets: BUCKETS,
      registry: fastRegistry,
    });
    const plainHistogram = new Histogram({
      name: 'duration_seconds',
      help: 'Durations',
      labelNames: ['route', 'upstream'],
      buckets: BUCKETS,
      registers: [plainRegistry],
    });
    for (const [route, upstream, seconds] of OBSERVATIONS) {
      const status = seconds > 1 ? 503 : 200;
      fastCounter.inc(route, 'shadow', upstream, status);
      plainCounter.inc({ route, stage: 'shadow', upstream, status: String(status) });
      fastHistogram.observe(route, upstream, seconds);
      plainHistogram.observe({ route, upstream }, seconds);
    }
    const expected = await plainRegistry.metrics();
    expect(expected).toContain(
      'requests_total{route="products",stage="shadow",upstream="legacy",status="200"} 3',
    );
    expect(await fastRegistry.metrics()).toBe(expected);

    // Later increments add to what an earlier scrape already handed over.
    fastCounter.inc('orders', 'shadow', 'legacy', 200);
    plainCounter.inc({ route: 'orders', stage: 'shadow', upstream: 'legacy', status: '200' });
    expect(await fastRegistry.metrics()).toBe(await plainRegistry.metrics());

    fastRegistry.resetMetrics();
    plainRegistry.resetMetrics();
    fastHistogram.observe('orders', 'legacy', 0.5);
    plainHistogram.observe({ route: 'orders', upstream: 'legacy' }, 0.5);
    expect(await fastRegistry.metrics()).toBe(await plainRegistry.metrics());
  });

  it('render two-label counters', async () => {
    const registry = new Registry();
    const counter = createFastCounter({
      name: 'skipped_total',
      help: 'Skips',
      labelNames: ['route', 'reason'],
      registry,
    });
    counter.inc('products', 'timeout');
    counter.inc('products', 'timeout');
    counter.inc('products', 'sampled_out');
    const text = await registry.metrics();
    expect(text).toContain('skipped_total{route="products",reason="timeout"} 2');
    expect(text).toContain('skipped_total{route="products",reason="sampled_out"} 1');
  });
});
