import { describe, expect, it } from 'vitest';
import { rootCauseHints, type HintFigures } from './root-cause-hints.ts';

const answer = (status: number, body: string | null = null) => ({
  status,
  headers: {},
  body,
  truncated: false,
  latencyMs: 1,
});
const sample = (legacy: number, service: number, body: string | null = null, url = '/api/x/1') => ({
  request: { method: 'GET', url },
  legacy: answer(legacy),
  service: answer(service, body),
});

const figures = (overrides: Partial<HintFigures>): HintFigures => ({
  compared: 10,
  errors: 0,
  diffs: [],
  samples: [],
  ...overrides,
});

describe('rootCauseHints', () => {
  it('names nothing for a route without differences', () => {
    expect(rootCauseHints(figures({}))).toEqual([]);
    expect(rootCauseHints(figures({ compared: 0 }))).toEqual([]);
  });

  it('404 where the monolith answers: data not migrated', () => {
    const [hint] = rootCauseHints(
      figures({ diffs: [{ path: 'status', kind: 'status', count: 4 }], samples: [sample(200, 404)] }),
    );
    expect(hint).toMatchObject({ cause: 'data_not_migrated', share: 0.4 });
    expect(hint!.evidence).toContain('GET /api/x/1');
  });

  it('5xx: a service bug, with its most common error body', () => {
    const [hint] = rootCauseHints(
      figures({
        diffs: [{ path: 'status', kind: 'status', count: 3 }],
        samples: [
          sample(200, 500, 'NullPointer at Foo'),
          sample(200, 500, 'NullPointer at Foo'),
          sample(200, 502, 'x'),
        ],
      }),
    );
    expect(hint).toMatchObject({ cause: 'service_error' });
    expect(hint!.summary).toContain('500/502');
    expect(hint!.evidence).toContain('most common error body: NullPointer at Foo');
  });

  it('status-class causes lead, then data out of sync, other statuses and failures by share', () => {
    const hints = rootCauseHints(
      figures({
        errors: 1,
        diffs: [
          { path: '$.meta.total_count', kind: 'value', count: 9 },
          { path: 'status', kind: 'status', count: 2 },
        ],
        samples: [sample(201, 200), sample(200, 403)],
      }),
    );
    expect(hints.map((hint) => hint.cause)).toEqual([
      'credentials',
      'data_out_of_sync',
      'status_differs',
      'service_failing',
    ]);
    expect(hints.find((hint) => hint.cause === 'status_differs')!.nextStep).toContain(
      'compare.status: { 201: 200 }',
    );
  });
});
