/**
 * The report as the bench writes it: every table aligned as Markdown, the targets after them, and the
 * generated section put between RESULTS.md's markers with the hand-written text kept.
 */
import { describe, expect, it } from 'vitest';
import { mergeResults, renderReport, RESULTS_BEGIN, RESULTS_END, tableOf } from '../../bench/lib/report.ts';
import fixedRate, { type FixedRateRow } from '../../bench/scenarios/fixed-rate.ts';
import type { BenchOptions } from '../../bench/lib/scenario.ts';

const row = (id: string, p99Ms: number, addedP99Ms: number) =>
  ({ id, label: id, rate: 1000, p99Ms, addedP99Ms, addedP50Ms: 0, errors: 0, non2xx: 0 }) as FixedRateRow;

describe('the bench report', () => {
  it('aligns each table, escapes pipes and lists the targets after the tables', () => {
    const table = tableOf(
      'Sizes',
      [{ name: 'a|b', value: 1 }],
      [
        ['name', (item) => item.name],
        ['value', (item) => String(item.value)],
      ],
    );
    const target = { id: 'x', target: 'x ≤ 1', measured: '2', met: false };
    expect(renderReport(['Run.'], [table], [target])).toBe(
      [
        'Run.',
        '',
        '### Sizes',
        '',
        '| name | value |',
        '|------|-------|',
        '| a\\|b | 1     |',
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
    const rows = [row('direct', 1, 0), row('strangler', 4.5, 3.5), row('strangler-shadow', 2, 1)];
    const hang = row('strangler-shadow-hang', 2.1, 1.1);
    const checks = fixedRate.targets?.([...rows, hang]) ?? [];
    expect(checks).toMatchObject([
      { id: 'added-latency', measured: '+3.500 ms p99 (p50 +0.000 ms)', met: false },
      { id: 'hanging-shadow', measured: '+5.0% p99, 0 errors', met: true },
    ]);
    const failing = fixedRate.targets?.([...rows, { ...hang, errors: 1 }]) ?? [];
    expect(failing[1]).toMatchObject({ met: false });
    expect(fixedRate.tables([...rows, hang], { rate: 1000, rounds: 2 } as BenchOptions)[0]?.rows[1]).toEqual([
      'strangler',
      '—',
      '4.500',
      '—',
      '+0.000',
      '+3.500',
      '—',
      '0',
    ]);
  });
});
