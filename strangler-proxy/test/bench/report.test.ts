/**
 * The report as the bench writes it: every table aligned as Markdown, the targets after them, and the
 * generated section put between RESULTS.md's markers with the hand-written text kept.
 */
import { describe, expect, it } from 'vitest';
import { mergeResults, renderReport, RESULTS_BEGIN, RESULTS_END } from '../../bench/lib/report.ts';
import { fixedRateTargets } from '../../bench/scenarios/fixed-rate.ts';

const row = (setup: string, p99: number, addedP99: number | null) => ({
  setup,
  'p99 ms': p99,
  'added p50 ms': addedP99 === null ? null : 0,
  'added p99 ms': addedP99,
  errors: 0,
});

describe('the bench report', () => {
  it('aligns each table, writes each figure with the digits its size needs, lists the targets last', () => {
    const rows = [{ name: 'a|b', value: 1, small: 0.1234, large: 12_345.6, none: null }];
    const table = { title: 'Sizes', rows };
    const target = { id: 'x', target: 'x ≤ 1', measured: '2', met: false };
    expect(renderReport(['Run.'], [table], [target])).toBe(
      [
        'Run.',
        '',
        '### Sizes',
        '',
        '| name | value | small | large  | none |',
        '|------|-------|-------|--------|------|',
        '| a\\|b | 1     | 0.123 | 12,346 | —    |',
        '',
        '### Targets',
        '',
        '| target | measured | met |',
        '|--------|----------|-----|',
        '| x ≤ 1  | 2        | NO  |',
        '',
      ].join('\n'),
    );
  });

  it('replaces only the generated section of RESULTS.md', () => {
    const existing = `# Results\n\nBefore.\n\n${RESULTS_BEGIN}\nold\n${RESULTS_END}\n\nAfter.\n`;
    const merged = mergeResults(existing, 'new\n');
    expect(merged).toContain('Before.');
    expect(merged).toContain('After.');
    expect(merged).toContain('new\n');
    expect(merged).not.toContain('old');
  });

  it('checks the added p99 and the hanging shadow against their targets', () => {
    const rows = [row('direct', 1, null), row('strangler', 4.5, 3.5), row('strangler-shadow', 2, 1)];
    const hang = row('strangler-shadow-hang', 2.1, 1.1);
    expect(fixedRateTargets([...rows, hang], 1000)).toMatchObject([
      { id: 'added-latency', measured: '+3.50 ms p99 (p50 +0 ms)', met: false },
      { id: 'hanging-shadow', measured: '+5.00% p99, 0 errors', met: true },
    ]);
    expect(fixedRateTargets([...rows, { ...hang, errors: 1 }], 1000)[1]).toMatchObject({ met: false });
  });
});
