import { describe, expect, it } from 'vitest';
import { currentRevisions, routeRevision, type RevisionedRoute } from './route-revision.ts';

const route: RevisionedRoute = {
  path: '/api/orders',
  methods: ['GET'],
  service: 'orders',
  stage: 'shadow',
  compare: { ignore: ['$.created_at'], tolerance: { '$.total': 0.01 } },
};
const service = { url: 'http://127.0.0.1:4002' };

describe('routeRevision', () => {
  it('is a short stable hash, whatever the order of the rules’ keys', () => {
    const revision = routeRevision(route, service);
    expect(revision).toMatch(/^[0-9a-f]{12}$/);
    const reordered = { ...route, compare: { tolerance: { '$.total': 0.01 }, ignore: ['$.created_at'] } };
    expect(routeRevision(reordered, service)).toBe(revision);
  });

  it.each([
    ['a compare rule', { ...route, compare: { ignore: [] } }, service],
    ['the stage', { ...route, stage: 'canary', canary: { percent: 1 } }, service],
    ['the canary step', { ...route, stage: 'canary', canary: { percent: 5 } }, service],
    ['the methods', { ...route, methods: ['GET', 'HEAD'] }, service],
    ['the header conditions', { ...route, headers: { 'x-beta': '*' } }, service],
    ['the service’s URL', route, { url: 'http://127.0.0.1:4003' }],
    ['the service’s build', route, { ...service, build: '2026.01.2' }],
  ] as const)('changes with %s', (_what, changed, changedService) => {
    const base =
      changed.stage === 'canary' && changed.canary?.percent === 5
        ? routeRevision({ ...route, stage: 'canary', canary: { percent: 1 } }, service)
        : routeRevision(route, service);
    expect(routeRevision(changed, changedService)).not.toBe(base);
  });

  it('gives every route of a config its revision', () => {
    const revisions = currentRevisions({
      routes: [{ ...route, id: 'orders' }],
      services: { orders: service },
    });
    expect(revisions.get('orders')).toBe(routeRevision(route, service));
  });
});
