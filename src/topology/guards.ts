/**
 * Guard placement: greedily guard the node (or edge) where the spectral radius is most
 * sensitive until the cascade is sub-threshold. The sensitivity of ρ to an entry is
 * ∂ρ/∂aᵢⱼ = vᵢ·uⱼ / (v·u), with v and u the left and right Perron vectors; guarding scales
 * a producer's outgoing weights by the guard's residual pass-through, so the first-order
 * drop for node i is (1 − r)·vᵢ·Σⱼ aᵢⱼuⱼ / (v·u). After each pick ρ is solved again exactly.
 */
import type { IndexedGraph } from "./graph-index.js";
import type { Components } from "./scc.js";
import { buildBlock, perron, RHO_TOLERANCE, transposeBlock, type PerronResult, type Block } from "./spectral.js";
import { graphComponents } from "./spectrum.js";

/** One recommended guard. */
export interface GuardRecommendation {
  /** The producer node to wrap in a guard (node unit). */
  readonly node?: string;
  /** The edge to put a verifier on (edge unit). */
  readonly edge?: readonly [source: string, target: string];
  /** First-order drop of R the guard was picked for. */
  readonly sensitivity: number;
  /** R = ρ(next-generation matrix) after this and every earlier guard. */
  readonly rAfter: number;
}

/** Result of guard placement. */
export interface GuardReport {
  /** What is guarded: whole producers (a BICR guard wraps a node) or single edges. */
  readonly unit: "node" | "edge";
  /** Residual pass-through assumed for a guard. */
  readonly residual: number;
  /** R before the recommended guards (existing guards already counted). */
  readonly rBefore: number;
  /** R after them. */
  readonly rAfter: number;
  /** Effective spectral radius before (guard residuals applied, β and δ not). */
  readonly rhoBefore: number;
  /** Effective spectral radius after. */
  readonly rhoAfter: number;
  /** The guards, in the order picked. */
  readonly recommended: readonly GuardRecommendation[];
  /** Whether R ends below 1. */
  readonly sufficient: boolean;
}

/** Inputs the analysis prepares for guard placement. */
export interface GuardPlacementInput {
  readonly g: IndexedGraph;
  /** Next-generation weights Kᵢⱼ = βᵢⱼ·gᵢ/δᵢ per out-edge slot. */
  readonly k: Float64Array;
  /** Which nodes may receive a guard (node unit) or emit a guarded edge (edge unit). */
  readonly eligible: Uint8Array;
  readonly residual: number;
  readonly unit: "node" | "edge";
  readonly maxGuards: number;
  /** Components of K (reused). */
  readonly components: Components;
}

/** Precision of the intermediate solves: enough to rank candidates and to stop. */
const RANKING_TOLERANCE = 1e-7;

interface BlockState {
  block: Block;
  result: PerronResult;
}

/** Greedy placement on K; returns the picks and the final weights. */
export function placeGuards(input: GuardPlacementInput): {
  recommended: GuardRecommendation[];
  rBefore: number;
  rAfter: number;
  weights: Float64Array;
} {
  const { g, eligible, residual, unit, maxGuards } = input;
  const k = input.k.slice();
  let components = input.components;
  const localOf = new Int32Array(g.n);
  const states = new Map<number, BlockState>();
  const solveAll = () => {
    states.clear();
    for (let c = 0; c < components.count; c++) {
      const size = components.start[c + 1]! - components.start[c]!;
      if (size === 1 && g.selfLoop[components.members[components.start[c]!]!] === 0) continue;
      const block = buildBlock(g, components, c, k, localOf);
      if (block.col.length === 0) continue;
      states.set(c, { block, result: perron(block, undefined, tolerance) });
    }
  };
  let tolerance = RHO_TOLERANCE;
  const maxState = (): [number, BlockState | undefined] => {
    let best: [number, BlockState | undefined] = [-1, undefined];
    for (const [c, s] of states) if (!best[1] || s.result.rho > best[1].result.rho) best = [c, s];
    return best;
  };
  solveAll();
  const rBefore = maxState()[1]?.result.rho ?? 0;
  tolerance = RANKING_TOLERANCE;
  let r = rBefore;
  const picked = new Uint8Array(unit === "node" ? g.n : k.length);
  const recommended: GuardRecommendation[] = [];
  const left = new Map<number, Float64Array>();
  // Guarding everything scales R by the residual at best: when even that stays ≥ 1, show
  // only the few most effective guards rather than a long list that cannot succeed.
  const cap = residual * rBefore >= 1 ? Math.min(maxGuards, 3) : maxGuards;

  while (r >= 1 && recommended.length < cap) {
    const [c, state] = maxState();
    if (!state) break;
    const { block, result } = state;
    const u = result.vector;
    const v = perron(transposeBlock(block), left.get(c), RANKING_TOLERANCE).vector;
    left.set(c, v);
    let vu = 0;
    for (let i = 0; i < u.length; i++) vu += v[i]! * u[i]!;
    if (!(vu > 0)) break;
    let bestScore = 0;
    let bestPick = -1;
    for (let a = 0; a < block.members.length; a++) {
      const node = block.members[a]!;
      if (eligible[node] === 0) continue;
      if (unit === "node") {
        if (picked[node]) continue;
        let s = 0;
        for (let p = block.rowStart[a]!; p < block.rowStart[a + 1]!; p++) s += block.w[p]! * u[block.col[p]!]!;
        const score = (v[a]! * s) / vu;
        if (score > bestScore) {
          bestScore = score;
          bestPick = node;
        }
      } else {
        for (let p = block.rowStart[a]!; p < block.rowStart[a + 1]!; p++) {
          const slot = block.slot[p]!;
          if (picked[slot]) continue;
          const score = (v[a]! * block.w[p]! * u[block.col[p]!]!) / vu;
          if (score > bestScore) {
            bestScore = score;
            bestPick = slot;
          }
        }
      }
    }
    if (bestPick < 0) break;
    picked[bestPick] = 1;
    if (unit === "node") {
      for (let e = g.outStart[bestPick]!; e < g.outStart[bestPick + 1]!; e++) k[e]! *= residual;
    } else {
      k[bestPick]! *= residual;
    }
    if (residual === 0) {
      components = graphComponents(g, k);
      left.clear();
      solveAll();
    } else {
      const block2 = buildBlock(g, components, c, k, localOf);
      states.set(c, { block: block2, result: perron(block2, u, RANKING_TOLERANCE) });
    }
    r = maxState()[1]?.result.rho ?? 0;
    const sensitivity = (1 - residual) * bestScore;
    if (unit === "node") {
      recommended.push({ node: g.ids[bestPick]!, sensitivity, rAfter: r });
    } else {
      const source = sourceOfSlot(g, bestPick);
      recommended.push({ edge: [g.ids[source]!, g.ids[g.outTarget[bestPick]!]!], sensitivity, rAfter: r });
    }
  }
  if (recommended.length > 0) {
    // The exact R after the last guard, to full precision.
    const [, last] = maxState();
    r = last ? perron(last.block, last.result.vector).rho : 0;
    const final = recommended.pop()!;
    recommended.push({ ...final, rAfter: r });
  }
  return { recommended, rBefore, rAfter: r, weights: k };
}

function sourceOfSlot(g: IndexedGraph, slot: number): number {
  // Binary search in outStart.
  let lo = 0;
  let hi = g.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.outStart[mid]! <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
