/**
 * Topology analysis against an anchor, in the same run: SciPy ARPACK `eigs` per strongly
 * connected component + networkx SCC on the same adjacency (bench/lib/anchor.py, python3,
 * one OpenBLAS thread). Figures are ratios (ours / anchor; ≤ 1 is at or under the anchor).
 *
 * - analysis: the default `analyzeTopology` (as `compileWithFirebreak` and `firebreak audit`
 *   run it): ρ per SCC, components, seeds, guard placement, relay depth, cycles (capped), tier;
 * - families at 1k, 10k and 100k nodes: random sparse, DAG-heavy, one giant SCC, and periodic
 *   graphs (a bipartite cycle, a ring of 8 layers), where plain power iteration oscillates;
 * - extraction: `extractTopology` of a StateGraph built with path maps (`addEdge` is quadratic
 *   in LangGraph itself), with the fitted growth exponent (1 = linear).
 *
 * The machine is shared: one python process serves the anchor, and runs alternate (ours, the
 * anchor's, ours, …) so that load hits both sides alike; medians are compared.
 */
import { Annotation, START, StateGraph } from "@langchain/langgraph";
import { anchorAvailable, startAnchor } from "./lib/anchor.js";
import { bipartiteCycle, dagHeavy, giantScc, layeredRing, randomSparse, ring, type EdgeList } from "./lib/graph-families.js";
import { median, printTable, sample } from "./lib/stats.js";
import { analyzeTopology, createTopology, extractTopology, type Topology } from "../src/topology/index.js";

/** Sizes; `TOPOLOGY_BENCH_SIZES=1000,10000` runs a subset. */
const SIZES: readonly number[] = process.env.TOPOLOGY_BENCH_SIZES?.split(",").map(Number).filter((n) => n > 0) ?? [1_000, 10_000, 100_000];
const FAMILIES: readonly [string, (n: number) => EdgeList][] = [
  ["random sparse", randomSparse],
  ["DAG-heavy", dagHeavy],
  ["giant SCC", giantScc],
  ["bipartite cycle", bipartiteCycle],
  ["ring of 8 layers", (n) => layeredRing(n, 8)],
];
// A plain ring (ρ = 1, a closed form) is timed after the table's families without the anchor:
// ARPACK cannot separate its n eigenvalues on the unit circle and runs to its iteration cap
// (27 s at 1k nodes, and a wrong ρ), so ours is checked against the closed form instead.
const runsFor = (n: number) => (n <= 1_000 ? 15 : n <= 10_000 ? 7 : 3);

function topologyOf(graph: EdgeList): Topology {
  const edges: [string, string][] = graph.src.map((s, k) => [`n${s}`, `n${graph.dst[k]}`]);
  return createTopology({ nodes: Array.from({ length: graph.n }, (_, i) => `n${i}`), edges });
}

const withAnchor = anchorAvailable();
if (!withAnchor) console.log("python3 with numpy, scipy and networkx not found: anchor columns left empty.");

const rows: Record<string, string | number>[] = [];
let worst = 0;
const anchorProcess = withAnchor ? startAnchor() : undefined;
for (const [family, make] of FAMILIES) {
  for (const n of SIZES) {
    const graph = make(n);
    const topology = topologyOf(graph);
    const runs = runsFor(n);
    const report = analyzeTopology(topology);
    // Warm the JIT (the anchor's interpreter needs no warming): small graphs finish before V8 optimises.
    await sample(() => analyzeTopology(topology), { runs: n <= 10_000 ? runs : 1, warmup: 0 });
    const oursMs: number[] = [];
    const anchorMs: number[] = [];
    let anchorRho = Number.NaN;
    for (let r = 0; r < runs; r++) {
      oursMs.push(...(await sample(() => analyzeTopology(topology), { runs: 1, warmup: 0 })));
      if (!anchorProcess) continue;
      const a = await anchorProcess.run(graph, 1);
      anchorMs.push(...a.ms);
      anchorRho = a.rho;
    }
    const ours = median(oursMs);
    const anchor = anchorMs.length > 0 ? median(anchorMs) : Number.NaN;
    const ratio = ours / anchor;
    if (Number.isFinite(ratio)) worst = Math.max(worst, ratio);
    const row = {
      family,
      nodes: graph.n,
      edges: graph.src.length,
      "ρ ours": report.rho.toFixed(6),
      "|Δρ| vs SciPy": Number.isFinite(anchorRho) ? Math.abs(report.rho - anchorRho).toExponential(1) : "-",
      converged: report.converged ? "yes" : "NO",
      guards: report.guards?.recommended.length ?? 0,
      "ours ms": ours,
      "anchor ms": Number.isFinite(anchor) ? anchor : "-",
      "ours / anchor": Number.isFinite(ratio) ? `${ratio.toFixed(2)}×${ratio <= 1 ? "" : "  OVER"}` : "-",
    };
    rows.push(row);
    // Progress, one line per graph (the table follows at the end).
    console.error(Object.values(row).join(" | "));
  }
}
anchorProcess?.close();
for (const n of SIZES) {
  const topology = topologyOf(ring(n));
  const report = analyzeTopology(topology);
  await sample(() => analyzeTopology(topology), { runs: n <= 10_000 ? runsFor(n) : 1, warmup: 0 });
  const ours = median(await sample(() => analyzeTopology(topology), { runs: runsFor(n), warmup: 0 }));
  const row = {
    family: "plain ring",
    nodes: n,
    edges: n,
    "ρ ours": report.rho.toFixed(6),
    "|Δρ| vs SciPy": `${Math.abs(report.rho - 1).toExponential(1)} (vs closed form 1)`,
    converged: report.converged ? "yes" : "NO",
    guards: report.guards?.recommended.length ?? 0,
    "ours ms": ours,
    "anchor ms": "no answer (ARPACK)",
    "ours / anchor": "-",
  };
  rows.push(row);
  console.error(Object.values(row).join(" | "));
}
printTable("Default analyzeTopology (guard placement — relay cuts and the cascade — and capped cycles included) vs SciPy eigs + networkx SCC, same adjacency", rows);
if (withAnchor) console.log(`\nWorst ratio: ${worst.toFixed(2)}× (≤ 1 means at or under the anchor on every family and size)`);

// Extraction from a real StateGraph, built with path maps (linear), timed alone.
const State = Annotation.Root({ v: Annotation<number> });
function builderOf(graph: EdgeList) {
  const out: number[][] = Array.from({ length: graph.n }, () => []);
  graph.src.forEach((s, k) => out[s]!.push(graph.dst[k]!));
  const b = new StateGraph(State) as unknown as StateGraph<typeof State.spec, any, any, string>;
  for (let i = 0; i < graph.n; i++) b.addNode(`n${i}`, () => ({}));
  b.addEdge(START, "n0");
  for (let i = 0; i < graph.n; i++) {
    const targets = out[i]!.map((j) => `n${j}`);
    if (targets.length > 0) b.addConditionalEdges(`n${i}`, () => targets[0]!, targets);
  }
  return b;
}
const extraction: { m: number; t: number }[] = [];
const extractRows: Record<string, string | number>[] = [];
for (const n of SIZES) {
  const builder = builderOf(giantScc(n));
  const ms = median(await sample(() => extractTopology(builder), { runs: runsFor(n), warmup: 1 }));
  const m = extractTopology(builder).edges.length;
  extraction.push({ m, t: ms });
  extractRows.push({ nodes: n, edges: m, "extractTopology ms": ms, "µs per edge": (ms * 1000) / m });
}
printTable("Extraction from a StateGraph (giant SCC family, path maps)", extractRows);
const pts = extraction.map(({ m, t }) => [Math.log(m), Math.log(t)] as const);
const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
const slope = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
console.log(`\nFitted growth exponent of extraction time vs edges (1k–100k nodes): ${slope.toFixed(2)} (1 = linear)`);
