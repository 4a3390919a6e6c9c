import { describe, expect, test } from "vitest";
import { ChatOpenAI } from "@langchain/openai";
import { createCheckpointer } from "../../checkpointers/index.js";
import { QUOTE_MAX, quote } from "../../src/internal/quote.js";

describe("quote: values in error messages are bounded and faithful", () => {
  test("a long string keeps its head and says how long it was", () => {
    const q = quote("a".repeat(1_000_000));
    expect(q).toMatch(/^"a+"… \(1000000 characters\)$/);
    expect(q.length).toBeLessThanOrEqual(QUOTE_MAX + 30);
  });

  test("NaN, Infinity and -0 are named, not turned into null as JSON.stringify would", () => {
    expect([NaN, Infinity, -Infinity, -0, 3.5].map((v) => quote(v))).toEqual(["NaN", "Infinity", "-Infinity", "-0", "3.5"]);
    expect(quote({ min: NaN })).toBe("{ min: NaN }");
  });

  test("objects are previewed shallowly, class instances by class, cycles and huge arrays stay bounded", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(quote(cyclic)).toBe("{ a: 1, self: { a: 1, self: {…} } }");
    expect(quote(new ChatOpenAI({ apiKey: "sk-secret-never-printed" }))).toBe("a ChatOpenAI");
    const big = quote(Array.from({ length: 1_000_000 }, (_, i) => i));
    expect(big).toBe("[0, 1, 2, 3, …999996 more]");
    const wide = quote(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key${i}`, "v".repeat(10_000)])));
    expect(wide.length).toBeLessThanOrEqual(QUOTE_MAX);
    expect(wide.endsWith("…")).toBe(true);
  });

  test("functions, symbols, bigints, undefined and null", () => {
    expect([function check() {}, Symbol("s"), 10n, undefined, null, true].map((v) => quote(v))).toEqual([
      "function check",
      "Symbol(s)",
      "10n",
      "undefined",
      "null",
      "true",
    ]);
  });
});

describe("createCheckpointer never echoes unbounded input", () => {
  const huge = "x".repeat(1_000_000);
  test.each([
    ["a 1 MB schema name", { schema: huge }, /schema received "x+"… \(1000000 characters\); allowed: a plain identifier/],
    ["a 1 MB backend", { backend: huge }, /backend received "x+"… \(1000000 characters\); allowed: one of "postgres", "embedded"/],
    ["a 1 MB unknown key", { [huge]: 1 }, /"x+"… \(1000000 characters\) received 1; allowed: no such option/],
    ["a thousand unknown keys", Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 1])), /k0 received 1; allowed: no such option.*\(\+999 more problems\)/],
    ["poolSize NaN", { poolSize: NaN }, /poolSize received NaN; allowed: an integer from 1 to 10000/],
  ])("%s: INVALID_OPTIONS, message bounded", async (_label, options, message) => {
    const error = (await createCheckpointer(options as never).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeLessThan(600);
  });
});
