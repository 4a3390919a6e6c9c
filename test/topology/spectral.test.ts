import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology, type TopologyEdgeInput } from "../../src/index.js";

const quick = { cycles: false, guards: false } as const;
const rhoOf = (edges: TopologyEdgeInput[], nodes: string[] = []) =>
  analyzeTopology(createTopology({ nodes, edges }), quick).rho;

const cycle = (n: number, name = "c"): [string, string][] =>
  Array.from({ length: n }, (_, i) => [`${name}${i}`, `${name}${(i + 1) % n}`]);
const complete = (n: number): [string, string][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => [`k${i}`, `k${j}`] as [string, string]))
    .flat()
    .filter(([a, b]) => a !== b);
const star = (k: number, hub = "hub"): [string, string][] =>
  Array.from({ length: k }, (_, i) => [
    [hub, `${hub}-w${i}`],
    [`${hub}-w${i}`, hub],
  ] as [string, string][]).flat();

/**
 * Independent reference: for a non-negative A, λI − A is a non-singular M-matrix (all
 * leading principal minors positive, i.e. Gaussian elimination without pivoting keeps
 * positive pivots) exactly when λ > ρ(A). Bisection on that predicate.
 */
function referenceRho(n: number, edges: [number, number][]): number {
  const above = (lambda: number) => {
    const a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? lambda : 0)));
    for (const [i, j] of edges) a[i]![j]! -= 1;
    for (let k = 0; k < n; k++) {
      const pivot = a[k]![k]!;
      if (!(pivot > 0)) return false;
      for (let i = k + 1; i < n; i++) {
        const f = a[i]![k]! / pivot;
        for (let j = k; j < n; j++) a[i]![j]! -= f * a[k]![j]!;
      }
    }
    return true;
  };
  let lo = 0;
  let hi = n + 1;
  for (let it = 0; it < 200 && hi - lo > 1e-13; it++) {
    const mid = (lo + hi) / 2;
    if (above(mid)) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

describe("spectral radius closed forms", () => {
  it("gives 0 for a DAG, however long, and says it is nilpotent", () => {
    const path = Array.from({ length: 10_000 }, (_, i) => [`p${i}`, `p${i + 1}`] as [string, string]);
    const report = analyzeTopology(createTopology({ edges: path }), quick);
    expect(report.rho).toBe(0);
    expect(report.verdict).toBe("sub-threshold");
    expect(report.findings.find((f) => f.code === "ACYCLIC")?.message).toMatch(/nilpotent/);
    expect(rhoOf([["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"]])).toBe(0);
  });

  it("gives exactly 1 for a directed cycle of any length", () => {
    for (const n of [2, 3, 7, 48, 49, 500, 10_000]) expect(rhoOf(cycle(n))).toBeCloseTo(1, 12);
  });

  it("gives n − 1 for a complete digraph without self-loops", () => {
    for (const n of [2, 3, 5, 8, 30, 60]) expect(Math.abs(rhoOf(complete(n)) - (n - 1))).toBeLessThan(1e-9);
  });

  it("gives √k for a supervisor with k workers linked both ways", () => {
    for (const k of [1, 2, 3, 4, 9, 47, 100, 400]) {
      expect(Math.abs(rhoOf(star(k)) - Math.sqrt(k))).toBeLessThan(1e-9 * Math.sqrt(k));
    }
  });

  it("gives 1 for a lone self-loop", () => {
    expect(rhoOf([["a", "a"]])).toBe(1);
  });

  it("gives the maximum over the parts of a disconnected union", () => {
    const edges = [...cycle(5, "x"), ...star(9, "s"), ...complete(3), ["lone", "lone"] as [string, string]];
    expect(Math.abs(rhoOf(edges) - 3)).toBeLessThan(1e-9);
    const report = analyzeTopology(createTopology({ edges }), quick);
    expect(report.components.map((c) => Math.round(c.rho * 1e6) / 1e6)).toEqual([3, 2, 1, 1]);
  });

  it("converges on periodic components (bipartite, cycles with chords of equal period)", () => {
    // Two 4-cycles sharing an edge: period 2 as well as the bipartite star above.
    const edges: [string, string][] = [...cycle(4, "q"), ["q2", "q3"], ["q3", "z"], ["z", "q0"], ["q0", "q1"]];
    const n = 5;
    const ids = ["q0", "q1", "q2", "q3", "z"];
    const idx = (s: string) => ids.indexOf(s);
    const unique = [...new Set(edges.map(([a, b]) => `${a} ${b}`))].map((e) => e.split(" ") as [string, string]);
    expect(Math.abs(rhoOf(edges) - referenceRho(n, unique.map(([a, b]) => [idx(a), idx(b)])))).toBeLessThan(1e-9);
  });

  it("matches an independent eigenvalue solver to 1e-9 on random small digraphs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), {
              maxLength: n * n,
              selector: ([a, b]) => `${a},${b}`,
            }),
          ),
        ),
        ([n, edges]) => {
          const nodes = Array.from({ length: n }, (_, i) => `v${i}`);
          const rho = rhoOf(edges.map(([a, b]) => [`v${a}`, `v${b}`]), nodes);
          expect(Math.abs(rho - referenceRho(n, edges))).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("components and seeds", () => {
  it("reports the Tarjan components of a long cycle without overflowing the stack", () => {
    const report = analyzeTopology(createTopology({ edges: cycle(10_000) }), quick);
    expect(report.components).toHaveLength(1);
    expect(report.components[0]!.nodes).toHaveLength(10_000);
    expect(report.componentCount).toBe(1);
  });

  it("ranks the hub of a star as the most dangerous seed, leaves at 1/√k of it", () => {
    const report = analyzeTopology(createTopology({ edges: star(4) }), quick);
    expect(report.seeds[0]).toEqual({ node: "hub", score: 1, reach: 5 });
    expect(report.seeds[1]!.score).toBeCloseTo(0.5, 9);
    expect(report.findings.find((f) => f.code === "DANGEROUS_SEED")?.node).toBe("hub");
  });

  it("scores nodes upstream of a cycle and leaves downstream nodes at zero", () => {
    const report = analyzeTopology(
      createTopology({ edges: [["in", "a"], ["a", "b"], ["b", "a"], ["b", "out"]] }),
      { ...quick, seeds: 10 },
    );
    const score = Object.fromEntries(report.seeds.map((s) => [s.node, s.score]));
    expect(score).toEqual({ a: 1, b: 1, in: 1 });
    expect(report.seeds.map((s) => s.node)).not.toContain("out");
  });

  it("ranks DAG nodes by reach, since nothing grows", () => {
    const report = analyzeTopology(createTopology({ edges: [["a", "b"], ["b", "c"], ["x", "c"]] }), quick);
    expect(report.seeds.map((s) => [s.node, s.score, s.reach])).toEqual([
      ["a", 0, 2],
      ["b", 0, 1],
      ["x", 0, 1],
    ]);
  });
});
