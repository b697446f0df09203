import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGeneratedAtClock } from './generated-at.ts';
import { formatLegacyDate, parseLegacyDate } from './legacy-date.ts';
import { formatCents } from './money.ts';

describe('legacy dates', () => {
  it('formats in UTC without zone or milliseconds', () => {
    expect(formatLegacyDate(new Date('2024-03-05T14:22:10.987Z'))).toBe('2024-03-05 14:22:10');
  });

  it('round-trips whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (seconds) => {
        const date = new Date(seconds * 1000);
        expect(parseLegacyDate(formatLegacyDate(date)).getTime()).toBe(date.getTime());
      }),
    );
  });

  it('rejects other formats', () => {
    expect(() => parseLegacyDate('2024-03-05T14:22:10Z')).toThrow(RangeError);
  });
});

describe('money', () => {
  it('formats cents with two places', () => {
    expect(formatCents(1250)).toBe('12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-499)).toBe('-4.99');
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });
});

describe('generated_at clock', () => {
  it('prints microseconds in the legacy format', () => {
    const clock = createGeneratedAtClock(() => Date.UTC(2024, 2, 5, 14, 22, 10) * 1000 + 123_456);
    expect(clock()).toBe('2024-03-05 14:22:10.123456');
  });

  it('never repeats a value, even when the time source stands still', () => {
    const clock = createGeneratedAtClock(() => 1_700_000_000_000_000);
    expect(clock()).toBe('2023-11-14 22:13:20.000000');
    expect(clock()).toBe('2023-11-14 22:13:20.000001');
  });
});
