import { fail } from "../errors.ts";

/** A flag's value as a whole number ≥ `min`; anything else is a usage error naming the flag and the value. */
export function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw fail("BATON_USAGE", { reason: `${flag}: expected a whole number ≥ ${min}, got "${value}"` });
  }
  return n;
}

/** A flag's value as a number of seconds > 0. */
export function positiveSeconds(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw fail("BATON_USAGE", { reason: `${flag}: expected a number of seconds > 0, got "${value}"` });
  }
  return n;
}
