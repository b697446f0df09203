/**
 * Reports a team shares, through the real proxy and real upstreams: 20 routes with long bodies and
 * several kinds of difference each give a Markdown report under a pull-request comment's limit, with one
 * example per difference signature shown as a diff of the lines that differ, header values in header
 * examples, and a count of what was left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { renderMarkdown, MARKDOWN_MAX_CHARS } from '../../src/report/render-markdown.ts';

const ROUTES = 20;
const FIELDS = ['title', 'summary', 'author', 'body'] as const;
const LONG = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '.repeat(3);

/** A long list; `changed` names the field the service writes differently, on every item. */
function articles(changed: string | null, side: 'legacy' | 'service') {
  return {
    items: Array.from({ length: 40 }, (_, index) => {
      const item: Record<string, string | number> = { id: index };
      for (const field of FIELDS) {
        const text = `${field} ${index} ${LONG}`;
        item[field] = side === 'service' && field === changed ? `${text} (rewritten)` : text;
      }
      return item;
    }),
  };
}

const handler =
  (side: 'legacy' | 'service'): UpstreamHandler =>
  (req, res) => {
    const round = Number(/round=(\d)/.exec(req.url ?? '')?.[1] ?? 0);
    const body = JSON.stringify(articles(FIELDS[round] ?? null, side));
    res.writeHead(200, {
      'content-type':
        side === 'service' && round === 2 ? 'application/json; charset=utf-8' : 'application/json',
      'x-build': side === 'legacy' ? 'monolith-2019' : 'service-2026',
    });
    res.end(body);
  };

let legacy: TestUpstream;
let service: TestUpstream;
let harness: ProxyHarness;
let markdown: string;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy', handler('legacy'));
  service = await startTestUpstream('service', handler('service'));
  const store = createMemoryStore();
  const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
  const routes = Array.from(
    { length: ROUTES },
    (_, index) => `
  - { id: articles-${index}, path: /api/r${index}, service: api, stage: shadow, shadow: { noiseSample: 0 } }`,
  );
  harness = await startHarness(
    `version: 1\nlegacy: ${legacy.url}\nservices:\n  api: ${service.url}\nroutes:${routes.join('')}\n`,
    { recorder },
  );
  for (let index = 0; index < ROUTES; index++) {
    for (let round = 0; round < 3; round++) {
      const answer = await fetch(`${harness.proxy.url}/api/r${index}/list?round=${round}`);
      await answer.arrayBuffer();
    }
  }
  await harness.proxy.mirror.idle();
  await recorder.flush();
  const report = await buildReport(store, {
    routes: Array.from({ length: ROUTES }, (_, index) => ({
      id: `articles-${index}`,
      stage: 'shadow' as const,
    })),
  });
  markdown = renderMarkdown(report);
});

afterAll(async () => {
  await harness.close();
  await legacy.close();
  await service.close();
});

describe('a Markdown report a team can paste into a pull request', () => {
  it('stays under the limit for 20 routes with long bodies, and says what it left out', () => {
    expect(markdown.length).toBeLessThan(MARKDOWN_MAX_CHARS);
    expect(markdown).toMatch(/Left out to stay under 60,000 characters: \d+ examples/);
    for (let index = 0; index < ROUTES; index++)
      expect(markdown).toContain(`## articles-${index}: mismatching`);
  });

  it('shows an example as a diff of the differing lines, not the whole bodies', () => {
    const first = markdown.split('<details>')[1]!.split('</details>')[0]!;
    expect(first).toContain('```diff\n--- legacy\n+++ service\n@@');
    // The latest signature first: the round that rewrote every author.
    expect(first).toMatch(/\n- {6}"author": "author 0 Lorem[^\n(]*",\n/);
    expect(first).toMatch(/\n\+ {6}"author": "author 0 Lorem[^\n]*\(rewritten\)",\n/);
    expect(first).not.toContain('"id": 39');
    expect(first).toMatch(/… \d+ more diff lines/);
  });

  it('shows header values in a header example', () => {
    expect(markdown).toContain(
      '- Header `content-type`: legacy `application/json`; service `application/json; charset=utf-8`',
    );
  });
});
