/**
 * One bad-options case, shared by every factory's table: the factory throws
 * `INVALID_OPTIONS` (an `InvalidOptionsError`) naming `option`, quoting the value in bounded
 * form and saying what is allowed — and no model call was made (`calls()` unchanged).
 */
import { expect } from "vitest";
import { isFirebreakError } from "../../../src/index.js";

/** [label, make, option path, allowed wording] */
export type BadOptionsCase = readonly [label: string, make: () => unknown, option: string, allowed: RegExp | string];

/** Longest message a rejection may have, whatever was passed. */
export const MESSAGE_MAX = 600;

/** A 1 MB string. */
export const HUGE = "x".repeat(1_000_000);

/** The error `fn` throws synchronously, or undefined. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Asserts one case; `calls` counts model (or provider) calls that must stay at zero. */
export function expectRejected([, make, option, allowed]: BadOptionsCase, calls: () => number): void {
  const before = calls();
  expect(typeof before, "calls() must count something").toBe("number");
  const thrown = caught(make);
  expect(thrown, "the factory must throw").toBeDefined();
  expect(isFirebreakError(thrown) && thrown.code, String(thrown)).toBe("INVALID_OPTIONS");
  const error = thrown as Error & { option?: string; received?: string; allowed?: string };
  expect(error.name).toBe("InvalidOptionsError");
  expect(error.option).toBe(option);
  expect(error.message).toContain(`${option} received `);
  if (typeof allowed === "string") expect(error.allowed).toContain(allowed);
  else expect(error.allowed).toMatch(allowed);
  expect(error.message.length).toBeLessThan(MESSAGE_MAX);
  expect(calls()).toBe(before);
}

/** Same as {@link expectRejected} for a factory that returns a promise (rejections at call time). */
export async function expectRejectedAsync([, make, option, allowed]: BadOptionsCase, calls: () => number): Promise<void> {
  const before = calls();
  expect(typeof before, "calls() must count something").toBe("number");
  let thrown: unknown;
  try {
    await make();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "the function must reject").toBeDefined();
  expect(isFirebreakError(thrown) && thrown.code, String(thrown)).toBe("INVALID_OPTIONS");
  const error = thrown as Error & { option?: string; allowed?: string };
  expect(error.option).toBe(option);
  if (typeof allowed === "string") expect(error.allowed).toContain(allowed);
  else expect(error.allowed).toMatch(allowed);
  expect(error.message.length).toBeLessThan(MESSAGE_MAX);
  expect(calls()).toBe(before);
}
