/** Shared helpers for the option attacks: run a factory, classify what it threw. */
import { expect } from "vitest";
import { isFirebreakError } from "../../../src/index.js";

export const MB = "x".repeat(1_000_000);
export const MESSAGE_MAX = 1000;

export interface Outcome {
  threw: boolean;
  error: unknown;
  value?: unknown;
}

/** Runs `fn` (sync or async); catches a throw or a rejection. */
export async function run(fn: () => unknown): Promise<Outcome> {
  try {
    const value = await fn();
    return { threw: false, error: undefined, value };
  } catch (error) {
    return { threw: true, error };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message.slice(0, 300)}`;
  return String(error).slice(0, 300);
}

/** The serialised size of an error's fields (`problems`, `received`, …), never the whole value. */
export function fieldsSize(error: unknown): number {
  const e = error as Record<string, unknown>;
  let size = 0;
  for (const key of ["message", "option", "received", "allowed"]) {
    const v = e[key];
    if (typeof v === "string") size += v.length;
  }
  try {
    size += JSON.stringify(e.problems ?? null)?.length ?? 0;
  } catch {
    size += 1e9;
  }
  return size;
}

/**
 * The promise: the factory throws INVALID_OPTIONS (sync throw, or rejection for an async
 * factory), naming `option` (a string it contains, or a pattern), with a bounded message
 * and bounded fields.
 */
export async function expectInvalid(
  fn: () => unknown,
  option?: string | RegExp,
  { shape = true }: { shape?: boolean } = {},
): Promise<Error & Record<string, unknown>> {
  const outcome = await run(fn);
  expect(outcome.threw, "the factory must throw").toBe(true);
  const error = outcome.error;
  expect(isFirebreakError(error) ? (error as { code: string }).code : describeError(error)).toBe("INVALID_OPTIONS");
  const e = error as Error & Record<string, unknown>;
  if (shape) {
    expect(e.name).toBe("InvalidOptionsError");
    expect(typeof e.allowed).toBe("string");
    expect(Array.isArray(e.problems)).toBe(true);
  }
  expect(e.message.length).toBeLessThan(MESSAGE_MAX);
  if (typeof e.received === "string") expect(e.received.length).toBeLessThanOrEqual(120);
  expect(fieldsSize(e)).toBeLessThan(20_000);
  if (option !== undefined) {
    if (typeof option === "string") {
      if (shape) {
        expect(String(e.option)).toContain(option);
        expect(e.message).toContain(option);
      } else expect(e.message.toLowerCase()).toContain(option.toLowerCase());
    } else {
      expect(shape ? String(e.option) : e.message).toMatch(option);
    }
  }
  return e;
}

/** An options object whose `key` getter throws. */
export function throwingGetter(base: Record<string, unknown>, key: string): Record<string, unknown> {
  const o = { ...base };
  Object.defineProperty(o, key, {
    enumerable: true,
    get() {
      throw new Error("getter exploded " + "!".repeat(5000));
    },
  });
  return o;
}

/** A Proxy whose every trap throws. */
export function hostileProxy(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error("proxy get " + "!".repeat(5000));
      },
      ownKeys() {
        throw new Error("proxy ownKeys");
      },
      has() {
        throw new Error("proxy has");
      },
      getOwnPropertyDescriptor() {
        throw new Error("proxy gopd");
      },
      getPrototypeOf() {
        throw new Error("proxy getPrototypeOf");
      },
    },
  );
}

/** A revoked proxy: every operation on it throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

export function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}

/** An object whose conversions all throw. */
export function unprintable(): object {
  return {
    toString() {
      throw new Error("toString exploded");
    },
    toJSON() {
      throw new Error("toJSON exploded");
    },
    [Symbol.toPrimitive]() {
      throw new Error("toPrimitive exploded");
    },
  };
}

/** 10 000 unknown keys. */
export function manyKeys(base: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = { ...base };
  for (let i = 0; i < 10_000; i++) o[`unknownKey${i}_${"y".repeat(20)}`] = i;
  return o;
}

/** One unknown key one megabyte long. */
export function hugeKey(base: Record<string, unknown>): Record<string, unknown> {
  return { ...base, [MB]: 1 };
}
