/**
 * Internal: the spectral radius of a whole (weighted) graph as the maximum over its
 * strongly connected components, and the global principal eigenvector used to rank seeds.
 */
import { indexTopology, type IndexedGraph } from "./graph-index.js";
import { stronglyConnectedComponents, type Components } from "./scc.js";
import { buildBlock, perron, solveShifted, type Block, type PerronResult } from "./spectral.js";
import type { Topology } from "./topology.js";

/** One cyclic component and its Perron data. */
export interface SolvedBlock {
  /** Component number. */
  readonly c: number;
  readonly block: Block;
  readonly result: PerronResult;
}

/** Spectral decomposition of a graph under one set of edge weights. */
export interface Spectrum {
  readonly components: Components;
  /** Cyclic components (with at least one internal edge), by component number. */
  readonly blocks: ReadonlyMap<number, SolvedBlock>;
  /** ρ: the largest block root (0 for a DAG). */
  readonly rho: number;
  /** Bounds on ρ from the dominant block. */
  readonly lo: number;
  readonly hi: number;
  /** Whether every block converged. */
  readonly converged: boolean;
  /** Component numbers whose root ties with ρ (relative 1e-9). */
  readonly dominant: readonly number[];
}

/** Relative tolerance under which two roots are considered tied. */
const TIE = 1e-9;

/** Components of the graph over its positive-weight edges. */
export function graphComponents(g: IndexedGraph, weights: Float64Array | null): Components {
  return stronglyConnectedComponents(g.n, g.outStart, g.outTarget, undefined, weights ?? undefined);
}

/**
 * Solves every cyclic component under `weights` (null = all ones). `previous` warm-starts
 * the iterative solvers (guard placement re-solves after each small change).
 */
export function computeSpectrum(
  g: IndexedGraph,
  weights: Float64Array | null,
  components: Components = graphComponents(g, weights),
  previous?: Spectrum,
): Spectrum {
  const localOf = new Int32Array(g.n);
  const blocks = new Map<number, SolvedBlock>();
  let rho = 0;
  let lo = 0;
  let hi = 0;
  let converged = true;
  for (let c = 0; c < components.count; c++) {
    const size = components.start[c + 1]! - components.start[c]!;
    if (size === 1 && g.selfLoop[components.members[components.start[c]!]!] === 0) continue;
    const block = buildBlock(g, components, c, weights, localOf);
    if (block.col.length === 0) continue;
    const result = perron(block, previous?.blocks.get(c)?.result.vector);
    blocks.set(c, { c, block, result });
    if (!result.converged) converged = false;
    if (result.rho > rho) {
      rho = result.rho;
      lo = result.lo;
      hi = result.hi;
    }
  }
  const dominant: number[] = [];
  for (const [c, b] of blocks) if (rho > 0 && b.result.rho >= rho * (1 - TIE)) dominant.push(c);
  return { components, blocks, rho, lo, hi, converged, dominant };
}

/**
 * The principal eigenvector of the whole graph (rows = producers): xᵢ = (1/ρ) Σⱼ wᵢⱼ xⱼ.
 * A node's entry measures how much an error seeded there grows; it is positive exactly on
 * the nodes that can reach a dominant component. Components are swept sinks first: a
 * dominant one takes its own Perron vector, an upstream one solves (ρI − B)x = b.
 * Returns all zeros for a DAG.
 */
export function principalVector(
  g: IndexedGraph,
  spectrum: Spectrum,
  weights: Float64Array | null,
): Float64Array {
  const x = new Float64Array(g.n);
  const lambda = spectrum.rho;
  if (!(lambda > 0)) return x;
  const { components } = spectrum;
  const dominant = new Set(spectrum.dominant);
  for (let c = 0; c < components.count; c++) {
    const members = components.members.subarray(components.start[c]!, components.start[c + 1]!);
    const size = members.length;
    const rhs = new Float64Array(size);
    let any = false;
    let downstreamMax = 0;
    for (let k = 0; k < size; k++) {
      const i = members[k]!;
      let s = 0;
      for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
        const j = g.outTarget[e]!;
        if (components.comp[j] === c) continue;
        const w = weights === null ? 1 : weights[e]!;
        s += w * x[j]!;
        if (x[j]! > downstreamMax) downstreamMax = x[j]!;
      }
      rhs[k] = s;
      if (s > 0) any = true;
    }
    const solved = spectrum.blocks.get(c);
    if (dominant.has(c) && solved) {
      // Ties upstream of another dominant block grow polynomially faster: rank them higher.
      const scale = 1 + downstreamMax;
      for (let k = 0; k < size; k++) x[members[k]!] = solved.result.vector[k]! * scale;
      continue;
    }
    if (!any) continue;
    if (!solved) {
      // A single node without a self-loop.
      x[members[0]!] = rhs[0]! / lambda;
      continue;
    }
    const local = solveShifted(solved.block, lambda, rhs);
    for (let k = 0; k < size; k++) x[members[k]!] = local[k]!;
  }
  let max = 0;
  for (let i = 0; i < g.n; i++) if (x[i]! > max) max = x[i]!;
  if (max > 0) for (let i = 0; i < g.n; i++) x[i]! /= max;
  return x;
}

/** Number of nodes reachable from `start` (excluding itself unless on a cycle through it). */
export function reachCount(g: IndexedGraph, start: number): number {
  const seen = new Uint8Array(g.n);
  const queue = new Int32Array(g.n);
  let head = 0;
  let tail = 0;
  let count = 0;
  for (let e = g.outStart[start]!; e < g.outStart[start + 1]!; e++) {
    const j = g.outTarget[e]!;
    if (!seen[j]) {
      seen[j] = 1;
      queue[tail++] = j;
    }
  }
  while (head < tail) {
    const v = queue[head++]!;
    count++;
    for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
      const j = g.outTarget[e]!;
      if (!seen[j]) {
        seen[j] = 1;
        queue[tail++] = j;
      }
    }
  }
  return count;
}

/** ρ(A) of the node-level graph, when the topology carries one and it differs from `rho`. */
export function nodeLevelRho(topology: Topology, rho: number): number | undefined {
  if (!topology.nodeLevel) return undefined;
  const ng = indexTopology({ ...topology, ...topology.nodeLevel, nodeLevel: undefined });
  const nodeRho = computeSpectrum(ng, null).rho;
  return Math.abs(nodeRho - rho) > 1e-12 * Math.max(1, rho) ? nodeRho : undefined;
}
