import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.ts';
import { reportVerdict, DEFAULT_GATE, percent } from '../../src/report/route-verdict.ts';
import { evaluateGate, evidenceFromReport } from '../../src/promote/gate.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { emptyBatch } from '../../src/store/result-store.ts';
import { fillStore, NOW, ROUTES } from './fixtures.ts';

async function report(options: Parameters<typeof buildReport>[1] = {}) {
  const store = createMemoryStore();
  await fillStore(store);
  return buildReport(store, { now: NOW, routes: ROUTES, ...options });
}

describe('buildReport', () => {
  it('gives each configured route its figures, verdict and the limits it was held to', async () => {
    const result = await report();

    expect(result.version).toBe(1);
    expect(result.generatedAt).toBe(new Date(NOW).toISOString());
    expect(
      result.routes.map((route) => [route.id, route.stage, route.verdict, route.decision.verdict]),
    ).toEqual([
      ['orders', 'shadow', 'mismatching', 'mismatching'],
      // The proxy rolled the canary back by itself, and nothing changed the route since.
      ['catalog', 'canary', 'mismatching', 'rolled_back'],
      ['users', 'shadow', 'insufficient_evidence', 'hold'],
    ]);
    const orders = result.routes[0]!;
    expect(orders).toMatchObject({
      compared: 200,
      matched: 180,
      mismatched: 20,
      errors: 0,
      mismatchRate: 0.1,
      errorRate: 0,
      noisy: ['$.generatedAt'],
      gate: { minCompared: 50, maxMismatchRate: 0.05, maxErrorRate: 0.01 },
      verdictReason: 'mismatch rate 10% (20 of 200), 95% lower bound 7.03% (Wilson) > 5%',
    });
    expect(orders.skipped).toMatchObject({ unsafe_method: 1, timeout: 1, too_large: 0 });
    expect(result.routes[2]?.verdictReason).toMatch(
      /^10 compared pairs < 299 needed; mismatch rate 0% \(0 of 10\), 95% upper bound 25.89% \(Clopper–Pearson\) > 1%: hold: about 289 more pairs/,
    );
    expect(result.routes[2]?.decision).toMatchObject({ verdict: 'hold', more: 289 });
  });

  it('lists differences by folded path with a real, redacted example', async () => {
    const orders = (await report()).routes[0]!;

    expect(orders.diffs.map((diff) => [diff.path, diff.kind, diff.count])).toEqual([
      ['$.items[*].price', 'type', 20],
      ['header:etag', 'header', 20],
    ]);
    const example = orders.diffs[0]?.example;
    expect(example?.request).toMatchObject({
      method: 'GET',
      url: '/orders/7',
      headers: { authorization: '[redacted]' },
    });
    expect(example?.differences.map((d) => d.path)).toContain('$.items[0].price');
    expect(JSON.parse(example?.legacy?.body ?? '').customer.email).toBe('[redacted]');
    expect(orders.moreDiffs).toBe(0);
  });

  it('computes latency percentiles per side from the histograms', async () => {
    const orders = (await report()).routes[0]!;

    // Within 1% of 40 ms and 25 ms, and said to be.
    expect(Math.abs(orders.latency.legacy.p50! - 40) / 40).toBeLessThanOrEqual(0.01);
    expect(Math.abs(orders.latency.service.p95! - 25) / 25).toBeLessThanOrEqual(0.01);
    expect(orders.latency.service.relativeError).toBe(0.01);
    expect(orders.servedLatency.service).toEqual({ p50: null, p95: null, relativeError: null });
  });

  it('reports served traffic, fallbacks and events per route', async () => {
    const catalog = (await report()).routes[1]!;

    expect(catalog.served).toEqual({
      legacy: { requests: 112, errors: 0 },
      service: { requests: 38, errors: 1 },
      fallbacks: 1,
    });
    expect(catalog.events).toEqual([
      {
        at: new Date(NOW - 30 * 60_000).toISOString(),
        kind: 'auto_rollback',
        detail: 'service error rate 25% over 30s',
      },
    ]);
  });

  it('draws an evenly spaced timeline over the window whose points add up to the totals', async () => {
    const orders = (await report({ since: NOW - 2 * 3_600_000 })).routes[0]!;

    expect(orders.timeline.length).toBeGreaterThan(10);
    expect(orders.timeline.length).toBeLessThanOrEqual(49);
    const steps = new Set(
      orders.timeline.slice(1).map((p, i) => Date.parse(p.at) - Date.parse(orders.timeline[i]!.at)),
    );
    expect(steps.size).toBe(1);
    expect(orders.timeline.reduce((sum, point) => sum + point.compared, 0)).toBe(200);
    expect(orders.timeline.reduce((sum, point) => sum + point.mismatched, 0)).toBe(20);
  });

  it('reads no timeline when asked for none, and decides the same', async () => {
    const store = createMemoryStore();
    await fillStore(store);
    const steps: number[] = [];
    const watched = {
      ...store,
      timeline: (query: Parameters<typeof store.timeline>[0]) => {
        steps.push(query.step);
        return store.timeline(query);
      },
    };
    const full = await buildReport(watched, { now: NOW, routes: ROUTES });
    const fineSteps = () => steps.filter((step) => step !== 60_000);
    const withTimeline = fineSteps().length;
    steps.length = 0;
    const bare = await buildReport(watched, { now: NOW, routes: ROUTES, timelinePoints: 0 });

    expect(bare.routes.map((route) => route.timeline)).toEqual(ROUTES.map(() => []));
    expect(bare.routes.map((route) => route.decision)).toEqual(full.routes.map((route) => route.decision));
    // Only the reads that find each route's first pair remain.
    expect(fineSteps().length).toBeLessThan(withTimeline);
  });

  it('fits the timeline to the evidence: a fresh run starts at its first minute, not the hour before', async () => {
    const store = createMemoryStore();
    const started = NOW - 7 * 60_000;
    await store.write({
      ...emptyBatch(),
      comparisons: [0, 3, 6].map((minute) => ({
        routeId: 'orders',
        bucket: started + minute * 60_000,
        compared: 2,
        matched: 1,
        mismatched: 1,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      })),
    });
    const orders = (await buildReport(store, { now: NOW, routes: ROUTES })).routes[0]!;
    expect(orders.timeline[0]?.at).toBe(new Date(started).toISOString());
    expect(orders.timeline.reduce((sum, point) => sum + point.compared, 0)).toBe(6);
  });

  it('limits the evidence to the window', async () => {
    const result = await report({ since: NOW - 30 * 60_000 });

    expect(result.since).toBe(new Date(NOW - 30 * 60_000).toISOString());
    expect(result.routes[0]?.compared).toBe(60);
    expect(result.routes[2]?.compared).toBe(10);
  });

  it('sums the overall progress: stages, verdicts, traffic share and the unmatched inventory', async () => {
    const { progress } = await report();

    expect(progress.routes).toEqual({ total: 3, legacy: 0, shadow: 2, canary: 1, migrated: 0, unknown: 0 });
    expect(progress.verdicts).toEqual({ ready: 0, insufficient_evidence: 1, mismatching: 2, slower: 0 });
    expect(progress.decisions).toMatchObject({ hold: 1, mismatching: 1, rolled_back: 1, ready: 0 });
    expect(progress.traffic).toEqual({ requests: 151, legacy: 113, service: 38, serviceShare: 38 / 151 });
    expect(progress.unmatched).toEqual([
      { method: 'GET', template: '/invoices/:id', count: 2 },
      { method: 'POST', template: '/login', count: 1 },
    ]);
    expect(progress.events.map((event) => event.kind)).toEqual(['reload']);
  });

  it('without a routes file, reports the routes the store has seen with their recorded stages', async () => {
    const store = createMemoryStore();
    await fillStore(store);
    const result = await buildReport(store, { now: NOW });

    expect(result.routes.map((route) => [route.id, route.stage, route.gate.minCompared])).toEqual([
      // No minCompared set: the fewest clean pairs whose bound shows the default 1%.
      ['catalog', 'canary', 299],
      ['orders', 'shadow', 299],
      ['users', 'shadow', 299],
    ]);
  });

  it('reports one route when asked', async () => {
    const result = await report({ routeId: 'catalog' });

    expect(result.routes.map((route) => route.id)).toEqual(['catalog']);
  });

  it('reports a configured route without evidence as such', async () => {
    const result = await buildReport(createMemoryStore(), { now: NOW, routes: ROUTES });

    expect(result.routes[0]).toMatchObject({
      compared: 0,
      mismatchRate: null,
      verdict: 'insufficient_evidence',
      decision: { verdict: 'hold', more: 299, etaMs: null },
      diffs: [],
    });
    expect(result.progress.traffic.serviceShare).toBeNull();
  });

  it('tells what it is reading', async () => {
    const steps: string[] = [];
    await report({ onProgress: (step) => steps.push(step) });

    expect(steps[0]).toBe('reading routes');
    expect(steps.length).toBeGreaterThan(2);
  });
});

describe('reportVerdict', () => {
  const gate = {
    ...DEFAULT_GATE,
    minCompared: 100,
    maxMismatchRate: 0.01,
    maxErrorRate: 0.02,
    maxLatencyRatio: 1.5,
    maxLatencyIncreaseMs: 0,
  };
  const shadow = { stage: 'shadow' } as const;
  const steps = [1, 5, 25, 50, 100];
  interface Figures {
    compared: number;
    mismatched: number;
    errors: number;
    legacyP95?: number | null;
    serviceP95?: number | null;
  }
  const evidenceOf = (figures: Figures) =>
    evidenceFromReport({
      ...figures,
      latency: { legacy: { p95: figures.legacyP95 ?? null }, service: { p95: figures.serviceP95 ?? null } },
    });
  const judge = (figures: Figures) => reportVerdict(shadow, steps, gate, evidenceOf(figures));

  it.each([
    [{ compared: 0, mismatched: 0, errors: 0 }, 'insufficient_evidence', 'hold'],
    [{ compared: 10, mismatched: 5, errors: 0 }, 'mismatching', 'mismatching'],
    // 1% seen is not "at most 1%" shown: its upper bound is above the limit.
    [{ compared: 1000, mismatched: 10, errors: 0 }, 'insufficient_evidence', 'hold'],
    [{ compared: 1000, mismatched: 40, errors: 0 }, 'mismatching', 'mismatching'],
    [{ compared: 1000, mismatched: 0, errors: 100 }, 'mismatching', 'failing'],
    [{ compared: 99, mismatched: 0, errors: 0 }, 'insufficient_evidence', 'hold'],
    // Over the minimum, yet 0 of 100 still allows ~3%: the bound needs 299 clean pairs for 1%.
    [{ compared: 100, mismatched: 0, errors: 0 }, 'insufficient_evidence', 'hold'],
    [{ compared: 400, mismatched: 0, errors: 0 }, 'ready', 'ready'],
    [{ compared: 1000, mismatched: 0, errors: 0, legacyP95: 10, serviceP95: 16 }, 'slower', 'slower'],
    [{ compared: 1000, mismatched: 0, errors: 0, legacyP95: 10, serviceP95: 15 }, 'ready', 'ready'],
    [{ compared: 1000, mismatched: 0, errors: 0, legacyP95: 0, serviceP95: 1 }, 'slower', 'slower'],
    [{ compared: 1000, mismatched: 0, errors: 0, legacyP95: null, serviceP95: 900 }, 'ready', 'ready'],
    [{ compared: 10, mismatched: 0, errors: 0, legacyP95: 10, serviceP95: 40 }, 'slower', 'slower'],
    [
      { compared: 10, mismatched: 0, errors: 0, legacyP95: 10, serviceP95: 12 },
      'insufficient_evidence',
      'hold',
    ],
    [
      { compared: 1000, mismatched: 50, errors: 0, legacyP95: 10, serviceP95: 40 },
      'mismatching',
      'mismatching',
    ],
  ] as const)('%o → %s (%s)', (figures, expected, decision) => {
    const judged = judge(figures);
    expect(judged.verdict).toBe(expected);
    expect(judged.decision.verdict).toBe(decision);
  });

  it('says why with the gate’s own words and figures, so the report and `strangler promote` agree', () => {
    const figures = { compared: 500, mismatched: 0, errors: 0, legacyP95: 12, serviceP95: 30 };
    const decided = judge(figures);
    const gateSays = evaluateGate(evidenceOf(figures), gate, {
      from: shadow,
      to: { stage: 'canary', percent: 1 },
      direction: 'promote',
    });
    const latency = gateSays.conditions.find((condition) => condition.name === 'latency_ratio');

    expect(decided.verdict).toBe('slower');
    expect(decided.verdictReason).toBe('service p95 30 ms is 2.5× legacy p95 12 ms > 1.5×');
    expect(latency?.ok).toBe(false);
    expect(latency?.message).toBe(decided.verdictReason);
    expect(judge({ ...figures, serviceP95: 13 }).verdictReason).toBe(
      gateSays.conditions
        .map((condition) =>
          condition.name === 'latency_ratio'
            ? 'service p95 13 ms is 1.1× legacy p95 12 ms ≤ 1.5×'
            : condition.message,
        )
        .join('; '),
    );
    expect(judge({ ...figures, serviceP95: 13 }).decision).toMatchObject({
      verdict: 'ready',
      label: 'ready for canary 1%',
      question: 'may it go from shadow to canary 1%?',
    });
  });

  it('holds below the bound’s minimum with how many more pairs, and prints the bound and its rule', () => {
    const decided = judge({ compared: 100, mismatched: 0, errors: 0 });
    const mismatch = decided.decision.conditions.find((condition) => condition.name === 'mismatch_rate');
    expect(mismatch).toMatchObject({ state: 'hold', upper: expect.closeTo(0.0295, 4), more: 199 });
    expect(mismatch?.message).toBe(
      'mismatch rate 0% (0 of 100), 95% upper bound 2.95% (Clopper–Pearson) > 1%: hold: about 199 more pairs at the rate seen so far',
    );
    expect(decided.decision.more).toBe(199);
  });

  it('formats rates with enough digits to compare them with the limit', () => {
    expect([percent(0), percent(0.0123), percent(0.0009), percent(0.25)]).toEqual([
      '0%',
      '1.23%',
      '0.09%',
      '25%',
    ]);
  });
});
