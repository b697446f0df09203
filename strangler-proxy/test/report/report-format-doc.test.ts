/** docs/report-format.md documents every field the JSON report has: adding one without a line fails here. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
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
    const report = await buildReport(store, { now: NOW, routes: ROUTES });
    const doc = await readFile(new URL('../../docs/report-format.md', import.meta.url), 'utf8');

    const missing = [...keysOf(report)].filter((key) => !doc.includes(`"${key}"`));
    expect(missing).toEqual([]);
  });
});
