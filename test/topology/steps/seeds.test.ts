/** The analysis's seeds step (src/topology/seeds.ts). */
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../../src/topology/analysis-settings.js";
import { solveCascade } from "../../../src/topology/cascade.js";
import { rankSeeds } from "../../../src/topology/seeds.js";
import { indexed, star } from "../support/indexed.js";

function seeds(input: Parameters<typeof indexed>[0], count = 5) {
  const { g } = indexed(input);
  return rankSeeds(g, solveCascade(g, resolveSettings({})), count);
}

describe("seeds step", () => {
  it("ranks a star's hub first (largest principal-eigenvector entry) and names it in DANGEROUS_SEED", () => {
    const out = seeds(star(4), 3);
    expect(out.seeds).toHaveLength(3);
    expect(out.seeds[0]).toMatchObject({ node: "hub", score: 1, reach: 5 });
    expect(out.seeds[1]!.score).toBeCloseTo(0.5, 12); // a worker's entry is 1/√k of the hub's
    expect(out.findings).toMatchObject([{ code: "DANGEROUS_SEED", node: "hub" }]);
  });

  it("ranks by reach (other nodes reached) on a DAG, ties by id, with score 0 and no finding", () => {
    const out = seeds({ edges: [["a", "b"], ["b", "c"], ["x", "c"]] }, 2);
    expect(out.seeds).toEqual([
      { node: "a", score: 0, reach: 2 },
      { node: "b", score: 0, reach: 1 },
    ]);
    expect(out.findings).toEqual([]);
  });

  it("returns nothing when asked for 0 seeds", () => {
    expect(seeds(star(2), 0)).toEqual({ seeds: [], findings: [] });
  });
});
