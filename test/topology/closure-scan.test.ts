/**
 * The inspector-based closure walk is bounded, leaves nothing behind and never throws: a
 * failure is a status (and, in extraction, a CLOSURE_SCAN_FAILED finding), not a crash.
 */
import { describe, expect, it } from "vitest";
import { GUARD_PRODUCER, guardProducer, walkClosures } from "../../src/topology/closure-scan.js";

const SLOT = "__firebreakClosureProbe";

function holder<T extends object>(value: T): () => T {
  return () => value;
}

describe("walkClosures", () => {
  it("visits the objects a function closes over and cleans up the probe slot", () => {
    const secret = { kind: "model" };
    const seen: object[] = [];
    const walk = walkClosures([holder(secret)], (v) => {
      seen.push(v);
    });
    expect(walk).toEqual({ status: "done" });
    expect(seen).toContain(secret);
    expect(SLOT in globalThis).toBe(false);
  });

  it("stops at the function budget", () => {
    const held = Array.from({ length: 50 }, (_, i) => ({ i }));
    const roots = held.map(holder);
    const reached = new Set<object>();
    walkClosures(roots, (v) => {
      if (held.includes(v as { i: number })) reached.add(v);
    }, 5);
    expect(reached.size).toBe(5);
  });

  it("stops as soon as the visitor says it has what it looks for", () => {
    const roots = Array.from({ length: 20 }, (_, i) => holder({ i }));
    let visited = 0;
    walkClosures(roots, () => ++visited === 2);
    expect(visited).toBe(2);
  });

  it("a visitor that throws makes a failed status with the reason, not an exception, and leaves nothing behind", () => {
    const walk = walkClosures([holder({ a: 1 })], () => {
      throw new Error("boom ".repeat(100));
    });
    expect(walk.status).toBe("failed");
    expect((walk as { reason: string }).reason.length).toBeLessThanOrEqual(120);
    expect(SLOT in globalThis).toBe(false);
    // The inspector is usable again afterwards.
    expect(walkClosures([holder({ b: 2 })], () => undefined)).toEqual({ status: "done" });
  });

  it("repeated walks do not accumulate sessions or handles (1,000 walks stay fast)", () => {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) walkClosures([holder({ i })], () => true);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});

describe("guardProducer", () => {
  it("prefers a producer the guard exposes under Symbol.for(langgraph-firebreak.guard.producer)", () => {
    const producer = { name: "team" };
    expect(guardProducer({ [GUARD_PRODUCER]: producer }).producer).toBe(producer);
  });

  it("returns nothing for values that are not guards", () => {
    for (const v of [null, 1, "x", {}, { builder: { nodes: {} } }]) expect(guardProducer(v).producer).toBeUndefined();
  });
});
