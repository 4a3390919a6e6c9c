import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology } from "../../src/index.js";
import { indexTopology } from "../../src/topology/graph-index.js";
import { graphComponents } from "../../src/topology/spectrum.js";
import { buildBlock, perron } from "../../src/topology/spectral.js";

/** A ring of layers, every node of layer l feeding every node of layer l + 1 (period = layers). */
function layeredRing(widths: readonly number[]): [string, string][] {
  const edges: [string, string][] = [];
  widths.forEach((w, l) => {
    const next = (l + 1) % widths.length;
    for (let i = 0; i < w; i++) for (let j = 0; j < widths[next]!; j++) edges.push([`l${l}n${i}`, `l${next}n${j}`]);
  });
  return edges;
}

/** The one irreducible block of a strongly connected topology. */
function blockOf(edges: [string, string][]) {
  const g = indexTopology(createTopology({ edges }));
  const comps = graphComponents(g, null);
  expect(comps.count).toBe(1);
  return buildBlock(g, comps, 0, null, new Int32Array(g.n));
}

describe("periodic blocks: p eigenvalues on the circle |λ| = ρ", () => {
  it.each([
    [[30, 40]],
    [[20, 30, 10, 15]],
    [[7, 9, 11, 13, 5, 8, 6, 10]],
  ])("a ring of layers with widths %j has ρ = (Π widths)^(1/p), solved on Bᵖ, with a true Perron vector", (widths) => {
    const b = blockOf(layeredRing(widths));
    const result = perron(b);
    const expected = Math.pow(widths.reduce((a, w) => a * w, 1), 1 / widths.length);
    expect(result.method).toBe("periodic");
    expect(result.converged).toBe(true);
    expect(result.rho).toBeCloseTo(expected, 9);
    expect(result.lo).toBeLessThanOrEqual(expected * (1 + 1e-12));
    expect(result.hi).toBeGreaterThanOrEqual(expected * (1 - 1e-12));
    // B·u = ρ·u, entry by entry.
    const u = result.vector;
    for (let i = 0; i < b.members.length; i++) {
      let s = 0;
      for (let q = b.rowStart[i]!; q < b.rowStart[i + 1]!; q++) s += b.w[q]! * u[b.col[q]!]!;
      expect(s).toBeCloseTo(result.rho * u[i]!, 6);
    }
  });

  it("an aperiodic block (one chord closing an odd cycle) keeps the shifted power iteration", () => {
    const edges = [...layeredRing([30, 40]), ["l0n0", "l0n1"] as [string, string]];
    expect(perron(blockOf(edges)).method).toBe("power");
  });

  it("guard placement on a periodic graph ends with an exact R and names nodes of the graph", () => {
    const report = analyzeTopology(createTopology({ edges: layeredRing([20, 30, 10, 15]) }), { cycles: false });
    expect(report.converged).toBe(true);
    expect(report.guards!.recommended.length).toBeGreaterThan(0);
    for (const rec of report.guards!.recommended) expect(rec.node).toMatch(/^l\dn\d+$/);
  });
});
