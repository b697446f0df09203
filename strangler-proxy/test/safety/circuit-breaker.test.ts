import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCircuitBreaker, type BreakerTransition } from '../../src/safety/circuit-breaker.ts';

const options = { consecutiveFailures: 3, failureRate: 0.5, minRequests: 10, window: 10_000, openFor: 5_000 };

describe('createCircuitBreaker', () => {
  it('opens after consecutive failures, lets one probe through after openFor, and closes on its success', () => {
    const breaker = createCircuitBreaker(options);
    const transitions: BreakerTransition[] = [];
    breaker.onStateChange((transition) => transitions.push(transition));
    breaker.onFailure(0);
    breaker.onFailure(1);
    expect(breaker.state).toBe('closed');
    breaker.onFailure(2);
    expect(breaker.state).toBe('open');
    expect(breaker.canRequest(4_999)).toBe(false);
    expect(breaker.canRequest(5_002)).toBe(true); // the probe
    expect(breaker.state).toBe('half_open');
    expect(breaker.canRequest(5_003)).toBe(false);
    breaker.onSuccess(5_100);
    expect(breaker.state).toBe('closed');
    expect(breaker.canRequest(5_101)).toBe(true);
    expect(transitions.map(({ to, reason }) => `${to}:${reason}`)).toEqual([
      'open:consecutive_failures',
      'half_open:open_elapsed',
      'closed:probe_succeeded',
    ]);
  });

  it('re-opens when the probe fails, for another openFor', () => {
    const breaker = createCircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.onFailure(0);
    expect(breaker.canRequest(5_000)).toBe(true);
    breaker.onFailure(5_050);
    expect(breaker.state).toBe('open');
    expect(breaker.canRequest(10_049)).toBe(false);
    expect(breaker.canRequest(10_050)).toBe(true);
  });

  it('opens on the failure rate over the window once there are minRequests outcomes', () => {
    const breaker = createCircuitBreaker({ ...options, consecutiveFailures: 100 });
    for (let i = 0; i < 4; i++) {
      breaker.onSuccess(i * 10);
      breaker.onFailure(i * 10 + 5);
    }
    expect(breaker.state).toBe('closed'); // 4 of 8: below minRequests
    breaker.onSuccess(100);
    breaker.onFailure(110); // 5 of 10
    expect(breaker.state).toBe('open');
    expect(breaker.stats(110)).toMatchObject({ state: 'open', requests: 0, failures: 0 });
  });

  it('forgets failures older than the window', () => {
    const breaker = createCircuitBreaker({ ...options, consecutiveFailures: 100 });
    for (let i = 0; i < 9; i++) breaker.onFailure(i);
    for (let i = 0; i < 10; i++) breaker.onSuccess(20_000 + i);
    breaker.onFailure(20_100);
    expect(breaker.state).toBe('closed'); // 1 of 11 in the window
  });

  it('counts a probe that never reports as failed after probeTimeout', () => {
    const breaker = createCircuitBreaker({ ...options, probeTimeout: 1_000 });
    for (let i = 0; i < 3; i++) breaker.onFailure(0);
    expect(breaker.canRequest(5_000)).toBe(true);
    expect(breaker.canRequest(5_999)).toBe(false);
    expect(breaker.canRequest(6_000)).toBe(false);
    expect(breaker.state).toBe('open');
    expect(breaker.canRequest(11_000)).toBe(true);
  });

  it('ignores outcomes reported while open', () => {
    const breaker = createCircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.onFailure(0);
    breaker.onSuccess(10);
    expect(breaker.state).toBe('open');
  });

  it('resets to closed, and keeps going when a listener throws', () => {
    const errors: unknown[] = [];
    const breaker = createCircuitBreaker({ ...options, onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = breaker.onStateChange((transition) => seen.push(transition.to));
    for (let i = 0; i < 3; i++) breaker.onFailure(0);
    expect(breaker.state).toBe('open');
    breaker.reset(1);
    expect(breaker.state).toBe('closed');
    unsubscribe();
    for (let i = 0; i < 3; i++) breaker.onFailure(2);
    expect(seen).toEqual(['open', 'closed']);
    expect(errors).toHaveLength(3);
  });

  // A random life of the breaker: time passes, requests are asked for, outcomes are reported.
  type Step = { dt: number; op: 'ask' | 'success' | 'failure' };
  // Each life has its own pace, so some are dense bursts (full windows) and some long pauses (open →
  // half-open, lost probes); a few long gaps are mixed into every pace.
  const steps = (ops: readonly Step['op'][]) =>
    fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 7_000 })).chain((pace) =>
      fc.array(
        fc.record({
          dt: fc.oneof(
            { weight: 9, arbitrary: fc.integer({ min: 0, max: pace }) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) },
          ),
          op: fc.constantFrom(...ops),
        }),
        { maxLength: 300, size: 'max' },
      ),
    );
  const settings = fc.record({
    consecutiveFailures: fc.integer({ min: 1, max: 6 }),
    failureRate: fc.double({ min: 0, max: 1, noNaN: true }),
    minRequests: fc.integer({ min: 1, max: 20 }),
    window: fc.integer({ min: 100, max: 20_000 }),
    openFor: fc.integer({ min: 1, max: 8_000 }),
    probeTimeout: fc.integer({ min: 1, max: 40_000 }),
  });

  it('never lets more than one probe through while half-open', () => {
    fc.assert(
      fc.property(settings, steps(['ask', 'success', 'failure']), (config, life) => {
        const breaker = createCircuitBreaker(config);
        let probes = 0;
        breaker.onStateChange((transition) => {
          if (transition.to === 'half_open') probes = 0;
        });
        let now = 0;
        for (const { dt, op } of life) {
          now += dt;
          if (op === 'ask') {
            const allowed = breaker.canRequest(now);
            if (allowed && breaker.state === 'half_open') probes++;
            expect(probes).toBeLessThanOrEqual(1);
            if (breaker.state === 'open') expect(allowed).toBe(false);
          } else if (op === 'success') breaker.onSuccess(now);
          else breaker.onFailure(now);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never opens without failures', () => {
    fc.assert(
      fc.property(settings, steps(['ask', 'success']), (config, life) => {
        const breaker = createCircuitBreaker(config);
        let now = 0;
        for (const { dt, op } of life) {
          now += dt;
          if (op === 'ask') expect(breaker.canRequest(now)).toBe(true);
          else breaker.onSuccess(now);
          expect(breaker.state).toBe('closed');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('opens only on a failure, or on a probe lost after an earlier opening', () => {
    fc.assert(
      fc.property(settings, steps(['ask', 'success', 'failure']), (config, life) => {
        const breaker = createCircuitBreaker(config);
        let failing = false;
        let failures = 0;
        breaker.onStateChange((transition) => {
          if (transition.to !== 'open') return;
          if (transition.reason === 'probe_lost') expect(transition.from).toBe('half_open');
          else expect(failing).toBe(true);
          expect(failures).toBeGreaterThan(0);
        });
        let now = 0;
        for (const { dt, op } of life) {
          now += dt;
          if (op === 'ask') breaker.canRequest(now);
          else if (op === 'success') breaker.onSuccess(now);
          else {
            failing = true;
            failures++;
            breaker.onFailure(now);
            failing = false;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('always opens after consecutiveFailures failures in a row while closed', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 0, max: 20 }), (config, successes) => {
        const breaker = createCircuitBreaker(config);
        for (let i = 0; i < successes; i++) breaker.onSuccess(i);
        for (let i = 0; i < config.consecutiveFailures; i++) breaker.onFailure(successes + i);
        expect(breaker.state).toBe('open');
      }),
    );
  });
});
