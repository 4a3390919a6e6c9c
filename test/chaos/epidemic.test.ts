import { describe, expect, it } from "vitest";
import { simulateEpidemic } from "../../src/chaos/index.js";
import { createTopology, type Topology } from "../../src/topology/index.js";

function cycle(n: number): Topology {
  return createTopology({ edges: Array.from({ length: n }, (_, i) => [`n${i}`, `n${(i + 1) % n}`] as const) });
}
function complete(n: number): Topology {
  const edges: (readonly [string, string])[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) edges.push([`n${i}`, `n${j}`]);
  return createTopology({ edges });
}
function star(k: number): Topology {
  const edges: (readonly [string, string])[] = [];
  for (let i = 0; i < k; i++) edges.push(["hub", `w${i}`], [`w${i}`, "hub"]);
  return createTopology({ edges });
}

// Graphs with known ρ: C_n → 1, K_n → n − 1, bidirectional star with k leaves → √k.
const graphs: { name: string; topology: Topology; rho: number }[] = [
  { name: "directed cycle C_8", topology: cycle(8), rho: 1 },
  { name: "complete digraph K_6", topology: complete(6), rho: 5 },
  { name: "star with 9 workers", topology: star(9), rho: 3 },
];

describe("simulateEpidemic", () => {
  for (const { name, topology, rho } of graphs) {
    it(`dies out below the threshold and spreads above it on the ${name} (ρ = ${rho})`, () => {
      const delta = 0.4;
      const below = simulateEpidemic(topology, { beta: (0.5 * delta) / rho, delta, steps: 60, trials: 400, seed: 3 });
      const above = simulateEpidemic(topology, { beta: Math.min(1, (4 * delta) / rho), delta, steps: 60, trials: 400, seed: 3 });
      expect(below.rho).toBeCloseTo(rho, 9);
      expect(below.R).toBeCloseTo(0.5, 9);
      expect(below.verdict).toBe("sub-threshold");
      expect(below.extinction).toBeGreaterThan(0.97);
      expect(below.finalPrevalence).toBeLessThan(0.01);
      expect(above.verdict).toBe("epidemic");
      expect(above.extinction).toBeLessThan(0.5);
      expect(above.finalPrevalence).toBeGreaterThan(0.25);
      expect(above.attackRate).toBeGreaterThan(below.attackRate * 3);
    });
  }

  it("grows by 1 − δ + β·ρ in the first step where every node is the principal eigenvector", () => {
    // ρ(C₈) = 1 and ρ(K₆) = 5, known in closed form: growth 1 − 0.3 + 0.15·ρ.
    for (const [topology, rho] of [[cycle(8), 1], [complete(6), 5]] as const) {
      const run = simulateEpidemic(topology, { beta: 0.15, delta: 0.3, steps: 1, trials: 4000, seed: 11 });
      expect(run.predictedGrowth).toBeCloseTo(1 - 0.3 + 0.15 * rho, 9);
      // Monte Carlo standard error of the mean of 4000 draws is well under 0.05 here.
      expect(Math.abs(run.growth - (1 - 0.3 + 0.15 * rho))).toBeLessThan(0.05);
    }
  });

  it("follows the paper's mean-field recurrence at the start of the outbreak", () => {
    const run = simulateEpidemic(complete(6), { beta: 0.2, delta: 0.5, steps: 3, trials: 3000, seed: 5 });
    expect(run.meanField[0]).toBeCloseTo(1 / 6, 12);
    // One step is exact in expectation: (1 − δ)·1 + 5·β adopters out of 6.
    expect(run.meanField[1]).toBeCloseTo((0.5 + 5 * 0.2) / 6, 12);
    expect(Math.abs(run.prevalence[1]! - run.meanField[1]!)).toBeLessThan(0.02);
  });

  it("seeds the hub by default and infects more from the hub than from a leaf", () => {
    const topology = createTopology({
      edges: [
        ...Array.from({ length: 6 }, (_, i) => ["hub", `w${i}`] as const),
        ["w0", "hub"],
      ],
    });
    const hub = simulateEpidemic(topology, { beta: 0.5, delta: 0.5, steps: 10, trials: 500, seed: 2 });
    const leaf = simulateEpidemic(topology, { beta: 0.5, delta: 0.5, steps: 10, trials: 500, seed: 2, initial: "leaf" });
    expect(hub.initial).toEqual(["hub"]);
    expect(leaf.initial).toEqual(["w0"]);
    expect(hub.attackRate).toBeGreaterThan(leaf.attackRate);
  });

  it("is reproducible for a seed and differs between seeds", () => {
    const a = simulateEpidemic(star(4), { beta: 0.3, delta: 0.3, steps: 20, trials: 200, seed: 9, initial: "random" });
    const b = simulateEpidemic(star(4), { beta: 0.3, delta: 0.3, steps: 20, trials: 200, seed: 9, initial: "random" });
    const c = simulateEpidemic(star(4), { beta: 0.3, delta: 0.3, steps: 20, trials: 200, seed: 10, initial: "random" });
    expect(b).toEqual(a);
    expect(c.prevalence).not.toEqual(a.prevalence);
  });

  it("scales the β of a guarded producer by its residual, like analyzeTopology", () => {
    const guarded = createTopology({
      nodes: [{ id: "hub", guard: { residual: 0.1 } }],
      edges: Array.from({ length: 4 }, (_, i) => [["hub", `w${i}`] as const, [`w${i}`, "hub"] as const]).flat(),
    });
    const open = simulateEpidemic(star(4), { beta: 0.3, delta: 0.3, steps: 30, trials: 300 });
    const closed = simulateEpidemic(guarded, { beta: 0.3, delta: 0.3, steps: 30, trials: 300 });
    expect(open.verdict).toBe("epidemic");
    expect(closed.R).toBeLessThan(1);
    expect(closed.finalPrevalence).toBeLessThan(open.finalPrevalence / 5);
  });

  it("rejects a β outside [0, 1] and names an unknown seed node", () => {
    expect(() => simulateEpidemic(cycle(3), { beta: 1.5, delta: 0.5 })).toThrow(/beta received 1.5; allowed: a probability from 0 to 1/);
    expect(() => simulateEpidemic(cycle(3), { beta: 0.5, delta: 0.5, initial: ["nope"] })).toThrow(/"nope"/);
  });
});
