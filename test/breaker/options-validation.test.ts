/**
 * Bad options, per factory: every case is rejected at construction with INVALID_OPTIONS, a
 * message that names the option, quotes the value received (bounded) and says what is
 * allowed — and no provider ever receives a request. The provider is a real ChatOpenAI
 * against the loopback OpenAI-compatible server, so "no call" means no HTTP request.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod/v4";
import { createBreakerMiddleware } from "../../src/breaker/middleware.js";
import {
  HashedNgramEmbeddings,
  coherence,
  confidenceFloor,
  defineCheck,
  isFirebreakError,
  minLength,
  nonEmpty,
  refusal,
  repetition,
  schema,
  withSemanticBreaker,
} from "../../src/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

const HUGE = "x".repeat(1_000_000);
/** Longest message a rejection may have, whatever was passed. */
const MESSAGE_MAX = 600;

type Case = readonly [label: string, make: () => unknown, option: string, allowed: RegExp | string];

/** Runs one bad-options case: the factory throws INVALID_OPTIONS naming `option`, bounded, without a request. */
function rejects([, make, option, allowed]: Case): void {
  const before = server.requests.length;
  let thrown: unknown;
  try {
    make();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "the factory must throw").toBeDefined();
  expect(isFirebreakError(thrown) && thrown.code).toBe("INVALID_OPTIONS");
  const error = thrown as Error & { option?: string; received?: string; allowed?: string };
  expect(error.option).toBe(option);
  expect(error.message).toContain(`${option} received `);
  if (typeof allowed === "string") expect(error.allowed).toContain(allowed);
  else expect(error.allowed).toMatch(allowed);
  expect(error.message.length).toBeLessThan(MESSAGE_MAX);
  expect(server.requests.length).toBe(before);
}

/** The error `fn` throws, or undefined. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

const model = () => chatOpenAI(server);
const guard = (options: unknown) => withSemanticBreaker(model(), options as never);

describe("withSemanticBreaker rejects bad options at construction, before any request", () => {
  const cases: Case[] = [
    ["trip as a string", () => guard({ trip: "3" }), "trip", /an integer from 1 to 100000 .*or a rule/],
    ["trip rule without its fields", () => guard({ trip: { kind: "failure-rate" } }), "trip.threshold", "strictly between 0 and 1"],
    ["unknown trip kind", () => guard({ trip: { kind: "rate" } }), "trip.kind", /one of "consecutive", "failure-rate"/],
    ["trip 0", () => guard({ trip: 0 }), "trip", "an integer from 1"],
    ["trip NaN", () => guard({ trip: NaN }), "trip", "an integer from 1"],
    ["failure-rate threshold 2", () => guard({ trip: { kind: "failure-rate", threshold: 2, window: 10 } }), "trip.threshold", "strictly between 0 and 1"],
    ["minimumCalls above the window", () => guard({ trip: { kind: "failure-rate", threshold: 0.5, window: 10, minimumCalls: 11 } }), "trip.minimumCalls", "at most trip.window"],
    ["checks: [undefined]", () => guard({ checks: [undefined] }), "checks[0]", "a check: a function"],
    ["checks: [] (use \"none\")", () => guard({ checks: [] }), "checks", 'pass checks: "none"'],
    ["checks as a string", () => guard({ checks: "nonEmpty" }), "checks", "an array of checks"],
    ["retry.attempts 1e9", () => guard({ retry: { attempts: 1e9 } }), "retry.attempts", "an integer from 0 to 10"],
    ["retry.attempts negative", () => guard({ retry: { attempts: -1 } }), "retry.attempts", "an integer from 0 to 10"],
    ["unknown retry key", () => guard({ retry: { tries: 3 } }), "retry.tries", "no such option"],
    ["a fallback's halfOpenAfter -5", () => guard({ fallbacks: [{ model: model(), halfOpenAfter: -5 }] }), "fallbacks[0].halfOpenAfter", "milliseconds from 0 to 2147483647"],
    ["a fallback that is not a model", () => guard({ fallbacks: [{}] }), "fallbacks[0].model", "a LangChain chat model"],
    ["garbage initialState", () => guard({ initialState: { version: 1, providers: { "ChatOpenAI:gpt-4o-mini": 42 } } }), 'initialState.providers.ChatOpenAI:gpt-4o-mini', "breaker.toJSON()"],
    ["initialState of another version", () => guard({ initialState: { version: 2, providers: {} } }), "initialState.version", "breaker.toJSON()"],
    ["initialState for a provider not in the chain", () => guard({ initialState: { version: 1, providers: { ghost: { ownState: { value: 0 }, breakerState: 0 } } } }), "initialState.providers", "providers of this chain"],
    ["unknown whenAllOpen", () => guard({ whenAllOpen: "queue" }), "whenAllOpen", '"fail-fast", "bypass"'],
    ["unknown stream mode", () => guard({ stream: "chunked" }), "stream", '"buffer", "passthrough"'],
    ["timeoutMs of 30 days", () => guard({ timeoutMs: 2_592_000_000 }), "timeoutMs", "2147483647"],
    ["timeoutMs Infinity", () => guard({ timeoutMs: Infinity }), "timeoutMs", "2147483647"],
    ["timeoutMs negative", () => guard({ timeoutMs: -1 }), "timeoutMs", "from 0"],
    ["halfOpenAfter NaN", () => guard({ halfOpenAfter: NaN }), "halfOpenAfter", "a cockatiel backoff"],
    ["unknown key", () => guard({ fallback: [] }), "fallback", "fallbacks"],
    ["a 1 MB name", () => guard({ name: HUGE }), "name", "at most 200 characters"],
    ["a blank name", () => guard({ name: "   " }), "name", "non-blank"],
    ["options not an object", () => guard("fast"), "options", "an options object"],
    ["the model is not a model", () => withSemanticBreaker({} as never), "model", "a LangChain chat model"],
  ];
  test.each(cases)("%s", (...c) => rejects(c));

  test("a value is quoted in bounded form: a 1 MB string by its head and length, NaN and Infinity by name", () => {
    const huge = caught(() => guard({ name: HUGE })) as Error & { received: string };
    expect(huge.received).toMatch(/^"x+"… \(1000000 characters\)$/);
    expect(huge.received.length).toBeLessThan(120);
    for (const [value, shown] of [
      [NaN, "NaN"],
      [Infinity, "Infinity"],
      [-Infinity, "-Infinity"],
    ] as const) {
      expect(() => guard({ timeoutMs: value })).toThrow(`timeoutMs received ${shown};`);
    }
    expect(() => guard({ trip: { kind: "consecutive", threshold: NaN } })).toThrow("trip.threshold received NaN;");
    expect((caught(() => guard({ trip: { kind: "rate" } })) as { received: string }).received).toBe('"rate"');
  });

  test("breaker.isolate names an unknown provider in bounded form", () => {
    const guarded = withSemanticBreaker(model(), { name: "primary" });
    rejects(["isolate", () => guarded.breaker.isolate(HUGE), "provider", "a provider name or index of this chain (primary)"]);
    rejects(["isolate", () => guarded.breaker.isolate(3), "provider", "(primary)"]);
  });

  test("every problem is listed as data, the message counts the rest", () => {
    try {
      guard({ trip: "3", stream: "x", bogus: 1 });
      expect.unreachable();
    } catch (e) {
      const error = e as Error & { problems: Array<{ option: string }> };
      expect(error.problems.map((p) => p.option).sort()).toEqual(["bogus", "stream", "trip"]);
      expect(error.message).toMatch(/\(\+2 more problems\)$/);
    }
  });

  test('checks: "none" is the explicit opt-out: empty answers pass, transport failures still count', async () => {
    server.script(() => ({ kind: "content", content: "" }));
    try {
      const plain = withSemanticBreaker(model(), { checks: "none", trip: 1 });
      expect((await plain.invoke("q")).content).toBe("");
      expect(plain.breaker.status()[0]!.state).toBe("closed");
    } finally {
      server.script(() => ({ kind: "good" }));
    }
  });
});

describe("createBreakerMiddleware rejects bad options at construction", () => {
  const cases: Case[] = [
    ["stream is not an option of the middleware", () => createBreakerMiddleware({ stream: "buffer" } as never), "stream", "no such option"],
    ["trip as a string", () => createBreakerMiddleware({ trip: "3" } as never), "trip", "an integer from 1"],
    ["checks: []", () => createBreakerMiddleware({ checks: [] }), "checks", 'checks: "none"'],
    ["retry.attempts 1e9", () => createBreakerMiddleware({ retry: { attempts: 1e9 } }), "retry.attempts", "from 0 to 10"],
    ["timeoutMs Infinity", () => createBreakerMiddleware({ timeoutMs: Infinity }), "timeoutMs", "2147483647"],
    ["a fallback's halfOpenAfter -5", () => createBreakerMiddleware({ fallbacks: [{ model: model(), halfOpenAfter: -5 }] }), "fallbacks[0].halfOpenAfter", "milliseconds"],
  ];
  test.each(cases)("%s", (...c) => rejects(c));
});

describe("check factories reject bad options", () => {
  const cases: Case[] = [
    ["minLength(-5)", () => minLength(-5), "minLength", "an integer from 1 to 1000000"],
    ["minLength(NaN)", () => minLength(NaN), "minLength", "an integer from 1"],
    ["minLength(1e12)", () => minLength(1e12), "minLength", "to 1000000"],
    ["nonEmpty minLength 2.5", () => nonEmpty({ minLength: 2.5 }), "minLength", "an integer"],
    ["nonEmpty unknown key", () => nonEmpty({ min: 3 } as never), "min", "no such option"],
    ["nonEmpty toolCallsCount as a string", () => nonEmpty({ toolCallsCount: "yes" } as never), "toolCallsCount", "true or false"],
    ["repetition ratio 1.5", () => repetition({ minDistinctRatio: 1.5 }), "minDistinctRatio", "from 0 to 1"],
    ["repetition n 0", () => repetition({ n: 0 }), "n", "an integer from 1 to 10"],
    ["repetition minNgrams Infinity", () => repetition({ minNgrams: Infinity }), "minNgrams", "an integer"],
    ["refusal patterns as strings", () => refusal({ patterns: ["sorry"] } as never), "patterns[0]", "a regular expression"],
    ["refusal no patterns", () => refusal({ patterns: [] }), "patterns", "at least one"],
    ["refusal scanChars -1", () => refusal({ scanChars: -1 }), "scanChars", "from 1"],
    ["confidenceFloor without min", () => confidenceFloor({} as never), "min", "from 0 to 1"],
    ["confidenceFloor min NaN", () => confidenceFloor({ min: NaN }), "min", "from 0 to 1"],
    ["confidenceFloor min 5", () => confidenceFloor({ min: 5 }), "min", "from 0 to 1"],
    ["confidenceFloor unknown aggregate", () => confidenceFloor({ min: 0.5, aggregate: "median" } as never), "aggregate", '"mean", "min"'],
    ["confidenceFloor field 42", () => confidenceFloor({ min: 0.5, field: 42 } as never), "field", "a dotted path"],
    ["schema target not a schema", () => schema({} as never), "target", "a Standard Schema"],
    ["schema tool without tool-args", () => schema(z.object({}), { tool: "get_weather" }), "on", 'on: "tool-args"'],
    ["schema unknown on", () => schema(z.object({}), { on: "yaml" } as never), "on", '"json", "text", "tool-args"'],
    ["coherence minSimilarity 2", () => coherence({ minSimilarity: 2 }), "minSimilarity", "from -1 to 1"],
    ["coherence empty reference", () => coherence({ reference: [] }), "reference", "at least one"],
    ["coherence blank reference", () => coherence({ reference: ["  "] }), "reference[0]", "non-blank"],
    ["coherence decay 0", () => coherence({ decay: 0 }), "decay", "strictly between 0 and 1"],
    ["coherence embeddings garbage", () => coherence({ embeddings: {} as never }), "embeddings", "embedQuery"],
    ["HashedNgramEmbeddings dimensions 1e9", () => new HashedNgramEmbeddings({ dimensions: 1e9 }), "dimensions", "from 8 to 65536"],
    ["defineCheck without a function", () => defineCheck("mine", undefined as never), "arguments[1]", "a function"],
    ["defineCheck with a blank name", () => defineCheck(" ", () => ({ ok: true })), "arguments[0]", "non-blank"],
  ];
  test.each(cases)("%s", (...c) => rejects(c));
});
