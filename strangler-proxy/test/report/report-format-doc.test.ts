/** docs/report-format.md documents every field the JSON report has: adding one without a line fails here. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { emptyBatch } from '../../src/store/result-store.ts';
import { fillStore, NOW, ROUTES } from './fixtures.ts';

function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      // Header names and skip reasons are data, documented as a whole rather than one by one.
      if (key === 'headers') continue;
      into.add(key);
      keysOf(child, into);
    }
  }
  return into;
}

describe('docs/report-format.md', () => {
  it('names every field of the JSON report', async () => {
    const store = createMemoryStore();
    await fillStore(store);
    // Read-after-write figures come from write routes the fixtures do not have.
    await store.write({
      ...emptyBatch(),
      sync: [
        { routeId: 'orders', bucket: NOW - 60_000 * 5, checked: 2, inSync: 1, outOfSync: 1, skipped: 0 },
      ],
      syncExamples: [
        {
          routeId: 'orders',
          at: NOW - 60_000 * 5,
          read: '/orders/7',
          legacyStatus: 200,
          serviceStatus: 404,
          differences: [{ path: 'status', kind: 'status' }],
        },
      ],
    });
    const report = await buildReport(store, { now: NOW, routes: ROUTES });
    const doc = await readFile(new URL('../../docs/report-format.md', import.meta.url), 'utf8');

    const missing = [...keysOf(report)].filter((key) => !doc.includes(`"${key}"`));
    expect(missing).toEqual([]);
  });
});
