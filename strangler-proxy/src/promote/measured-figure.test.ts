import { describe, expect, it } from 'vitest';
import { roundToPrecision } from './measured-figure.ts';

describe('roundToPrecision', () => {
  it('keeps the digit the error falls on and drops the rest', () => {
    expect(roundToPrecision(4.7634, 0.01)).toBe(4.76);
    expect(roundToPrecision(0.23456, 0.01)).toBe(0.235);
    expect(roundToPrecision(123.4, 0.01)).toBe(123);
    expect(roundToPrecision(1234.5, 0.01)).toBe(1230);
    expect(roundToPrecision(4.76, 0.159)).toBe(4.8);
    expect(roundToPrecision(47.6, 0.159)).toBe(48);
    expect(roundToPrecision(476, 0.159)).toBe(480);
    expect(roundToPrecision(-19.84, 0.01)).toBe(-19.8);
  });

  it('leaves zero and exact figures alone', () => {
    expect(roundToPrecision(0, 0.01)).toBe(0);
    expect(roundToPrecision(3.14159, 0)).toBe(3.14159);
  });
});
