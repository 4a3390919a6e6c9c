/** Internal: the cyclic components of a report, and which of them the run can leave. */
import { short, type Cascade } from "./cascade.js";
import { finding, type TopologyFinding } from "./findings.js";
import type { IndexedGraph } from "./graph-index.js";
import type { Spectrum } from "./spectrum.js";

/** One cyclic strongly connected component. */
export interface ComponentReport {
  /** Member node ids. */
  readonly nodes: readonly string[];
  /** ρ of the component alone (unweighted). */
  readonly rho: number;
  /** ρ with guard residuals applied. */
  readonly rhoEffective: number;
  /** Whether a guard, verifier or human node sits in it. */
  readonly guarded: boolean;
  /** Whether the run can leave it and reach `__end__`. */
  readonly hasExit: boolean;
}

/** Cyclic components (highest ρ first), the unguarded ones, and CYCLE_WITHOUT_EXIT findings. */
export function describeComponents(
  g: IndexedGraph,
  exits: readonly string[],
  c: Cascade,
): { components: ComponentReport[]; unguarded: string[][]; findings: TopologyFinding[] } {
  const canExit = reachesEnd(g, exits);
  const components: ComponentReport[] = [];
  const unguarded: string[][] = [];
  const findings: TopologyFinding[] = [];
  const { guarded: isGuarded } = c.weights;
  for (const solved of c.plain.blocks.values()) {
    const members = Array.from(solved.block.members).sort((a, b) => a - b);
    const guarded = members.some((i) => isGuarded[i] === 1);
    const report: ComponentReport = {
      nodes: members.map((i) => g.ids[i]!),
      rho: solved.result.rho,
      rhoEffective: c.effective === c.plain ? solved.result.rho : maxRhoOver(c.effective, members),
      guarded,
      hasExit: members.some((i) => canExit[i] === 1),
    };
    components.push(report);
    if (!guarded) unguarded.push([...report.nodes]);
    if (!report.hasExit) {
      findings.push(
        finding(
          "CYCLE_WITHOUT_EXIT",
          "warning",
          `The loop {${short(report.nodes)}} has no way out to __end__: it only stops at the recursion limit.`,
          "Add a conditional edge from one of its nodes to END (with a path map), or a counter that routes out.",
          { path: report.nodes },
        ),
      );
    }
  }
  components.sort((a, b) => b.rho - a.rho || b.nodes.length - a.nodes.length);
  return { components, unguarded, findings };
}

function maxRhoOver(s: Spectrum, members: number[]): number {
  let best = 0;
  const seen = new Set<number>();
  for (const i of members) {
    const c = s.components.comp[i]!;
    if (seen.has(c)) continue;
    seen.add(c);
    const r = s.blocks.get(c)?.result.rho ?? 0;
    if (r > best) best = r;
  }
  return best;
}

/** 1 for nodes from which some exit (a node handing over to `__end__`) is reachable. */
function reachesEnd(g: IndexedGraph, exits: readonly string[]): Uint8Array {
  const ok = new Uint8Array(g.n);
  const queue: number[] = [];
  for (const id of exits) {
    const i = g.index.get(id);
    if (i !== undefined && !ok[i]) {
      ok[i] = 1;
      queue.push(i);
    }
  }
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]!;
    for (let p = g.inStart[v]!; p < g.inStart[v + 1]!; p++) {
      const u = g.inSource[p]!;
      if (!ok[u]) {
        ok[u] = 1;
        queue.push(u);
      }
    }
  }
  return ok;
}

/** ρ of the cyclic component holding `hub` (or a node of its subgraph, `hub:…`), if any. */
export function componentRhoOf(components: readonly ComponentReport[]): (hub: string) => number | undefined {
  return (hub) => components.find((c) => c.nodes.some((id) => id === hub || id.startsWith(`${hub}:`)))?.rho;
}
