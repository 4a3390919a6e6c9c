/**
 * Recognises the supervisor–worker pattern: a hub with k workers, each linked to the hub
 * both ways and to nothing else in their loop. That bidirectional star has ρ = √k exactly
 * (A² restricted to the hub is k), so "workers report back to the supervisor" is a cycle
 * whose amplification grows with the number of workers. Subgraphs are collapsed to their
 * top-level node first, so a supervisor built from ReAct agents is still recognised.
 */
import type { IndexedGraph } from "./graph-index.js";
import { stronglyConnectedComponents, type Components } from "./scc.js";

/** A recognised supervisor–worker star. */
export interface SupervisorWorkerPattern {
  readonly kind: "supervisor-worker";
  /** The hub (top-level name). */
  readonly hub: string;
  /** The workers (top-level names). */
  readonly workers: readonly string[];
  /** Number of workers. */
  readonly k: number;
  /** ρ of the bare star: √k. */
  readonly rhoClosedForm: number;
}

/**
 * Finds bidirectional stars with at least two workers among the top-level nodes.
 * `components` (of `g` itself) is reused when no subgraph was expanded.
 */
export function findSupervisorWorker(g: IndexedGraph, components?: Components): SupervisorWorkerPattern[] {
  const collapsed = g.ids.some((id) => id.includes(":"));
  const { n, outStart, outTarget, names, selfLoop } = collapsed ? collapse(g) : {
    n: g.n,
    outStart: g.outStart,
    outTarget: g.outTarget,
    names: g.ids,
    selfLoop: g.selfLoop,
  };
  const comps = !collapsed && components ? components : stronglyConnectedComponents(n, outStart, outTarget);
  const patterns: SupervisorWorkerPattern[] = [];
  const degree = new Int32Array(n);
  for (let c = 0; c < comps.count; c++) {
    const size = comps.start[c + 1]! - comps.start[c]!;
    if (size < 3) continue;
    const members = comps.members.subarray(comps.start[c]!, comps.start[c + 1]!);
    let edges = 0;
    for (const a of members) {
      let d = 0;
      for (let e = outStart[a]!; e < outStart[a + 1]!; e++) if (comps.comp[outTarget[e]!] === c) d++;
      degree[a] = d;
      edges += d;
    }
    // A star on `size` nodes has exactly 2·(size − 1) edges: hub → each worker and back.
    if (edges !== 2 * (size - 1)) continue;
    let hub = members[0]!;
    for (const a of members) if (degree[a]! > degree[hub]!) hub = a;
    if (degree[hub] !== size - 1 || selfLoop[hub]) continue;
    const workers = Array.from(members).filter((a) => a !== hub);
    if (!workers.every((w) => degree[w] === 1 && !selfLoop[w])) continue;
    const sorted = workers.map((w) => names[w]!).sort();
    patterns.push({
      kind: "supervisor-worker",
      hub: names[hub]!,
      workers: sorted,
      k: sorted.length,
      rhoClosedForm: Math.sqrt(sorted.length),
    });
  }
  return patterns;
}

/** Collapses `parent:child` ids to `parent`, dropping edges inside a group. */
function collapse(g: IndexedGraph): {
  n: number;
  outStart: Int32Array;
  outTarget: Int32Array;
  names: readonly string[];
  selfLoop: Uint8Array;
} {
  const groupOf = new Int32Array(g.n);
  const names: string[] = [];
  const groupIndex = new Map<string, number>();
  for (let i = 0; i < g.n; i++) {
    const id = g.ids[i]!;
    const cut = id.indexOf(":");
    const top = cut < 0 ? id : id.slice(0, cut);
    let k = groupIndex.get(top);
    if (k === undefined) {
      k = names.length;
      names.push(top);
      groupIndex.set(top, k);
    }
    groupOf[i] = k;
  }
  const n = names.length;
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const selfLoop = new Uint8Array(n);
  for (let i = 0; i < g.n; i++) {
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const j = g.outTarget[e]!;
      const a = groupOf[i]!;
      const b = groupOf[j]!;
      if (a !== b) adj[a]!.add(b);
      else if (i === j && !g.ids[i]!.includes(":")) selfLoop[a] = 1;
    }
  }
  const outStart = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) outStart[a + 1] = outStart[a]! + adj[a]!.size;
  const outTarget = new Int32Array(outStart[n]!);
  for (let a = 0, p = 0; a < n; a++) for (const b of adj[a]!) outTarget[p++] = b;
  return { n, outStart, outTarget, names, selfLoop };
}
