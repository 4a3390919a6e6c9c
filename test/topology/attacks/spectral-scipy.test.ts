/**
 * Attack: "ρ agrees with SciPy" — random and periodic graphs, compared with numpy/scipy
 * computed in this run (python3, bounded by a timeout).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology } from "../../../src/index.js";

type Case = { name: string; n: number; edges: Array<[number, number]> };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

function cases(): Case[] {
  const out: Case[] = [];
  const r = rng(12345);
  for (let t = 0; t < 12; t++) {
    const n = 5 + Math.floor(r() * 60);
    const p = 1.5 / n + r() * (3 / n);
    const edges: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && r() < p) edges.push([i, j]);
    out.push({ name: `random-${t}`, n, edges });
  }
  for (const n of [2, 3, 7, 50, 301]) out.push({ name: `ring-${n}`, n, edges: Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]) });
  // complete bipartite cycle K(a,b) both ways: ρ = √(ab)
  for (const [a, b] of [[2, 3], [4, 4], [1, 9]] as const) {
    const edges: Array<[number, number]> = [];
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) { edges.push([i, a + j]); edges.push([a + j, i]); }
    out.push({ name: `bipartite-${a}x${b}`, n: a + b, edges });
  }
  // sparse random bipartite (period 2)
  {
    const a = 20, b = 25, edges: Array<[number, number]> = [];
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) { if (r() < 0.12) edges.push([i, a + j]); if (r() < 0.12) edges.push([a + j, i]); }
    out.push({ name: "bipartite-sparse", n: a + b, edges });
  }
  // cycles of layers (period L), uneven layer sizes, random inter-layer edges
  for (const L of [3, 4, 8]) {
    const sizes = Array.from({ length: L }, () => 1 + Math.floor(r() * 5));
    const start: number[] = []; let n = 0; for (const s of sizes) { start.push(n); n += s; }
    const edges: Array<[number, number]> = [];
    for (let l = 0; l < L; l++) {
      const m = (l + 1) % L;
      for (let i = 0; i < sizes[l]!; i++) for (let j = 0; j < sizes[m]!; j++) if (r() < 0.6 || j === i % sizes[m]!) edges.push([start[l]! + i, start[m]! + j]);
    }
    out.push({ name: `layers-${L}`, n, edges });
  }
  // ring plus one chord: period gcd of cycle lengths
  for (const [n, from, to] of [[6, 0, 3], [10, 0, 5], [12, 3, 0], [9, 8, 2]] as const) {
    const edges = Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]);
    edges.push([from, to]);
    out.push({ name: `ring${n}+chord${from}-${to}`, n, edges });
  }
  // two disjoint components of different ρ, plus a self-loop node and a DAG tail
  out.push({ name: "mixed", n: 9, edges: [[0, 1], [1, 0], [0, 2], [2, 0], [0, 3], [3, 0], [4, 5], [5, 6], [6, 4], [7, 7], [6, 8], [8, 7]] });
  // self-loop inside an SCC
  out.push({ name: "selfloop-in-cycle", n: 3, edges: [[0, 1], [1, 2], [2, 0], [1, 1]] });
  // larger blocks (beyond any dense-solver cut-off): periodic layers, sparse bipartite, ring + chord
  {
    const L = 8, per = 90, edges: Array<[number, number]> = [];
    for (let l = 0; l < L; l++) for (let i = 0; i < per; i++) {
      const m = (l + 1) % L;
      edges.push([l * per + i, m * per + ((i * 7) % per)]);
      for (let k = 0; k < 2; k++) if (r() < 0.7) edges.push([l * per + i, m * per + Math.floor(r() * per)]);
    }
    out.push({ name: "layers-8-big", n: L * per, edges });
  }
  {
    const a = 300, b = 350, edges: Array<[number, number]> = [];
    for (let i = 0; i < a; i++) { edges.push([i, a + (i % b)]); for (let k = 0; k < 2; k++) edges.push([i, a + Math.floor(r() * b)]); }
    for (let j = 0; j < b; j++) { edges.push([a + j, j % a]); for (let k = 0; k < 2; k++) edges.push([a + j, Math.floor(r() * a)]); }
    out.push({ name: "bipartite-big", n: a + b, edges });
  }
  {
    const n = 500, edges = Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]);
    edges.push([0, 250]);
    out.push({ name: "ring500+chord", n, edges });
  }
  {
    const n = 800, edges: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) { const j = Math.floor(r() * n); if (j !== i) edges.push([i, j]); }
    out.push({ name: "random-big", n, edges });
  }
  return out;
}

function scipyRhos(cs: Case[]): number[] {
  const py = `
import sys, json, numpy as np
cs = json.load(sys.stdin)
out = []
for c in cs:
    A = np.zeros((c["n"], c["n"]))
    for i, j in c["edges"]:
        A[i, j] = 1.0
    out.append(float(max(abs(np.linalg.eigvals(A)))) if c["n"] else 0.0)
print(json.dumps(out))
`;
  const res = execFileSync("python3", ["-c", py], { input: JSON.stringify(cs), timeout: 30_000, env: { ...process.env, OPENBLAS_NUM_THREADS: "1" } });
  return JSON.parse(res.toString()) as number[];
}

describe("attack: ρ matches numpy/SciPy on random and periodic graphs", () => {
  const cs = cases();
  const expected = scipyRhos(cs);
  cs.forEach((c, idx) => {
    it(`${c.name} (n=${c.n}, m=${c.edges.length})`, () => {
      const topo = createTopology({ nodes: Array.from({ length: c.n }, (_, i) => `n${i}`), edges: c.edges.map(([a, b]) => [`n${a}`, `n${b}`] as const) });
      const rep = analyzeTopology(topo, { guards: false, cycles: false });
      const want = expected[idx]!;
      // numpy eigvals on defective/periodic matrices is accurate to ~1e-6 at worst; ours claims 1e-12
      expect(Math.abs(rep.rho - want)).toBeLessThan(1e-6 * Math.max(1, want));
      expect(rep.rhoBounds[0]).toBeLessThanOrEqual(rep.rho + 1e-9);
      expect(rep.rhoBounds[1]).toBeGreaterThanOrEqual(rep.rho - 1e-9);
    });
  });

  it("duplicate edges do not double A[i][j] (A is 0/1)", () => {
    const topo = createTopology({ edges: [["a", "b"], ["a", "b"], ["b", "a"], { source: "b", target: "a", kind: "conditional" }] });
    expect(analyzeTopology(topo, { guards: false }).rho).toBeCloseTo(1, 12);
  });
});
