/**
 * "Checks its options once, at construction": what was validated is what runs. A getter that
 * answers differently on a second read, or options mutated after construction, must not change
 * the breaker's behaviour (or smuggle an unvalidated value in).
 */
import { describe, expect, it } from "vitest";
import { nonEmpty, withSemanticBreaker } from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { openai, startLoopback } from "./loopback-openai.js";

const bad = () => new ScriptedChatModel({ script: [""], whenExhausted: "loop" });
const settle = (p: Promise<unknown>) => p.then((v) => v, (e: unknown) => e);
const code = (e: unknown) => (e as { code?: string }).code;

describe("options are read and checked once", () => {
  it("a trip getter that answers 2, then 100 000: the breaker trips at 2 and the getter is read once", async () => {
    let reads = 0;
    const options = { checks: [nonEmpty()] } as Record<string, unknown>;
    Object.defineProperty(options, "trip", {
      enumerable: true,
      get: () => (++reads === 1 ? 2 : 100_000),
    });
    const inner = bad();
    const model = withSemanticBreaker(inner, options as never);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(code(await settle(model.invoke("q"))));
    expect(codes).toEqual(["CALL_FAILED", "CALL_FAILED", "BROKEN_CIRCUIT"]);
    expect(inner.callCount).toBe(2);
    expect(reads).toBe(1);
  });

  it("a timeoutMs getter that answers 50, then NaN: never an unvalidated timer", async () => {
    let reads = 0;
    const options = { checks: [nonEmpty()], trip: 1 } as Record<string, unknown>;
    Object.defineProperty(options, "timeoutMs", { enumerable: true, get: () => (++reads === 1 ? 50 : NaN) });
    const server = await startLoopback();
    try {
      server.script("hanging", [{ kind: "hang" }]);
      const model = withSemanticBreaker(openai(server, "hanging"), options as never);
      const started = Date.now();
      const e = await settle(model.invoke("q"));
      expect(code(e)).toBe("CALL_FAILED");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(reads).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("mutating the options and the checks array after construction changes nothing", async () => {
    const checks = [nonEmpty()];
    const options: Record<string, unknown> = { checks, trip: 2 };
    const inner = bad();
    const model = withSemanticBreaker(inner, options as never);
    options.trip = 100_000;
    options.checks = "none";
    checks.length = 0;
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(code(await settle(model.invoke("q"))));
    expect(codes).toEqual(["CALL_FAILED", "CALL_FAILED", "BROKEN_CIRCUIT"]);
  });
});
