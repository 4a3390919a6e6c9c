/**
 * Internal: the most dangerous seeds, by the principal eigenvector (arXiv:2603.04474: the node
 * with the largest entry spreads one error furthest); on a DAG, by how many nodes it reaches.
 */
import type { Cascade } from "./cascade.js";
import { finding, type TopologyFinding } from "./findings.js";
import type { IndexedGraph } from "./graph-index.js";
import { principalVector, reachCount } from "./spectrum.js";

/** A seed node: where one injected error grows most. */
export interface SeedReport {
  readonly node: string;
  /** Principal-eigenvector entry, scaled to a maximum of 1 (0 on a DAG). */
  readonly score: number;
  /** Nodes reachable from it. */
  readonly reach: number;
}

/** The `count` most dangerous seeds, and a DANGEROUS_SEED finding for the first. */
export function rankSeeds(g: IndexedGraph, c: Cascade, count: number): { seeds: SeedReport[]; findings: TopologyFinding[] } {
  const { weighted, k, ag, factor } = c.weights;
  const weights = weighted ? k : factor.some((f) => f < 1) ? ag : null;
  const seeds = count === 0 || g.n === 0 ? [] : c.kSpectrum.rho > 0 ? byVector(g, c, weights, count) : byReach(g, count);
  const first = seeds[0];
  const findings =
    first && c.plain.rho > 0 && first.score > 0
      ? [
          finding(
            "DANGEROUS_SEED",
            "info",
            `An error injected at "${first.node}" spreads most (largest principal-eigenvector entry; reaches ${first.reach} nodes).`,
            `Verify "${first.node}"'s output before others consume it.`,
            { node: first.node },
          ),
        ]
      : [];
  return { seeds, findings };
}

function byVector(g: IndexedGraph, c: Cascade, weights: Float64Array | null, count: number): SeedReport[] {
  const x = principalVector(g, c.kSpectrum, weights);
  // Top-k selection in one pass (k is small), ties broken by id.
  const top: number[] = [];
  const better = (a: number, b: number) => x[a]! > x[b]! || (x[a] === x[b] && g.ids[a]! < g.ids[b]!);
  for (let i = 0; i < g.n; i++) {
    if (!(x[i]! > 0)) continue;
    if (top.length === count && !better(i, top[count - 1]!)) continue;
    let j = Math.min(top.length, count - 1);
    if (top.length < count) top.push(i);
    while (j > 0 && better(i, top[j - 1]!)) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  // Nodes of one cyclic component reach the same nodes: count once per component.
  const comp = c.plainComps.comp;
  const cyclic = c.plain.blocks;
  const cache = new Map<number, number>();
  const reach = (i: number) => {
    if (!cyclic.has(comp[i]!)) return reachCount(g, i);
    let r = cache.get(comp[i]!);
    if (r === undefined) cache.set(comp[i]!, (r = reachCount(g, i)));
    return r;
  };
  return top.map((i) => ({ node: g.ids[i]!, score: Math.round(x[i]! * 1e12) / 1e12, reach: reach(i) }));
}

/**
 * A DAG: no growth, rank by how many nodes an error can reach. A node reaches strictly more than
 * any of its successors, so the widest-reaching nodes come first in topological order; on large
 * graphs only the first {@link REACH_CANDIDATES} in that order are measured (one search each).
 */
function byReach(g: IndexedGraph, count: number): SeedReport[] {
  const candidates = g.n <= 200 ? Array.from({ length: g.n }, (_, i) => i) : topologicalPrefix(g, REACH_CANDIDATES);
  return candidates
    .map((i) => ({ node: g.ids[i]!, score: 0, reach: reachCount(g, i) }))
    .filter((r) => r.reach > 0)
    .sort((a, b) => b.reach - a.reach || (a.node < b.node ? -1 : 1))
    .slice(0, count);
}

/** Nodes measured for reach on large acyclic graphs. */
const REACH_CANDIDATES = 50;

/** The first `limit` nodes of a topological order (Kahn's algorithm), sources first. */
function topologicalPrefix(g: IndexedGraph, limit: number): number[] {
  const indegree = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) indegree[i] = g.inStart[i + 1]! - g.inStart[i]!;
  const queue: number[] = [];
  for (let i = 0; i < g.n; i++) if (indegree[i] === 0) queue.push(i);
  for (let h = 0; h < queue.length && queue.length < limit; h++) {
    const v = queue[h]!;
    for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
      const w = g.outTarget[e]!;
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  return queue.slice(0, limit);
}
