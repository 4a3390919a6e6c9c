/** The analysis's components step (src/topology/component-report.ts). */
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../../src/topology/analysis-settings.js";
import { solveCascade } from "../../../src/topology/cascade.js";
import { componentRhoOf, describeComponents } from "../../../src/topology/component-report.js";
import { indexed, star } from "../support/indexed.js";

function components(input: Parameters<typeof indexed>[0]) {
  const { topology, g } = indexed(input);
  return describeComponents(g, topology.exits, solveCascade(g, resolveSettings({})));
}

describe("components step", () => {
  it("lists cyclic components highest ρ first, with ρ, ρ_eff, guard and exit", () => {
    const out = components({
      nodes: [{ id: "v", role: "verifier" }],
      edges: [...star(4).edges, ["x", "v"], ["v", "x"], ["__start__", "x"]],
    });
    expect(out.components.map((c) => [c.nodes.length, c.guarded, c.hasExit])).toEqual([
      [5, false, true],
      [2, true, false],
    ]);
    expect(out.components[0]!.rho).toBeCloseTo(2, 12);
    expect(out.components[1]!.rhoEffective).toBeLessThan(out.components[1]!.rho);
    expect(out.unguarded).toEqual([out.components[0]!.nodes]);
  });

  it("warns CYCLE_WITHOUT_EXIT for a loop the run cannot leave, naming its nodes", () => {
    const out = components({ edges: [["__start__", "a"], ["a", "b"], ["b", "a"]] });
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ code: "CYCLE_WITHOUT_EXIT", severity: "warning", path: ["a", "b"] });
  });

  it("finds nothing on a DAG", () => {
    expect(components({ edges: [["a", "b"], ["b", "__end__"]] })).toEqual({ components: [], unguarded: [], findings: [] });
  });

  it("looks up a hub's component ρ, a subgraph's inner nodes counting as the hub", () => {
    const rhoOf = componentRhoOf([{ nodes: ["team:lead", "team:a"], rho: 1.5, rhoEffective: 1.5, guarded: false, hasExit: true }]);
    expect(rhoOf("team")).toBe(1.5);
    expect(rhoOf("team:lead")).toBe(1.5);
    expect(rhoOf("tea")).toBeUndefined();
  });
});
