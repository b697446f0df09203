import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.ts';
import {
  isReportFormat,
  REPORT_FORMATS,
  rendererFor,
  ReportFormatError,
  renderers,
} from '../../src/report/renderers.ts';
import type { Report } from '../../src/report/report-model.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { fillStore, NOW, ROUTES } from './fixtures.ts';

async function sampleReport(): Promise<Report> {
  const store = createMemoryStore();
  await fillStore(store);
  return buildReport(store, { now: NOW, routes: ROUTES });
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

describe('report renderers', () => {
  it('are looked up by name, and an unknown name fails with a stable code', () => {
    expect(REPORT_FORMATS).toEqual(['table', 'json', 'markdown', 'html']);
    expect(isReportFormat('html')).toBe(true);
    expect(isReportFormat('toString')).toBe(false);
    expect(rendererFor('json')).toBe(renderers.json);
    expect(() => rendererFor('pdf')).toThrow(ReportFormatError);
    try {
      rendererFor('pdf');
    } catch (error) {
      expect((error as ReportFormatError).code).toBe('STRANGLER_ERR_REPORT_FORMAT');
    }
  });

  it('json is the report itself', async () => {
    const report = await sampleReport();

    expect(JSON.parse(renderers.json(report, { color: false }))).toEqual(report);
  });

  it('table aligns its columns, with or without color', async () => {
    const report = await sampleReport();
    const plain = renderers.table(report, { color: false });
    const colored = renderers.table(report, { color: true });

    expect(plain).not.toMatch(ANSI);
    expect(colored).toMatch(ANSI);
    expect(colored.replace(ANSI, '')).toBe(plain);
    const [header, ...rows] = plain.split('\n').slice(2, 6);
    expect(header).toMatch(/^ROUTE\s+STAGE\s+COMPARED\s+MISMATCH/);
    // Right-aligned numbers end in the same column as their heading.
    const end = (line: string, text: string) => line.indexOf(text) + text.length;
    expect(
      rows.map((row) => end(row, row.includes('orders') ? '200' : row.includes('catalog') ? '150' : '10')),
    ).toEqual(rows.map(() => end(header!, 'COMPARED')));
    expect(plain).toContain(
      'orders mismatching: mismatch rate 10% (20 of 200), 95% lower bound 7.03% (Wilson) > 5%',
    );
    expect(plain).toContain('Still on the monolith (no route): GET /invoices/:id 2, POST /login 1');
  });

  it('markdown keeps recorded data inert: code spans, escaped cells, fences longer than any backtick run', async () => {
    const report = await sampleReport();
    const tricky: Report = {
      ...report,
      routes: [
        {
          ...report.routes[0]!,
          id: 'a|b',
          diffs: [
            {
              ...report.routes[0]!.diffs[0]!,
              path: "$['x|`y`']",
              example: {
                ...report.routes[0]!.diffs[0]!.example!,
                legacy: {
                  ...report.routes[0]!.diffs[0]!.example!.legacy!,
                  body: '```\n<script>alert(1)</script>',
                },
              },
            },
          ],
        },
      ],
    };
    const markdown = renderers.markdown(tricky, { color: false });

    expect(markdown).toContain('| a\\|b |');
    expect(markdown).toContain("| ``$['x\\|`y`']`` |");
    // The body shows in a diff fenced longer than any backtick run it holds.
    expect(markdown).toMatch(
      /````diff\n--- legacy\n\+\+\+ service\n@@[^\n]*\n-```\n-<script>alert\(1\)<\/script>\n/,
    );
    expect(markdown).toContain('<summary>Example: $[&#39;x|`y`&#39;] (type)</summary>');
  });

  it('html escapes everything it shows', async () => {
    const report = await sampleReport();
    const html = renderers.html(
      { ...report, routes: [{ ...report.routes[0]!, id: '"><b>x</b>' }] },
      { color: false },
    );

    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&quot;&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<script');
  });
});
