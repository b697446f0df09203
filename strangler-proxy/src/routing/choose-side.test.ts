import { describe, expect, it } from 'vitest';
import { routeSchema, type RouteConfig } from '../config/schema.ts';
import { BUCKETS, bucketOf, createBucketSeed, shadowSalt } from './bucket.ts';
import { createSideChooser, createSidePolicy, createTrafficSplit, type SideRequest } from './choose-side.ts';
import { parseStickySource, readCookie, readStickyKey } from './sticky-key.ts';

const route = (fields: Partial<RouteConfig>) =>
  routeSchema.parse({
    id: 'products',
    path: '/api/products',
    service: 'catalog',
    stage: 'legacy',
    ...fields,
  });

function request(headers: Record<string, string> = {}, method = 'GET', remoteAddress?: string): SideRequest {
  return { method, header: (name) => headers[name], remoteAddress };
}

const never = () => 0.999999;
const always = () => 0;

describe('bucketOf', () => {
  it('is stable, in range, and differs between salts', () => {
    const seed = createBucketSeed('products');
    expect(bucketOf(seed, 'user-42')).toBe(bucketOf(createBucketSeed('products'), 'user-42'));
    const buckets = Array.from({ length: 1000 }, (_, i) => bucketOf(seed, `user-${i}`));
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < BUCKETS)).toBe(true);
    const other = createBucketSeed(shadowSalt('products'));
    const same = buckets.filter((b, i) => bucketOf(other, `user-${i}`) === b).length;
    expect(same).toBeLessThan(5);
  });

  it('spreads similar keys evenly (10 % ± 1.5 % of 10,000 users under 1,000)', () => {
    const seed = createBucketSeed('checkout');
    const inside = Array.from({ length: 10_000 }, (_, i) => bucketOf(seed, `user-${i}`)).filter(
      (b) => b < 1000,
    );
    expect(inside.length).toBeGreaterThan(850);
    expect(inside.length).toBeLessThan(1150);
  });
});

describe('sticky keys', () => {
  it('parses sources', () => {
    expect(parseStickySource('header:X-User')).toEqual({ kind: 'header', name: 'x-user' });
    expect(parseStickySource('cookie:UID')).toEqual({ kind: 'cookie', name: 'UID' });
    expect(parseStickySource('ip')).toEqual({ kind: 'ip' });
    expect(() => parseStickySource('query:x')).toThrow(TypeError);
  });

  it.each([
    ['uid=42', '42'],
    ['a=1; uid=42', '42'],
    ['a=1;uid=42;b=2', '42'],
    ['xuid=1; uid=42', '42'],
    ['uidx=1; uid = 42', undefined],
    ['a=uid=7; uid=42', '42'],
    ['uid=', undefined],
    ['a=1', undefined],
    ['uid="q x"; b', '"q x"'],
  ])('reads the uid cookie from %j', (header, value) => {
    expect(readCookie(header, 'uid')).toBe(value);
  });

  it('reads header, cookie and ip keys; empty counts as absent; ::ffff: addresses fold to IPv4', () => {
    expect(readStickyKey({ kind: 'header', name: 'x-user' }, request({ 'x-user': 'u1' }))).toBe('u1');
    expect(readStickyKey({ kind: 'header', name: 'x-user' }, request({ 'x-user': '' }))).toBeUndefined();
    expect(readStickyKey({ kind: 'cookie', name: 'uid' }, request({ cookie: 'uid=9' }))).toBe('9');
    expect(readStickyKey({ kind: 'cookie', name: 'uid' }, request())).toBeUndefined();
    expect(readStickyKey({ kind: 'ip' }, request({}, 'GET', '::ffff:192.0.2.1'))).toBe('192.0.2.1');
    expect(readStickyKey({ kind: 'ip' }, request({}, 'GET', '2001:db8::1'))).toBe('2001:db8::1');
    expect(readStickyKey({ kind: 'ip' }, request({}, 'GET', ''))).toBeUndefined();
  });
});

describe('createTrafficSplit', () => {
  it('keeps a user on one side, whatever the random source', () => {
    const split = createTrafficSplit({ routeId: 'products', percent: 30, sticky: 'cookie:uid' });
    for (let i = 0; i < 200; i++) {
      const user = request({ cookie: `uid=user-${i}` });
      expect(split.includes(user, always)).toBe(split.includes(user, never));
    }
  });

  it('only grows the cohort as the percentage rises', () => {
    const users = Array.from({ length: 2000 }, (_, i) => request({ 'x-user': `u${i}` }));
    const cohort = (percent: number) => {
      const split = createTrafficSplit({ routeId: 'orders', percent, sticky: 'header:x-user' });
      return new Set(users.flatMap((user, i) => (split.includes(user, never) ? [i] : [])));
    };
    const steps = [0, 1, 5, 10, 25, 50, 99.99, 100].map(cohort);
    for (let i = 1; i < steps.length; i++) {
      for (const member of steps[i - 1]!) expect(steps[i]!.has(member)).toBe(true);
    }
    expect(steps[0]!.size).toBe(0);
    expect(steps.at(-1)!.size).toBe(users.length);
    expect(steps[3]!.size).toBeGreaterThan(150);
    expect(steps[3]!.size).toBeLessThan(250);
  });

  it('draws at random per request without a sticky key, or when the request has none', () => {
    for (const sticky of [undefined, 'cookie:uid']) {
      const split = createTrafficSplit({ routeId: 'r', percent: 50, sticky });
      expect(split.includes(request(), () => 0.49)).toBe(true);
      expect(split.includes(request(), () => 0.5)).toBe(false);
    }
    const none = createTrafficSplit({ routeId: 'r', percent: 0 });
    const all = createTrafficSplit({ routeId: 'r', percent: 100 });
    expect(none.includes(request(), always)).toBe(false);
    expect(all.includes(request(), never)).toBe(true);
  });

  it('createSideChooser is the same split as a predicate', () => {
    const chooser = createSideChooser({ routeId: 'products', percent: 30, sticky: 'cookie:uid' });
    const split = createTrafficSplit({ routeId: 'products', percent: 30, sticky: 'cookie:uid' });
    for (let i = 0; i < 100; i++) {
      const user = request({ cookie: `uid=${i}` });
      expect(chooser(user)).toBe(split.includes(user));
    }
  });
});

describe('createSidePolicy', () => {
  it('legacy: serves legacy, never mirrors', () => {
    const policy = createSidePolicy(
      route({ stage: 'legacy', shadow: { percent: 100 } as RouteConfig['shadow'] }),
    );
    expect(policy.decide(request(), always)).toEqual({ serve: 'legacy', mirror: null });
    expect(policy.shadow).toBeNull();
  });

  it('shadow: serves legacy, mirrors safe methods to the service by sample', () => {
    const policy = createSidePolicy(
      route({ stage: 'shadow', shadow: { percent: 50 } as RouteConfig['shadow'] }),
    );
    expect(policy.decide(request(), () => 0.1)).toEqual({ serve: 'legacy', mirror: 'service' });
    expect(policy.decide(request(), () => 0.9)).toEqual({ serve: 'legacy', mirror: null });
    expect(policy.decide(request({}, 'POST'), () => 0.1)).toEqual({ serve: 'legacy', mirror: null });
  });

  it('mirrors every safe method of RFC 9110 §9.2.1 without shadow.unsafe, and no other', () => {
    const policy = createSidePolicy(
      route({ stage: 'shadow', shadow: { percent: 100 } as RouteConfig['shadow'] }),
    );
    const mirrored = (method: string) => policy.decide(request({}, method), always).mirror;
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE']) expect(mirrored(method)).toBe('service');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect(mirrored(method)).toBeNull();
  });

  it('shadow with unsafe: mirrors writes too', () => {
    const shadow = routeSchema.shape.shadow.parse({ unsafe: true });
    const policy = createSidePolicy(route({ stage: 'shadow', shadow }));
    expect(policy.decide(request({}, 'POST'), always)).toEqual({ serve: 'legacy', mirror: 'service' });
  });

  it('canary: the split chooses the side, a shadow block mirrors to the other', () => {
    const canary = { percent: 50, sticky: 'header:x-user' };
    const plain = createSidePolicy(route({ stage: 'canary', canary }));
    expect(plain.decide(request({}, 'GET'), () => 0.1)).toEqual({ serve: 'service', mirror: null });
    expect(plain.decide(request({}, 'GET'), () => 0.9)).toEqual({ serve: 'legacy', mirror: null });
    const shadow = routeSchema.shape.shadow.parse({});
    const mirrored = createSidePolicy(route({ stage: 'canary', canary, shadow }));
    expect(mirrored.decide(request(), () => 0.1)).toEqual({ serve: 'service', mirror: 'legacy' });
    expect(mirrored.decide(request(), () => 0.9)).toEqual({ serve: 'legacy', mirror: 'service' });
  });

  it('migrated: serves the service; a shadow block keeps mirroring to legacy', () => {
    expect(createSidePolicy(route({ stage: 'migrated' })).decide(request())).toEqual({
      serve: 'service',
      mirror: null,
    });
    const shadow = routeSchema.shape.shadow.parse({});
    expect(createSidePolicy(route({ stage: 'migrated', shadow })).decide(request())).toEqual({
      serve: 'service',
      mirror: 'legacy',
    });
  });

  it('returns shared decision objects (no allocation per request)', () => {
    const policy = createSidePolicy(route({ stage: 'migrated' }));
    expect(policy.decide(request())).toBe(policy.decide(request()));
    expect(Object.isFrozen(policy.decide(request()))).toBe(true);
  });
});
