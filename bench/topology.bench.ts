/**
 * Topology analysis on generated sparse digraphs of 10 to 10,000 nodes: a ring through every
 * node (so LangGraph sees every node reachable, and the graph is one big cycle) plus 0–4
 * random chords per node, about 3 edges per node in all. Out-degrees vary, so ρ is not
 * handed over by a regular graph.
 *
 * - analysis: ρ per SCC, components, seeds (principal eigenvector), relay depth, tier, findings
 *   (`analyzeTopology` with cycle enumeration and guard placement off);
 * - cycles: Johnson's enumeration, capped at 1,000 cycles counted;
 * - guards: greedy placement alone (up to 25 picks);
 * - baseline: plain LangGraph `StateGraph.compile()` of the same graph, against
 *   `compileWithFirebreak` (compile + extraction + full analysis), up to 1,000 nodes.
 *
 * Reference on this machine (issue 6): SciPy ARPACK `eigs` + networkx SCC ≈ 7 ms at 1,000
 * nodes and ≈ 110 ms at 10,000. Targets: ≤ 10 ms and ≤ 100 ms, growth near-linear in edges.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { median, printTable, sample } from "./lib/stats.js";
import {
  analyzeTopology,
  compileWithFirebreak,
  createTopology,
  findCycles,
  type Topology,
} from "../src/topology/index.js";

const SIZES = [10, 100, 1_000, 10_000] as const;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generate(n: number): { topology: Topology; edges: [string, string][] } {
  const next = random(n * 7919);
  const edges: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set<number>([(i + 1) % n]);
    const chords = Math.floor(next() * 5);
    for (let k = 0; k < chords; k++) {
      const j = Math.floor(next() * n);
      if (j !== i) seen.add(j);
    }
    for (const j of seen) edges.push([`n${i}`, `n${j}`]);
  }
  edges.push(["__start__", "n0"], [`n${n - 1}`, "__end__"]);
  return { topology: createTopology({ edges }), edges };
}

const runsFor = (n: number) => (n <= 100 ? 200 : n <= 1_000 ? 60 : 15);

const rows: Record<string, string | number>[] = [];
const cycleRows: Record<string, string | number>[] = [];
const fit: { m: number; t: number; best: number }[] = [];
for (const n of SIZES) {
  const { topology } = generate(n);
  const m = topology.edges.length;
  const analysisOptions = { cycles: false, guards: false } as const;
  const first = analyzeTopology(topology, analysisOptions);
  const analysisRuns = await sample(() => analyzeTopology(topology, analysisOptions), { runs: runsFor(n) });
  const analysis = median(analysisRuns);
  const best = Math.min(...analysisRuns);
  const cycles = median(await sample(() => findCycles(topology, { limit: 50, countLimit: 1_000 }), { runs: Math.max(5, runsFor(n) / 3) }));
  const guards = median(
    await sample(() => analyzeTopology(topology, { cycles: false, guards: { max: 25 } }), { runs: Math.max(3, runsFor(n) / 10) }),
  );
  const target = n === 1_000 ? 10 : n === 10_000 ? 100 : undefined;
  rows.push({
    nodes: n,
    edges: m,
    "ρ(A)": first.rho.toFixed(4),
    "largest SCC": Math.max(...first.components.map((c) => c.nodes.length)),
    "analysis ms (median)": analysis,
    "min ms": best,
    target: target === undefined ? "-" : `≤ ${target} ms ${analysis <= target ? "ok" : "MISSED"}`,
    "guards ms (incl. analysis)": guards,
  });
  cycleRows.push({ nodes: n, edges: m, "cycles ms (median, cap 1,000)": cycles, counted: findCycles(topology, { countLimit: 1_000 }).count });
  fit.push({ m, t: analysis, best });
}
printTable("Topology analysis: ρ, components, seeds, relay depth (cycles and guards off)", rows);
printTable("Cycle enumeration (Johnson), reported separately", cycleRows);

// Growth exponent: least squares of log(time) on log(edges) over the three largest sizes
// (the smallest graph is dominated by constant overhead). On a shared, loaded machine the
// median includes pre-emption (a time slice is several ms), so the exponent of the minimum
// is printed too.
function exponent(points: readonly { m: number; t: number }[]): number {
  const pts = points.map(({ m, t }) => [Math.log(m), Math.log(t)] as const);
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  return pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
}
const larger = fit.slice(1);
console.log(
  `\nFitted growth exponent of analysis time vs edges (100–10,000 nodes): median ${exponent(larger).toFixed(2)}, ` +
    `minimum ${exponent(larger.map(({ m, best }) => ({ m, t: best }))).toFixed(2)} (1 = linear)`,
);

// Baseline: plain LangGraph compile() vs compileWithFirebreak on the same graph.
const State = Annotation.Root({ v: Annotation<number> });
function builderFor(edges: [string, string][]) {
  const b = new StateGraph(State) as unknown as StateGraph<typeof State.spec, any, any, string>;
  const nodes = new Set(edges.flat().filter((x) => x !== "__start__" && x !== "__end__"));
  for (const id of nodes) b.addNode(id, () => ({}));
  for (const [a, c] of edges) b.addEdge(a === "__start__" ? START : a, c === "__end__" ? END : c);
  return b;
}
const baseRows: Record<string, string | number>[] = [];
for (const n of [10, 100, 1_000]) {
  const { edges } = generate(n);
  const runs = n <= 100 ? 40 : 10;
  const plain = median(await sample(() => builderFor(edges).compile(), { runs }));
  const checked = median(
    await sample(
      () => {
        try {
          compileWithFirebreak(builderFor(edges), { maxRelayDepth: 1e9, cycles: { countLimit: 1_000 } });
        } catch {
          // Random graphs fail the relay rule; the cost is what is measured.
        }
      },
      { runs },
    ),
  );
  baseRows.push({
    nodes: n,
    "compile() ms": plain,
    "compileWithFirebreak ms": checked,
    ratio: `${(checked / plain).toFixed(2)}×`,
  });
}
printTable("Baseline: LangGraph compile() vs compileWithFirebreak (builder construction included in both)", baseRows);
