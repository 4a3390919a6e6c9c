/**
 * Guard placement cuts relays: applying the recommended guards (a guard counts as one agent
 * and resets the chain after it) makes the same relay audit pass, on hand-built families.
 */
import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology, type TopologyEdgeInput, type TopologyReport } from "../../src/topology/index.js";

type Edge = [string, string];

/** The same topology with the recommended nodes guarded. */
function reaudit(edges: Edge[], before: TopologyReport, options: Parameters<typeof analyzeTopology>[1] = {}): TopologyReport {
  const guarded = (before.guards?.recommended ?? []).map((r) => ({ id: r.node!, role: "agent" as const, guard: {} }));
  return analyzeTopology(createTopology({ nodes: guarded, edges: edges as TopologyEdgeInput[] }), options);
}

const chain = (n: number): Edge[] => [["__start__", "s1"], ...Array.from({ length: n - 1 }, (_, i) => [`s${i + 1}`, `s${i + 2}`] as Edge), [`s${n}`, "__end__"]];
const ring = (n: number): Edge[] => [["__start__", "r0"], ...Array.from({ length: n }, (_, i) => [`r${i}`, `r${(i + 1) % n}`] as Edge)];
const errors = (r: TopologyReport) => r.findings.filter((f) => f.severity === "error").map((f) => f.code);

describe("relay guards", () => {
  it("on a chain of n agents with limit L, recommends ⌈n/L⌉ − 1 guards (the optimum) and the re-audit passes", () => {
    for (let limit = 1; limit <= 4; limit++) {
      for (let n = 1; n <= 12; n++) {
        const edges = chain(n);
        const before = analyzeTopology(createTopology({ edges }), { maxRelayDepth: limit, cycles: false });
        const picks = before.guards!.recommended;
        expect(picks.length, `n=${n} L=${limit}`).toBe(Math.ceil(n / limit) - 1);
        expect(picks.every((p) => p.reason === "relay")).toBe(true);
        const after = reaudit(edges, before, { maxRelayDepth: limit, cycles: false });
        expect(after.relay.ok, `n=${n} L=${limit}`).toBe(true);
        expect(before.guards!.relay).toMatchObject({ ok: true, after: after.relay.depth });
      }
    }
  });

  it("on rings of 2 to 12 agents, cuts the loop and the chains left, and the re-audit passes", () => {
    for (let n = 2; n <= 12; n++) {
      const edges = ring(n);
      const before = analyzeTopology(createTopology({ edges }), { cycles: false });
      expect(before.relay.depth).toBe("unbounded");
      const after = reaudit(edges, before, { cycles: false });
      expect(errors(after), `ring ${n}`).toEqual([]);
      expect(after.R).toBeCloseTo(before.guards!.rAfter, 9);
    }
  });

  it("treats tools and routers as pass-through and verifiers as resets when counting", () => {
    // a → tool → b → c → check(verifier) → d → e: chains a,b,c (3) and d,e (2): nothing to cut at L = 3.
    const edges: Edge[] = [["a", "t"], ["t", "b"], ["b", "c"], ["c", "check"], ["check", "d"], ["d", "e"]];
    const t = createTopology({ nodes: [{ id: "t", role: "tool" }, { id: "check", role: "verifier" }], edges });
    const report = analyzeTopology(t, { cycles: false });
    expect(report.relay.ok).toBe(true);
    expect(report.guards!.recommended).toEqual([]);
  });

  it("says when the limit cannot be met by guards (limit 0: a guard is itself one agent)", () => {
    const report = analyzeTopology(createTopology({ edges: chain(2) }), { maxRelayDepth: 0, cycles: false });
    expect(report.guards!.relay).toMatchObject({ ok: false });
    expect(report.findings.some((f) => f.code === "GUARDS_INSUFFICIENT" && /relay depth/.test(f.message))).toBe(true);
  });

  it("on a giant strongly connected component stays within guards.max and says it is not enough", () => {
    const n = 400;
    const edges: Edge[] = [];
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < n; i++) {
      edges.push([`v${i}`, `v${(i + 1) % n}`]);
      for (let k = 0; k < 3; k++) edges.push([`v${i}`, `v${Math.floor(rand() * n)}`]);
    }
    const report = analyzeTopology(createTopology({ edges }), { cycles: false, guards: { max: 10 } });
    expect(report.guards!.recommended.length).toBeLessThanOrEqual(10);
    expect(report.guards!.relay!.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toContain("GUARDS_INSUFFICIENT");
  });

  it("edge placement does not claim to cut relays", () => {
    const report = analyzeTopology(createTopology({ edges: ring(4) }), { cycles: false, guards: { unit: "edge" } });
    expect(report.guards!.relay).toBeUndefined();
    expect(report.guards!.recommended.every((r) => r.reason === "cascade")).toBe(true);
  });
});
