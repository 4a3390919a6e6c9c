/** Attack: "analyze* never throws" on hostile inputs and options. */
import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology } from "../../../src/index.js";

describe("attack: analyzeTopology never throws", () => {
  const inputs: unknown[] = [null, undefined, 42, "graph", {}, { nodes: {} }, { builder: null }, [], () => 1, new Proxy({}, { get() { throw new Error("trap"); } })];
  inputs.forEach((input, i) => {
    it(`junk input #${i}`, () => {
      expect(() => analyzeTopology(input)).not.toThrow();
      const r = analyzeTopology(input);
      expect(r.ok).toBe(false);
    });
  });
  // Issue 14 changed the contract for options (not graphs): a hostile option is rejected up front
  // with an InvalidOptionsError naming it; it never crashes the analysis or is silently replaced.
  it("hostile options (NaN β, negative δ, residual > 1, negative guards.max, negative depth, 1e9 seeds) are rejected by name", () => {
    const topo = createTopology({ edges: [["a", "b"], ["b", "a"]] });
    const opts: [any, string][] = [[{ beta: NaN }, "beta"], [{ delta: -1 }, "delta"], [{ guardResidual: 5 }, "guardResidual"], [{ guards: { max: -3 } }, "guards.max"], [{ maxRelayDepth: -1 }, "maxRelayDepth"], [{ seeds: 1e9 }, "seeds"]];
    for (const [o, name] of opts) {
      expect(() => analyzeTopology(topo, o), JSON.stringify(o)).toThrow(expect.objectContaining({ code: "INVALID_OPTIONS", option: name }));
    }
    // Limits of 0 are in range: the analysis runs.
    expect(() => analyzeTopology(topo, { cycles: { limit: 0, workLimit: 0 } })).not.toThrow();
  });
});
