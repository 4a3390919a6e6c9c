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
  it("hostile options (NaN β, negative δ, residual > 1, cycles limit 0)", () => {
    const topo = createTopology({ edges: [["a", "b"], ["b", "a"]] });
    const opts: any[] = [{ beta: NaN }, { delta: -1 }, { guardResidual: 5 }, { cycles: { limit: 0, workLimit: 0 } }, { guards: { max: -3 } }, { maxRelayDepth: -1 }, { seeds: 1e9 }];
    for (const o of opts) expect(() => analyzeTopology(topo, o), JSON.stringify(o)).not.toThrow();
  });
});
