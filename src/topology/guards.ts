/**
 * Guard placement: greedily guard the node (or edge) where the spectral radius is most
 * sensitive until the cascade is sub-threshold. The sensitivity of ρ to an entry is
 * ∂ρ/∂aᵢⱼ = vᵢ·uⱼ / (v·u), with v and u the left and right Perron vectors; guarding scales
 * a producer's outgoing weights by the guard's residual pass-through, so the first-order
 * drop for node i is (1 − r)·vᵢ·Σⱼ aᵢⱼuⱼ / (v·u).
 *
 * A guard is placed on what `guardNode(builder, name)` can wrap: a top-level node. Nodes of an
 * expanded subgraph (`team:lead`) belong to the top-level node holding them (`team`); guarding
 * it scales every edge that leaves the group. On small blocks ρ is solved again exactly after
 * each pick; on large ones (over {@link BATCH_FROM} nodes) picks come in batches of 1, 1, 2, 4, …
 * from one pair of Perron vectors, the last batch trimmed to the shortest prefix that brings R
 * below 1, so placement costs a handful of eigen-solves rather than two per guard.
 */
import type { IndexedGraph } from "./graph-index.js";
import type { Components } from "./scc.js";
import { buildBlock, perron, RHO_TOLERANCE, transposeBlock, type PerronResult, type Block } from "./spectral.js";
import { graphComponents } from "./spectrum.js";

/** One recommended guard. */
export interface GuardRecommendation {
  /** The top-level node to wrap with `guardNode(builder, node, …)` (node unit). */
  readonly node?: string;
  /** The edge to put a verifier on (edge unit). */
  readonly edge?: readonly [source: string, target: string];
  /** The inner node where the guard matters most, when `node` is the subgraph holding it. */
  readonly at?: string;
  /** First-order drop of R the guard was picked for. */
  readonly sensitivity: number;
  /**
   * R = ρ(next-generation matrix) after this and every earlier guard: exact at the end of each
   * batch, interpolated inside a batch (large graphs only).
   */
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
/** Blocks larger than this place guards in batches. */
export const BATCH_FROM = 2_000;

interface BlockState {
  block: Block;
  result: PerronResult;
}

/** Top-level groups: `team:lead` belongs to `team`. */
export interface Groups {
  readonly of: Int32Array;
  readonly names: readonly string[];
  /** 1 when the group has more than one member. */
  readonly multi: Uint8Array;
}

/** Groups nodes by their top-level name (the part before the first `:`). */
export function topLevelGroups(g: IndexedGraph): Groups {
  const of = new Int32Array(g.n);
  const names: string[] = [];
  const index = new Map<string, number>();
  const size: number[] = [];
  for (let i = 0; i < g.n; i++) {
    const id = g.ids[i]!;
    const cut = id.indexOf(":");
    const top = cut < 0 ? id : id.slice(0, cut);
    let k = index.get(top);
    if (k === undefined) {
      k = names.length;
      names.push(top);
      index.set(top, k);
      size.push(0);
    }
    of[i] = k;
    size[k]!++;
  }
  return { of, names, multi: Uint8Array.from(size, (s) => (s > 1 ? 1 : 0)) };
}

/** Whether guarding node `a`'s group scales out-edge `e` (an edge leaving the group, or any edge of a one-node group). */
function scales(g: IndexedGraph, groups: Groups, a: number, e: number): boolean {
  return groups.multi[groups.of[a]!] === 0 || groups.of[g.outTarget[e]!] !== groups.of[a];
}

/** The pieces of the greedy loop that stay fixed. */
interface Placement {
  readonly input: GuardPlacementInput;
  readonly groups: Groups;
  readonly k: Float64Array;
  readonly picked: Uint8Array;
  components: Components;
  readonly states: Map<number, BlockState>;
  readonly localOf: Int32Array;
  readonly left: Map<number, Float64Array>;
}

/** Greedy placement on K; returns the picks and the final weights. */
export function placeGuards(input: GuardPlacementInput): {
  recommended: GuardRecommendation[];
  rBefore: number;
  rAfter: number;
  weights: Float64Array;
} {
  const { g, residual, unit, maxGuards } = input;
  const groups = topLevelGroups(g);
  const p: Placement = {
    input,
    groups,
    k: input.k.slice(),
    picked: new Uint8Array(unit === "node" ? groups.names.length : input.k.length),
    components: input.components,
    states: new Map(),
    localOf: new Int32Array(g.n),
    left: new Map(),
  };
  solveAll(p, RHO_TOLERANCE);
  const rBefore = maxState(p)[1]?.result.rho ?? 0;
  let r = rBefore;
  const recommended: GuardRecommendation[] = [];
  // Guarding everything scales R by the residual at best: when even that stays ≥ 1, show
  // only the few most effective guards rather than a long list that cannot succeed.
  const cap = residual * rBefore >= 1 ? Math.min(maxGuards, 3) : maxGuards;
  let batch = 1;
  let round = 0;
  while (r >= 1 && recommended.length < cap) {
    const [c, state] = maxState(p);
    if (!state) break;
    const size = Math.min(state.block.members.length > BATCH_FROM ? batch : 1, cap - recommended.length);
    const picks = rankCandidates(p, c, state, size);
    if (picks.length === 0) break;
    const before = p.k.slice();
    for (const pick of picks) applyPick(p, pick.unit);
    r = resolve(p, c, state);
    if (r < 1 && picks.length > 1) r = trimBatch(p, c, state, picks, before);
    pushPicks(p, recommended, picks, recommended.length === 0 ? rBefore : recommended[recommended.length - 1]!.rAfter, r);
    if (++round >= 2) batch *= 2;
  }
  if (recommended.length > 0) {
    // The exact R after the last guard, to full precision.
    const [, last] = maxState(p);
    r = last ? perron(last.block, last.result.vector).rho : 0;
    const final = recommended.pop()!;
    recommended.push({ ...final, rAfter: r });
  }
  return { recommended, rBefore, rAfter: r, weights: p.k };
}

function solveAll(p: Placement, tolerance: number): void {
  const { g } = p.input;
  p.states.clear();
  const comps = p.components;
  for (let c = 0; c < comps.count; c++) {
    const size = comps.start[c + 1]! - comps.start[c]!;
    if (size === 1 && g.selfLoop[comps.members[comps.start[c]!]!] === 0) continue;
    const block = buildBlock(g, comps, c, p.k, p.localOf);
    if (block.col.length === 0) continue;
    p.states.set(c, { block, result: perron(block, undefined, tolerance) });
  }
}

function maxState(p: Placement): [number, BlockState | undefined] {
  let best: [number, BlockState | undefined] = [-1, undefined];
  for (const [c, s] of p.states) if (!best[1] || s.result.rho > best[1].result.rho) best = [c, s];
  return best;
}

interface Pick {
  /** Group index (node unit) or out-edge slot (edge unit). */
  readonly unit: number;
  /** The node (node unit) whose score made the group win. */
  readonly node: number;
  readonly score: number;
}

/** Scores every eligible candidate in the dominant block; returns the `count` best. */
function rankCandidates(p: Placement, c: number, state: BlockState, count: number): Pick[] {
  const { block, result } = state;
  const u = result.vector;
  const v = perron(transposeBlock(block), p.left.get(c), RANKING_TOLERANCE).vector;
  p.left.set(c, v);
  let vu = 0;
  for (let i = 0; i < u.length; i++) vu += v[i]! * u[i]!;
  if (!(vu > 0)) return [];
  const scores = new Map<number, { score: number; node: number; best: number }>();
  const { g, eligible, unit } = p.input;
  for (let a = 0; a < block.members.length; a++) {
    const node = block.members[a]!;
    if (eligible[node] === 0) continue;
    for (let q = block.rowStart[a]!; q < block.rowStart[a + 1]!; q++) {
      const slot = block.slot[q]!;
      const key = unit === "node" ? p.groups.of[node]! : slot;
      if (p.picked[key] || (unit === "node" && !scales(g, p.groups, node, slot))) continue;
      const s = (v[a]! * block.w[q]! * u[block.col[q]!]!) / vu;
      const entry = scores.get(key) ?? { score: 0, node, best: 0 };
      entry.score += s;
      if (s > entry.best) {
        entry.best = s;
        entry.node = node;
      }
      scores.set(key, entry);
    }
  }
  const ranked = [...scores].filter(([, e]) => e.score > 0);
  ranked.sort((x, y) => y[1].score - x[1].score || x[0] - y[0]);
  return ranked.slice(0, count).map(([key, e]) => ({ unit: key, node: e.node, score: e.score }));
}

function applyPick(p: Placement, key: number): void {
  const { g, residual, unit } = p.input;
  p.picked[key] = 1;
  if (unit === "edge") {
    p.k[key]! *= residual;
    return;
  }
  for (let i = 0; i < g.n; i++) {
    if (p.groups.of[i] !== key) continue;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) if (scales(g, p.groups, i, e)) p.k[e]! *= residual;
  }
}

/** Solves the changed block again (all blocks when a residual of 0 splits components); returns R. */
function resolve(p: Placement, c: number, state: BlockState): number {
  const { g, residual } = p.input;
  if (residual === 0) {
    p.components = graphComponents(g, p.k);
    p.left.clear();
    solveAll(p, RANKING_TOLERANCE);
  } else {
    const block = buildBlock(g, p.components, c, p.k, p.localOf);
    p.states.set(c, { block, result: perron(block, state.result.vector, RANKING_TOLERANCE) });
  }
  return maxState(p)[1]?.result.rho ?? 0;
}

/** Keeps the shortest prefix of a batch that brings R below 1 (binary search, one solve a step). */
function trimBatch(p: Placement, c: number, state: BlockState, picks: Pick[], before: Float64Array): number {
  let lo = 1;
  let hi = picks.length;
  const apply = (count: number): number => {
    p.k.set(before);
    for (const pick of picks) p.picked[pick.unit] = 0;
    for (const pick of picks.slice(0, count)) applyPick(p, pick.unit);
    return resolve(p, c, state);
  };
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = apply(mid);
    if (r < 1) hi = mid;
    else lo = mid + 1;
  }
  const r = apply(hi);
  picks.length = hi;
  return r;
}

function pushPicks(p: Placement, out: GuardRecommendation[], picks: readonly Pick[], r0: number, r1: number): void {
  const { g, residual, unit } = p.input;
  picks.forEach((pick, i) => {
    const rAfter = i === picks.length - 1 ? r1 : r0 + ((r1 - r0) * (i + 1)) / picks.length;
    const sensitivity = (1 - residual) * pick.score;
    if (unit === "node") {
      const node = p.groups.names[pick.unit]!;
      const at = g.ids[pick.node]!;
      out.push({ node, ...(at !== node ? { at } : {}), sensitivity, rAfter });
    } else {
      const source = sourceOfSlot(g, pick.unit);
      out.push({ edge: [g.ids[source]!, g.ids[g.outTarget[pick.unit]!]!], sensitivity, rAfter });
    }
  });
}

function sourceOfSlot(g: IndexedGraph, slot: number): number {
  let lo = 0;
  let hi = g.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.outStart[mid]! <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
