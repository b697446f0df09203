/**
 * Figures read from a histogram carry the relative error of its bins; they are printed with no more
 * digits than that error leaves: rounded to the decimal place of the error's first significant digit
 * (the last printed digit is the uncertain one). Pure.
 */

/** A value and the relative error it was measured with (0.01: within 1%). */
export interface MeasuredFigure {
  readonly value: number;
  readonly relativeError: number;
}

/** `value` rounded to the decimal place its error allows: 4.763 within 1% → 4.76; within 16% → 4.8. */
export function roundToPrecision(value: number, relativeError: number): number {
  const error = Math.abs(value) * relativeError;
  if (!(error > 0) || !Number.isFinite(error)) return value;
  const place = Math.floor(Math.log10(error));
  if (place >= 0) {
    const step = 10 ** place;
    return Math.round(value / step) * step;
  }
  // Divide by a power of ten rather than multiply by its inverse: 0.1 has no exact binary value.
  const scale = 10 ** -place;
  return Math.round(value * scale) / scale;
}

/** The figure's value, rounded to its precision. */
export function roundedValue(figure: MeasuredFigure): number {
  return roundToPrecision(figure.value, figure.relativeError);
}
