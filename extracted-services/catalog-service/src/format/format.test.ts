import { describe, expect, it } from 'vitest';
import { legacyToIso, toLegacyDate } from './dates.ts';
import { createGeneratedAtClock } from './generated-at.ts';
import { formatCents } from './money.ts';

describe('dates', () => {
  it('turns legacy dates into ISO-8601 with milliseconds', () => {
    expect(legacyToIso('2024-03-05 14:22:10')).toBe('2024-03-05T14:22:10.000Z');
    expect(() => legacyToIso('2024-03-05T14:22:10Z')).toThrow(RangeError);
    expect(toLegacyDate(new Date('2024-03-05T14:22:10.500Z'))).toBe('2024-03-05 14:22:10');
  });
});

describe('money', () => {
  it('formats cents like the monolith', () => {
    expect(formatCents(1250)).toBe('12.50');
    expect(formatCents(7)).toBe('0.07');
    expect(() => formatCents(0.5)).toThrow(RangeError);
  });
});

describe('generated_at', () => {
  it('uses the legacy format with microseconds and never repeats', () => {
    const clock = createGeneratedAtClock(() => Date.UTC(2024, 2, 5, 14, 22, 10) * 1000 + 42);
    expect(clock()).toBe('2024-03-05 14:22:10.000042');
    expect(clock()).toBe('2024-03-05 14:22:10.000043');
  });
});
