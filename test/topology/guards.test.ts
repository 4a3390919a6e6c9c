import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology, DEFAULT_GUARD_RESIDUAL, type TopologyEdgeInput } from "../../src/index.js";

const star = (k: number): [string, string][] =>
  Array.from({ length: k }, (_, i) => [["hub", `w${i}`], [`w${i}`, "hub"]] as [string, string][]).flat();

describe("guard placement", () => {
  it("guards the hub of a supervisor star first and reports ρ before and after", () => {
    const report = analyzeTopology(createTopology({ edges: star(4) }), { cycles: false });
    const g = report.guards!;
    expect(g.unit).toBe("node");
    expect(g.recommended.map((r) => r.node)).toEqual(["hub"]);
    expect(g.rhoBefore).toBeCloseTo(2, 12);
    // Guarding the hub scales half of every 2-cycle: ρ = √(k·r).
    expect(g.rhoAfter).toBeCloseTo(Math.sqrt(4 * DEFAULT_GUARD_RESIDUAL), 9);
    expect(g.rBefore).toBeCloseTo(2, 12);
    expect(g.rAfter).toBeLessThan(1);
    expect(g.sufficient).toBe(true);
  });

  it("stops as soon as β·ρ_eff < δ, adding guards only while needed", () => {
    // Two disjoint 3-cliques: one guard per clique is not enough, the greedy keeps going.
    // Tools, not agents: no relay to cut, so every pick is the cascade's.
    const clique = (p: string): TopologyEdgeInput[] =>
      ["a", "b", "c"].flatMap((x) => ["a", "b", "c"].filter((y) => y !== x).map((y) => [`${p}${x}`, `${p}${y}`] as [string, string]));
    const report = analyzeTopology(createTopology({ edges: [...clique("p"), ...clique("q")], defaultRole: "tool" }), {
      cycles: false,
      beta: 0.4,
      delta: 0.5,
    });
    const g = report.guards!;
    expect(g.rBefore).toBeCloseTo(0.8 * 2, 9);
    expect(g.sufficient).toBe(true);
    expect(g.rAfter).toBeLessThan(1);
    // Each pick lowers R, and the last one is the first to cross below 1.
    expect(g.recommended.every((r) => r.reason === "cascade")).toBe(true);
    const rs = g.recommended.map((r) => r.rAfter);
    expect(rs.slice(0, -1).every((r) => r >= 1)).toBe(true);
    expect([...rs].sort((a, b) => b - a)).toEqual(rs);
  });

  it("recommends nothing when the cascade is already sub-threshold and no relay needs cutting", () => {
    const report = analyzeTopology(createTopology({ edges: [["a", "b"], ["b", "a"]], defaultRole: "tool" }), { beta: 0.2, delta: 0.5 });
    expect(report.guards).toMatchObject({ recommended: [], sufficient: true });
    expect(report.findings.map((f) => f.code)).not.toContain("GUARDS_RECOMMENDED");
  });

  it("cuts an unbounded relay even when the cascade is sub-threshold: one guard, reason relay", () => {
    const report = analyzeTopology(createTopology({ edges: [["a", "b"], ["b", "a"]] }), { beta: 0.2, delta: 0.5 });
    expect(report.relay.depth).toBe("unbounded");
    expect(report.guards).toMatchObject({
      recommended: [{ node: "a", reason: "relay", sensitivity: 0 }],
      sufficient: true,
      relay: { limit: 3, before: "unbounded", after: 2, ok: true },
    });
    const fix = report.findings.find((f) => f.code === "RELAY_UNBOUNDED")!.fix;
    expect(fix).toContain('guardNodeInPlace(builder, "a", { challenger })');
  });

  it("ranks single edges by v_i·u_j in edge mode", () => {
    const report = analyzeTopology(createTopology({ edges: star(3) }), { cycles: false, guards: { unit: "edge", max: 1 } });
    const first = report.guards!.recommended[0]!;
    // On a star every hub edge has the same sensitivity; the chosen one touches the hub.
    expect(first.edge).toContain("hub");
    expect(first.sensitivity).toBeGreaterThan(0);
  });

  it("says when guards alone cannot bring R below 1", () => {
    const clique = Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => [`n${i}`, `n${j}`] as [string, string]))
      .flat()
      .filter(([a, b]) => a !== b);
    const report = analyzeTopology(createTopology({ edges: clique }), { cycles: false });
    expect(report.guards!.sufficient).toBe(false);
    expect(report.findings.find((f) => f.code === "GUARDS_INSUFFICIENT")?.severity).toBe("warning");
  });

  it("counts existing verifiers and guard metadata as already scaling their out-edges", () => {
    const edges: [string, string][] = [["a", "b"], ["b", "a"]];
    const plain = analyzeTopology(createTopology({ edges }), { cycles: false });
    const checked = analyzeTopology(createTopology({ nodes: [{ id: "b", role: "verifier" }], edges }), { cycles: false });
    const custom = analyzeTopology(
      createTopology({ nodes: [{ id: "b", role: "verifier", guard: { residual: 0.25 } }], edges }),
      { cycles: false },
    );
    expect(plain.rhoEffective).toBe(1);
    expect(checked.rho).toBe(1);
    expect(checked.rhoEffective).toBeCloseTo(Math.sqrt(DEFAULT_GUARD_RESIDUAL), 12);
    expect(custom.rhoEffective).toBeCloseTo(0.5, 12);
    expect(analyzeTopology(createTopology({ nodes: [{ id: "b", role: "verifier" }], edges }), { guardResidual: 0.04 }).rhoEffective).toBeCloseTo(0.2, 12);
  });
});
