import { Annotation, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { analyzeTopology, assertTopology, createTopology, findCycles, isTopologyError } from "../../src/index.js";

const State = Annotation.Root({ text: Annotation<string> });
const step = () => ({});

describe("analyzeTopology", () => {
  it("computes R = β·ρ/δ and its verdict", () => {
    const loop = createTopology({ edges: [["a", "b"], ["b", "a"], ["b", "__end__"]] });
    expect(analyzeTopology(loop, { beta: 0.3, delta: 0.5 })).toMatchObject({ R: 0.6, verdict: "sub-threshold" });
    expect(analyzeTopology(loop, { beta: 0.5, delta: 0.5 })).toMatchObject({ R: 1, verdict: "at-threshold" });
    const hot = analyzeTopology(loop, { beta: 0.6, delta: 0.4 });
    expect(hot.R).toBeCloseTo(1.5, 12);
    expect(hot.verdict).toBe("epidemic");
    expect(hot.findings.find((f) => f.code === "EPIDEMIC")?.severity).toBe("warning");
    expect(analyzeTopology(loop, { beta: 0.6, delta: 0.4, failOnEpidemic: true }).ok).toBe(false);
  });

  it("uses per-edge β and per-node δ as R = ρ(D⁻¹B)", () => {
    // A 2-cycle with β 0.8 and 0.2 and δ 0.4 everywhere: R = √(0.8·0.2)/0.4 = 1.
    const t = createTopology({
      nodes: [{ id: "a", delta: 0.4 }, { id: "b", delta: 0.4 }],
      edges: [{ source: "a", target: "b", beta: 0.8 }, { source: "b", target: "a", beta: 0.2 }],
    });
    const report = analyzeTopology(t, { cycles: false });
    expect(report.weighted).toBe(true);
    expect(report.R).toBeCloseTo(1, 12);
    expect(report.rho).toBe(1);
  });

  it("returns plain JSON data", () => {
    const report = analyzeTopology(createTopology({ edges: [["a", "b"], ["b", "a"], ["b", "c"]] }));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    for (const key of ["rho", "components", "cycles", "seeds", "R", "verdict", "relay", "tier", "findings"]) {
      expect(report).toHaveProperty(key);
    }
  });

  it("never throws, reporting a non-graph as a finding", () => {
    const report = analyzeTopology({ hello: "world" });
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ code: "NOT_A_GRAPH", severity: "error" });
    expect(() => analyzeTopology(undefined)).not.toThrow();
  });

  it("rejects an out-of-range option up front, naming it, the value and what is allowed", () => {
    expect(() => analyzeTopology(createTopology({ edges: [["a", "b"]] }), { beta: 1.5 })).toThrow(
      "analyzeTopology: beta received 1.5; allowed: a probability from 0 to 1.",
    );
  });

  it("warns about a loop with no way out to END", () => {
    const builder = new StateGraph(State)
      .addNode("a", step)
      .addNode("b", step)
      .addEdge(START, "a")
      .addEdge("a", "b")
      .addConditionalEdges("b", () => "a", ["a"]);
    const f = analyzeTopology(builder).findings.find((x) => x.code === "CYCLE_WITHOUT_EXIT");
    expect(f).toMatchObject({ severity: "warning", path: ["a", "b"] });
  });

  it("fails maxRho with the component as the path", () => {
    const report = analyzeTopology(createTopology({ edges: [["a", "b"], ["b", "a"], ["a", "a"]] }), { maxRho: 1.2 });
    const f = report.findings.find((x) => x.code === "RHO_EXCEEDED");
    expect(f).toMatchObject({ severity: "error", path: ["a", "b"] });
    expect(report.ok).toBe(false);
  });

  it("assertTopology throws a TopologyError with the findings and the path", () => {
    const t = createTopology({ edges: [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"]] });
    let caught: unknown;
    try {
      assertTopology(t);
    } catch (error) {
      caught = error;
    }
    expect(isTopologyError(caught)).toBe(true);
    if (!isTopologyError(caught)) return;
    expect(caught.code).toBe("TOPOLOGY");
    expect(caught.findings.map((f) => f.code)).toEqual(["RELAY_DEPTH_EXCEEDED"]);
    expect(caught.message).toContain("a → b → c → d → e");
    expect(assertTopology(t, { maxRelayDepth: 5 }).ok).toBe(true);
  });
});

describe("cycles", () => {
  it("enumerates elementary cycles with Johnson's algorithm, shortest first", () => {
    const t = createTopology({ edges: [["a", "b"], ["b", "a"], ["b", "c"], ["c", "a"], ["c", "c"]] });
    expect(findCycles(t)).toEqual({ cycles: [["c"], ["a", "b"], ["a", "b", "c"]], count: 3, exact: true });
  });

  it("caps enumeration and reports the count as a lower bound", () => {
    const k = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => [`n${i}`, `n${j}`] as [string, string]))
      .flat()
      .filter(([a, b]) => a !== b);
    const capped = findCycles(createTopology({ edges: k }), { limit: 5, countLimit: 1000 });
    expect(capped.cycles).toHaveLength(5);
    expect(capped).toMatchObject({ count: 1000, exact: false });
    // K4 has 20 elementary cycles: 6 of length 2, 8 of length 3, 6 of length 4.
    const k4 = k.filter(([a, b]) => a < "n4" && b < "n4");
    expect(findCycles(createTopology({ edges: k4 }), { limit: 100 })).toMatchObject({ count: 20, exact: true });
    const report = analyzeTopology(createTopology({ edges: k }), { cycles: { limit: 5, countLimit: 1000 }, guards: false });
    expect(report.findings.find((f) => f.code === "CYCLES_TRUNCATED")?.message).toMatch(/At least 1000/);
  });

  it("bounds the search work by default, linear in the graph, and says the count is a lower bound", () => {
    // Two interleaved rings: exponentially many elementary cycles.
    const n = 400;
    const edges = Array.from({ length: n }, (_, i) => [[`n${i}`, `n${(i + 1) % n}`], [`n${i}`, `n${(i + 2) % n}`]] as [string, string][]).flat();
    const bounded = findCycles(createTopology({ edges }));
    expect(bounded.exact).toBe(false);
    expect(bounded.count).toBeLessThan(10_000);
    const more = findCycles(createTopology({ edges }), { workLimit: 1_000_000 });
    expect(more.count).toBeGreaterThan(bounded.count);
  });
});

describe("tier", () => {
  it("is 0 for a short acyclic graph and 2 for any cycle", () => {
    expect(analyzeTopology(createTopology({ edges: [["a", "b"]] })).tier.tier).toBe(0);
    expect(analyzeTopology(createTopology({ edges: [["a", "b"], ["b", "a"]] })).tier.tier).toBe(2);
  });

  it("follows declared facts and lists the controls each tier needs", () => {
    const t = createTopology({ edges: [["a", "b"]] });
    expect(analyzeTopology(t, { facts: { expectedDurationSeconds: 45 } }).tier.tier).toBe(1);
    expect(analyzeTopology(t, { facts: { externalSideEffects: true } }).tier.tier).toBe(1);
    const t3 = analyzeTopology(t, { facts: { costPerRunUsd: 2, tracing: true, checkpointer: false } }).tier;
    expect(t3.tier).toBe(3);
    const status = Object.fromEntries(t3.controls.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      tracing: "present",
      "relay-depth": "present",
      checkpointer: "missing",
      "human-gates": "missing",
      evaluation: "manual",
    });
    expect(t3.reasons.join(" ")).toMatch(/\$2/);
  });

  it("sees human gates and guarded cycles", () => {
    const t = createTopology({
      nodes: [{ id: "review", role: "human" }],
      edges: [["a", "review"], ["review", "a"]],
    });
    const status = Object.fromEntries(
      analyzeTopology(t, { facts: { regulated: true } }).tier.controls.map((c) => [c.id, c.status]),
    );
    expect(status["human-gates"]).toBe("present");
    expect(status["guards-at-cycles"]).toBe("present");
  });
});
