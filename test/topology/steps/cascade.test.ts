/** The analysis's cascade step (src/topology/cascade.ts): ρ, ρ_eff, R and the verdict, and their findings. */
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../../src/topology/analysis-settings.js";
import { cascadeFindings, solveCascade } from "../../../src/topology/cascade.js";
import { indexed, star } from "../support/indexed.js";

const loop = { edges: [["a", "b"], ["b", "a"], ["b", "__end__"]] } as const;

describe("cascade step", () => {
  it("gives a DAG ρ = 0, R = 0 and an ACYCLIC note", () => {
    const { g } = indexed({ edges: [["a", "b"], ["b", "c"]] });
    const s = resolveSettings({});
    const c = solveCascade(g, s);
    expect([c.plain.rho, c.R, c.verdict]).toEqual([0, 0, "sub-threshold"]);
    expect(cascadeFindings(c, s, undefined, 0, {}).map((f) => f.code)).toEqual(["ACYCLIC"]);
  });

  it("computes R = β·ρ_eff/δ and calls the verdict at, below and above 1", () => {
    const { g } = indexed(loop);
    const at = solveCascade(g, resolveSettings({}));
    expect([at.plain.rho, at.R, at.verdict]).toEqual([1, 1, "at-threshold"]);
    expect(solveCascade(g, resolveSettings({ beta: 0.3 })).verdict).toBe("sub-threshold");
    const hot = solveCascade(g, resolveSettings({ beta: 0.6, delta: 0.4 }));
    expect(hot.R).toBeCloseTo(1.5, 12);
    expect(hot.verdict).toBe("epidemic");
  });

  it("scales a verifier's out-edges by the residual: ρ stays, ρ_eff falls", () => {
    const { g } = indexed({ nodes: [{ id: "b", role: "verifier" }], edges: loop.edges });
    const c = solveCascade(g, resolveSettings({ guardResidual: 0.25 }));
    expect(c.plain.rho).toBe(1);
    expect(c.effective.rho).toBeCloseTo(0.5, 12); // √(1 · 0.25)
    expect(c.weights.guarded[g.index.get("b")!]).toBe(1);
  });

  it("makes EPIDEMIC an error only with failOnEpidemic, and RHO_EXCEEDED an error above maxRho", () => {
    const { g } = indexed(star(4));
    const s = resolveSettings({});
    const c = solveCascade(g, s);
    expect(c.plain.rho).toBeCloseTo(2, 12);
    const codes = (options: { failOnEpidemic?: boolean; maxRho?: number }) =>
      cascadeFindings(c, s, ["hub"], 1, options).map((f) => `${f.code}:${f.severity}`);
    expect(codes({})).toEqual(["CYCLIC:info", "EPIDEMIC:warning"]);
    expect(codes({ failOnEpidemic: true, maxRho: 1.5 })).toEqual(["CYCLIC:info", "EPIDEMIC:error", "RHO_EXCEEDED:error"]);
  });
});
