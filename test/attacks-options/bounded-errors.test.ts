/**
 * Errors never echo unbounded input: huge values hidden in nested options, toJSON/toString that
 * return megabytes, a check that throws or rejects with a megabyte, a megabyte reason.
 */
import { describe, expect, it } from "vitest";
import { defineCheck, nonEmpty, withSemanticBreaker } from "../../src/index.js";
import { createChallenger } from "../../nodes/index.js";
import { setupTracing } from "../../src/tracing/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { MB, MESSAGE_MAX, expectInvalid, fieldsSize, run } from "./support/outcomes.js";

const scripted = () => new ScriptedChatModel({ script: ["fine answer here"], whenExhausted: "loop" });

describe("bounded option errors for huge nested values", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["fallback name 1 MB", () => withSemanticBreaker(scripted(), { fallbacks: [{ model: scripted(), name: MB }] }), "fallbacks"],
    ["trip with a toJSON returning 1 MB", () => withSemanticBreaker(scripted(), { trip: { toJSON: () => MB } } as never), "trip"],
    ["name with a toString returning 1 MB", () => withSemanticBreaker(scripted(), { name: { toString: () => MB } } as never), "name"],
    ["checks: 1 000 000 numbers", () => withSemanticBreaker(scripted(), { checks: new Array(1_000_000).fill(1) } as never), "checks"],
    ["initialState with a 1 MB provider name", () => withSemanticBreaker(scripted(), { initialState: { version: 1, providers: { [MB]: { state: "open" } } } } as never), "initialState"],
    ["halfOpenAfter a fake backoff", () => withSemanticBreaker(scripted(), { halfOpenAfter: { next: MB } } as never), "halfOpenAfter"],
    ["createChallenger model a 1 MB string", () => createChallenger({ model: MB } as never), "model"],
    ["setupTracing otlp.endpoint 1 MB", () => setupTracing({ otlp: { endpoint: MB } } as never), "otlp"],
    ["setupTracing otlp.headers with a 1 MB key", () => setupTracing({ otlp: { endpoint: "http://127.0.0.1:1/v1/traces", headers: { [MB]: "v" } }, unknownToo: 1 } as never), ""],
  ];
  for (const [label, make, option] of cases) {
    it(label, async () => {
      await expectInvalid(make, option || undefined);
    });
  }

  it("a transparent Proxy around valid options is accepted", async () => {
    const model = withSemanticBreaker(scripted(), new Proxy({ trip: 2, checks: [nonEmpty()] }, {}) as never);
    expect((await model.invoke("q")).content).toBe("fine answer here");
  });
});

describe("bounded call-time errors", () => {
  it("a check that throws a 1 MB error: INVALID_OUTPUT naming the check, bounded", async () => {
    const inner = scripted();
    const model = withSemanticBreaker(inner, {
      checks: [
        defineCheck("exploding", () => {
          throw new Error("boom " + MB);
        }),
      ],
    });
    const outcome = await run(() => model.invoke("q"));
    const e = outcome.error as Error & Record<string, unknown>;
    expect(e.code).toBe("INVALID_OUTPUT");
    expect(e.message).toContain("exploding");
    expect(e.message.length).toBeLessThan(MESSAGE_MAX);
    expect(fieldsSize(e)).toBeLessThan(20_000);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });

  it("a check with a 1 MB reason: CALL_FAILED, reason cut to 300 characters", async () => {
    const model = withSemanticBreaker(scripted(), { checks: [defineCheck("verbose", () => ({ ok: false, reason: MB }))], trip: 5 });
    const outcome = await run(() => model.invoke("q"));
    const e = outcome.error as Error & { code?: string; failures?: unknown };
    expect(e.code).toBe("CALL_FAILED");
    expect(e.message.length).toBeLessThan(MESSAGE_MAX);
    expect(JSON.stringify(e.failures ?? []).length).toBeLessThan(5_000);
  });

  it("a check that returns no verdict: INVALID_OUTPUT naming the check, nothing counted", async () => {
    const model = withSemanticBreaker(scripted(), { checks: [defineCheck("silent", () => undefined as never)], trip: 1 });
    const outcome = await run(() => model.invoke("q"));
    const e = outcome.error as Error & Record<string, unknown>;
    expect(e.code).toBe("INVALID_OUTPUT");
    expect(e.message).toContain("silent");
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });
});
