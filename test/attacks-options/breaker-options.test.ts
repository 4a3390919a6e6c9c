/**
 * Attacks on withSemanticBreaker's and the checks' construction-time validation: hostile values
 * must be INVALID_OPTIONS naming the option, bounded, with no model call; valid options work.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod/v4";
import {
  coherence,
  confidenceFloor,
  defineCheck,
  HashedNgramEmbeddings,
  minLength,
  nonEmpty,
  refusal,
  repetition,
  schema,
  withSemanticBreaker,
} from "../../src/index.js";
import { createBreakerMiddleware } from "../../src/breaker/middleware.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import {
  MB,
  circular,
  expectInvalid,
  hostileProxy,
  hugeKey,
  manyKeys,
  revokedProxy,
  run,
  throwingGetter,
  unprintable,
} from "./support/outcomes.js";

const scripted = () => new ScriptedChatModel({ script: ["fine answer here"], whenExhausted: "loop" });

/** Builds a breaker with `options` over a fresh scripted model; returns the model for callCount. */
async function attackBreaker(options: unknown, option?: string | RegExp) {
  const inner = scripted();
  await expectInvalid(() => withSemanticBreaker(inner, options as never), option);
  expect(inner.callCount).toBe(0);
}

describe("withSemanticBreaker: hostile options", () => {
  const cases: Array<[string, () => unknown, string | RegExp | undefined, string?]> = [
    ["trip as a string", () => ({ trip: "3" }), "trip"],
    ["trip as an array", () => ({ trip: [3] }), "trip"],
    ["trip NaN", () => ({ trip: NaN }), "trip"],
    ["trip Infinity", () => ({ trip: Infinity }), "trip"],
    ["trip -1", () => ({ trip: -1 }), "trip"],
    ["trip 1e9", () => ({ trip: 1e9 }), "trip"],
    ["trip 2**31", () => ({ trip: 2 ** 31 }), "trip"],
    ["trip BigInt", () => ({ trip: 3n }), "trip"],
    ["trip as a circular object", () => ({ trip: circular() }), "trip"],
    ["trip as an unprintable object", () => ({ trip: unprintable() }), "trip"],
    ["trip as a class instance", () => ({ trip: new (class Trip { threshold = 2 })() }), "trip"],
    ["trip null", () => ({ trip: null }), "trip"],
    ["halfOpenAfter 2**31", () => ({ halfOpenAfter: 2 ** 31 }), "halfOpenAfter"],
    ["halfOpenAfter -1", () => ({ halfOpenAfter: -1 }), "halfOpenAfter"],
    ["halfOpenAfter NaN", () => ({ halfOpenAfter: NaN }), "halfOpenAfter"],
    ["halfOpenAfter Infinity", () => ({ halfOpenAfter: Infinity }), "halfOpenAfter"],
    ["timeoutMs 2**31", () => ({ timeoutMs: 2 ** 31 }), "timeoutMs"],
    ["timeoutMs Infinity", () => ({ timeoutMs: Infinity }), "timeoutMs"],
    ["timeoutMs as a 1 MB string", () => ({ timeoutMs: MB }), "timeoutMs"],
    ["timeoutMs as a Date", () => ({ timeoutMs: new Date(0) }), "timeoutMs"],
    ["name as a 1 MB string", () => ({ name: MB }), "name"],
    ["name blank", () => ({ name: "   " }), "name"],
    ["name as a Symbol", () => ({ name: Symbol("x") }), "name"],
    ["name as a number", () => ({ name: 42 }), "name"],
    ["stream unknown", () => ({ stream: "sse" }), "stream"],
    ["stream as a 1 MB string", () => ({ stream: MB }), "stream"],
    ["whenAllOpen unknown", () => ({ whenAllOpen: "retry" }), "whenAllOpen"],
    ["checks []", () => ({ checks: [] }), "checks"],
    ["checks with a string", () => ({ checks: [nonEmpty(), "nonEmpty"] }), "checks"],
    ["checks 65 of them", () => ({ checks: Array.from({ length: 65 }, () => nonEmpty()) }), "checks"],
    ["checks 100 000 of them", () => ({ checks: Array.from({ length: 100_000 }, () => nonEmpty()) }), "checks"],
    ["checks as an object", () => ({ checks: { a: nonEmpty() } }), "checks"],
    ["retry.attempts 1e9", () => ({ retry: { attempts: 1e9 } }), "retry.attempts"],
    ["retry.delayMs 2**31", () => ({ retry: { attempts: 1, delayMs: 2 ** 31 } }), "retry.delayMs"],
    ["retry unknown nested key", () => ({ retry: { attempts: 1, backoff: "exp" } }), "retry"],
    ["retry as an array", () => ({ retry: [1] }), "retry"],
    // Was broken (fixed since): a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS
    ["retry.attempts getter throws", () => ({ retry: throwingGetter({}, "attempts") }), "retry", "a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS"],
    ["innerRetries unknown", () => ({ innerRetries: "maybe" }), "innerRetries"],
    ["fallbacks as an object", () => ({ fallbacks: { model: scripted() } }), "fallbacks"],
    ["fallbacks 17 models", () => ({ fallbacks: Array.from({ length: 17 }, (_, i) => ({ model: scripted(), name: `b${i}` })) }), "fallbacks"],
    ["fallbacks with a string", () => ({ fallbacks: ["gpt-4o"] }), "fallbacks"],
    ["fallback nested unknown key", () => ({ fallbacks: [{ model: scripted(), name: "b", weight: 2 }] }), "fallbacks"],
    ["fallback trip NaN", () => ({ fallbacks: [{ model: scripted(), name: "b", trip: NaN }] }), "fallbacks"],
    ["fallback halfOpenAfter 2**31", () => ({ fallbacks: [{ model: scripted(), name: "b", halfOpenAfter: 2 ** 31 }] }), "fallbacks"],
    ["fallback name duplicates the primary's", () => ({ name: "p", fallbacks: [{ model: scripted(), name: "p" }] }), /name|fallbacks/],
    ["trip rule failure-rate window 1e9", () => ({ trip: { kind: "failure-rate", threshold: 0.5, window: 1e9 } }), "trip"],
    ["trip rule over-time durationMs 2**31", () => ({ trip: { kind: "failure-rate-over-time", threshold: 0.5, durationMs: 2 ** 31 } }), "trip"],
    ["trip rule minimumCalls > window", () => ({ trip: { kind: "failure-rate", threshold: 0.5, window: 5, minimumCalls: 6 } }), "trip"],
    ["trip rule with an unknown key", () => ({ trip: { kind: "consecutive", threshold: 2, extra: 1 } }), "trip"],
    ["trip custom create not a function", () => ({ trip: { kind: "custom", create: "fn" } }), "trip"],
    ["initialState version 2", () => ({ initialState: { version: 2, providers: {} } }), "initialState"],
    ["initialState a 1 MB string", () => ({ initialState: MB }), "initialState"],
    ["unknown key", () => ({ tripp: 3 }), "tripp"],
    ["unknown key one megabyte long", () => hugeKey({}), undefined],
    // Was broken (fixed since): 10 000 unknown keys: the message is bounded but error.problems holds all 10 000 entries (~2.3 MB)
    ["10 000 unknown keys", () => manyKeys({}), undefined, "10 000 unknown keys: the message is bounded but error.problems holds all 10 000 entries (~2.3 MB)"],
    ["own __proto__ key (JSON.parse)", () => JSON.parse('{"__proto__": {"trip": 0}, "trip": 2}'), "__proto__"],
    ["own constructor key", () => ({ constructor: 1 }), "constructor"],
    // Was broken (fixed since): a symbol-keyed unknown option is accepted silently
    ["symbol key", () => ({ trip: 2, [Symbol("sneaky")]: 1 }), undefined, "a symbol-keyed unknown option is accepted silently"],
    // Was broken (fixed since): a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS
    ["getter on trip throws", () => throwingGetter({}, "trip"), "trip", "a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS"],
    // Was broken (fixed since): a throwing Proxy trap error escapes raw, not INVALID_OPTIONS (its message echoed whole)
    ["options is a hostile Proxy", () => hostileProxy(), undefined, "a throwing Proxy trap error escapes raw, not INVALID_OPTIONS (its message echoed whole)"],
    // Was broken (fixed since): a revoked Proxy escapes as a TypeError (Cannot perform IsArray on a proxy that has been revoked), not INVALID_OPTIONS
    ["options is a revoked Proxy", () => revokedProxy(), undefined, "a revoked Proxy escapes as a TypeError (Cannot perform IsArray on a proxy that has been revoked), not INVALID_OPTIONS"],
    ["options is a string", () => "trip=3", undefined],
    ["options is an array", () => [{ trip: 3 }], undefined],
    ["options is a number", () => 3, undefined],
    // Was broken (fixed since): a Map as the options object is accepted silently (treated as {})
    ["options is a Map", () => new Map([["trip", 3]]), undefined, "a Map as the options object is accepted silently (treated as {})"],
    ["options is a function", () => () => ({ trip: 3 }), undefined],
    ["frozen options with a bad value", () => Object.freeze({ trip: -1 }), "trip"],
  ];
  for (const [label, make, option, broken] of cases) {
    it(broken ? `${label} [was broken, fixed: ${broken}]` : label, async () => {
      await attackBreaker(make(), option);
    });
  }

  it("options null: either defaults or INVALID_OPTIONS, never a TypeError", async () => {
    const inner = scripted();
    const outcome = await run(() => withSemanticBreaker(inner, null as never));
    if (outcome.threw) await expectInvalid(() => withSemanticBreaker(inner, null as never));
    expect(inner.callCount).toBe(0);
  });

  it("valid options still work: frozen, class-free, at the bounds", async () => {
    const inner = scripted();
    const model = withSemanticBreaker(
      inner,
      Object.freeze({
        checks: [nonEmpty(), minLength(3), repetition(), refusal()],
        trip: 100_000,
        halfOpenAfter: 2 ** 31 - 1,
        timeoutMs: 2 ** 31 - 1,
        name: "p".repeat(200),
        retry: { attempts: 10, delayMs: 0, maxDelayMs: 2 ** 31 - 1, maxRetryAfterMs: 0 },
        fallbacks: Array.from({ length: 16 }, (_, i) => ({ model: scripted(), name: `b${i}` })),
      }),
    );
    const answer = await model.invoke("q");
    expect(answer.content).toBe("fine answer here");
    expect(inner.callCount).toBe(1);
    const none = withSemanticBreaker(scripted(), { checks: "none", timeoutMs: 0 });
    expect((await none.invoke("q")).content).toBe("fine answer here");
    const undef = withSemanticBreaker(scripted(), undefined);
    expect((await undef.invoke("q")).content).toBe("fine answer here");
  });

  it("an options object with explicit undefined values takes the defaults", async () => {
    const model = withSemanticBreaker(scripted(), { trip: undefined, name: undefined, timeoutMs: undefined });
    expect((await model.invoke("q")).content).toBe("fine answer here");
  });
});

describe("the checks: hostile options", () => {
  const cases: Array<[string, () => unknown, string | RegExp | undefined, string?]> = [
    ["minLength(NaN)", () => minLength(NaN), "minLength"],
    ["minLength('5')", () => minLength("5" as never), "minLength"],
    ["minLength(1e9)", () => minLength(1e9), "minLength"],
    ["minLength(0)", () => minLength(0), "minLength"],
    ["minLength(Infinity)", () => minLength(Infinity), "minLength"],
    ["minLength(5n)", () => minLength(5n as never), "minLength"],
    ["nonEmpty({ minLength: -1 })", () => nonEmpty({ minLength: -1 }), "minLength"],
    ["nonEmpty unknown key", () => nonEmpty({ minLen: 3 } as never), "minLen"],
    ["nonEmpty as a string", () => nonEmpty("3" as never), undefined],
    // Was broken (fixed since): a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS
    ["nonEmpty getter throws", () => nonEmpty(throwingGetter({}, "minLength") as never), "minLength", "a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS"],
    // Was broken (fixed since): a revoked Proxy escapes as a TypeError (Cannot perform IsArray on a proxy that has been revoked), not INVALID_OPTIONS
    ["nonEmpty revoked proxy", () => nonEmpty(revokedProxy() as never), undefined, "a revoked Proxy escapes as a TypeError (Cannot perform IsArray on a proxy that has been revoked), not INVALID_OPTIONS"],
    ["repetition n 11", () => repetition({ n: 11 }), "n"],
    ["repetition n NaN", () => repetition({ n: NaN }), "n"],
    ["repetition minDistinctRatio 2", () => repetition({ minDistinctRatio: 2 }), "minDistinctRatio"],
    ["repetition huge key", () => repetition(hugeKey({}) as never), undefined],
    ["refusal patterns []", () => refusal({ patterns: [] }), "patterns"],
    ["refusal patterns of strings", () => refusal({ patterns: ["sorry"] as never }), "patterns"],
    ["refusal 201 patterns", () => refusal({ patterns: Array.from({ length: 201 }, () => /x/) }), "patterns"],
    ["refusal scanChars -1", () => refusal({ scanChars: -1 }), "scanChars"],
    ["confidenceFloor min 1.5", () => confidenceFloor({ min: 1.5 }), "min"],
    ["confidenceFloor min NaN", () => confidenceFloor({ min: NaN }), "min"],
    ["confidenceFloor aggregate unknown", () => confidenceFloor({ min: 0.5, aggregate: "median" } as never), "aggregate"],
    ["confidenceFloor whenMissing 1 MB", () => confidenceFloor({ min: 0.5, whenMissing: MB } as never), "whenMissing"],
    ["coherence reference []", () => coherence({ reference: [] }), "reference"],
    ["coherence reference blank", () => coherence({ reference: ["  "] }), "reference"],
    ["coherence minSimilarity 2", () => coherence({ reference: ["a b c"], minSimilarity: 2 }), "minSimilarity"],
    ["coherence decay 1", () => coherence({ reference: ["a b c"], decay: 1 }), "decay"],
    ["coherence embeddings a string", () => coherence({ reference: ["a b c"], embeddings: "openai" } as never), "embeddings"],
    ["HashedNgramEmbeddings dimensions 7", () => new HashedNgramEmbeddings({ dimensions: 7 }), "dimensions"],
    ["HashedNgramEmbeddings dimensions 2**31", () => new HashedNgramEmbeddings({ dimensions: 2 ** 31 }), "dimensions"],
    ["schema with a non-schema", () => schema("not a schema" as never), undefined],
    ["schema on unknown", () => schema(z.object({ a: z.string() }), { on: "xml" } as never), "on"],
    ["schema tool with on: text", () => schema(z.object({ a: z.string() }), { on: "text", tool: "t" } as never), /tool|on/],
    ["schema name 1 MB", () => schema(z.object({ a: z.string() }), { name: MB } as never), "name"],
    ["defineCheck blank name", () => defineCheck("", () => ({ ok: true })), /name|arguments\[0\]/],
    ["defineCheck 1 MB name", () => defineCheck(MB, () => ({ ok: true })), /name|arguments\[0\]/],
    ["defineCheck fn a string", () => defineCheck("mine", "fn" as never), undefined],
    ["defineCheck hooks unknown key", () => defineCheck("mine", () => ({ ok: true }), { onWhatever: () => {} } as never), undefined],
  ];
  for (const [label, make, option, broken] of cases) {
    it(broken ? `${label} [was broken, fixed: ${broken}]` : label, async () => {
      await expectInvalid(make, option);
    });
  }

  it("valid check options still work and judge", async () => {
    const checks = [
      nonEmpty({ minLength: 1 }),
      minLength(1_000_000),
      repetition({ n: 3, minDistinctRatio: 0 }),
      refusal({ patterns: [/nope/] }),
      coherence({ reference: ["fine answer here"], minSimilarity: -1 }),
      defineCheck("mine", () => ({ ok: true })),
    ];
    const model = withSemanticBreaker(scripted(), { checks: checks.slice(2) });
    expect((await model.invoke("q")).content).toBe("fine answer here");
    const strict = withSemanticBreaker(scripted(), { checks: [checks[1]!], trip: 1 });
    await expect(strict.invoke("q")).rejects.toMatchObject({ code: "CALL_FAILED" });
  });
});

describe("createBreakerMiddleware: hostile options", () => {
  const cases: Array<[string, () => unknown, string | RegExp | undefined, string?]> = [
    ["trip NaN", () => ({ trip: NaN }), "trip"],
    ["stream is not an option of the middleware", () => ({ stream: "buffer" }), "stream"],
    ["timeoutMs 2**31", () => ({ timeoutMs: 2 ** 31 }), "timeoutMs"],
    ["checks []", () => ({ checks: [] }), "checks"],
    ["unknown key one megabyte long", () => hugeKey({}), undefined],
    // Was broken (fixed since): 10 000 unknown keys: the message is bounded but error.problems holds all 10 000 entries (~2.3 MB)
    ["10 000 unknown keys", () => manyKeys({}), undefined, "10 000 unknown keys: the message is bounded but error.problems holds all 10 000 entries (~2.3 MB)"],
    // Was broken (fixed since): a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS
    ["getter throws", () => throwingGetter({}, "trip"), "trip", "a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS"],
    // Was broken (fixed since): a revoked Proxy escapes as a TypeError (Cannot perform IsArray on a proxy that has been revoked), not INVALID_OPTIONS
    ["revoked proxy", () => revokedProxy(), undefined, "a revoked Proxy escapes as a TypeError (Cannot perform IsArray on a proxy that has been revoked), not INVALID_OPTIONS"],
    // Was broken (fixed since): a symbol-keyed unknown option is accepted silently
    ["symbol key", () => ({ [Symbol("s")]: 1 }), undefined, "a symbol-keyed unknown option is accepted silently"],
    ["BigInt halfOpenAfter", () => ({ halfOpenAfter: 10n }), "halfOpenAfter"],
    ["name a Symbol", () => ({ name: Symbol("n") }), "name"],
  ];
  for (const [label, make, option, broken] of cases) {
    it(broken ? `${label} [was broken, fixed: ${broken}]` : label, async () => {
      await expectInvalid(() => createBreakerMiddleware(make() as never), option);
    });
  }
  it("valid middleware options work", () => {
    const mw = createBreakerMiddleware({ checks: [nonEmpty()], trip: 2, timeoutMs: 0 });
    expect(typeof mw.wrapModelCall).toBe("function");
    expect(mw.breaker).toBeDefined();
  });
});
