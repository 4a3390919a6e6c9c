/**
 * Internal: strict numbers for command-line options. `Number()` reads "0x10" as 16, "1e9" as a
 * billion and "" as 0; an option takes plain decimal notation only, inside a stated range.
 */
import { UsageError } from "./usage-error.js";

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const WHOLE = /^\d+$/;

/** Range of a numeric option. */
export interface NumberRange {
  readonly min: number;
  readonly max?: number;
  /** The minimum itself is not allowed. */
  readonly exclusiveMin?: boolean;
}

/** Parses a plain decimal number (digits and a point, no exponent, no spaces) within `range`, or throws a UsageError. */
export function parseDecimal(flag: string, raw: string, range: NumberRange): number {
  const value = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const low = range.exclusiveMin ? value > range.min : value >= range.min;
  if (!Number.isFinite(value) || !low || value > max) {
    throw new UsageError(`${flag} must be a decimal number ${describeRange(range)}, got "${raw}".`);
  }
  return value;
}

/** Parses a whole number written in digits only, within `[min, max]`, or throws a UsageError. */
export function parseWhole(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = WHOLE.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, written in digits, got "${raw}".`);
  }
  return value;
}

function describeRange(range: NumberRange): string {
  const low = range.exclusiveMin ? `above ${range.min}` : `from ${range.min}`;
  return range.max === undefined ? (range.exclusiveMin ? low : `≥ ${range.min}`) : `${low} to ${range.max}`;
}
