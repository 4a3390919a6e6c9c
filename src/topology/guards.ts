/**
 * Guard placement: greedily guard the node (or edge) where the spectral radius is most
 * sensitive until the cascade is sub-threshold. The sensitivity of ρ to an entry is
 * ∂ρ/∂aᵢⱼ = vᵢ·uⱼ / (v·u), with v and u the left and right Perron vectors; guarding scales
 * a producer's outgoing weights by the guard's residual pass-through, so the first-order
 * drop for node i is (1 − r)·vᵢ·Σⱼ aᵢⱼuⱼ / (v·u).
 *
 * A guard is placed on what `guardNodeInPlace(builder, name)` can wrap: a top-level node. Nodes of an
 * expanded subgraph (`team:lead`) belong to the top-level node holding them (`team`); guarding
 * it scales every edge that leaves the group. On small blocks ρ is solved again exactly after
 * each pick; on larger ones (over {@link BATCH_FROM} nodes) each round takes, from one pair of
 * Perron vectors, as many picks as the first-order drops say are needed, then solves again and
 * trims the batch to the shortest prefix that brings R below 1: a handful of eigen-solves
 * rather than two per guard.
 */
import type { IndexedGraph } from "./graph-index.js";
import type { Components } from "./scc.js";
import { buildBlock, perron, RHO_TOLERANCE, transposeBlock, type Block } from "./spectral.js";
import { graphComponents } from "./spectrum.js";
import { leavesGroup as scales, topLevelGroups, type Groups } from "./groups.js";

/** One recommended guard. */
export interface GuardRecommendation {
  /** The top-level node to wrap with `guardNodeInPlace(builder, node, …)` (node unit). */
  readonly node?: string;
  /** The edge to put a verifier on (edge unit). */
  readonly edge?: readonly [source: string, target: string];
  /** The inner node where the guard matters most, when `node` is the subgraph holding it. */
  readonly at?: string;
  /**
   * Why the guard is recommended: `relay` cuts a loop of agents or a chain longer than the relay
   * limit (a guard counts as one agent and resets the chain); `cascade` lowers R.
   */
  readonly reason: "relay" | "cascade";
  /** First-order drop of R the guard was picked for (0 for a `relay` guard). */
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
  /**
   * Relay depth before and after the recommended guards (node unit; edge placement does not
   * cut relays): a guarded node counts as one agent and resets the chain after it.
   */
  readonly relay?: { readonly limit: number; readonly before: number | "unbounded"; readonly after: number | "unbounded"; readonly ok: boolean };
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
  /** Right Perron vectors of those components under K's pattern, to warm-start the first solve. */
  readonly warm?: ReadonlyMap<number, Float64Array>;
  /** Top-level groups of `g` (computed when absent). */
  readonly groups?: Groups;
  /**
   * Groups guarded before the greedy loop starts (node unit): guards picked to cut relay chains,
   * reported first with reason `relay`, each with the node that made it necessary.
   */
  readonly preset?: readonly { readonly group: number; readonly node: number; readonly reason?: "relay" | "cascade"; readonly sensitivity?: number }[];
}

/** Precision of the intermediate solves: enough to rank candidates and to stop. */
const RANKING_TOLERANCE = 1e-7;
/** Precision of the final R after the last guard. */
const FINAL_TOLERANCE = 1e-10;
/** Blocks larger than this place guards in batches, ranked with looser solves. */
export const BATCH_FROM = 64;
/** Precision of the ranking solves on large blocks (the final R is solved to full precision). */
const BATCH_TOLERANCE = 1e-4;

/**
 * One irreducible block of K, kept in place: picks scale entries of the block and of its
 * transpose directly, and the Perron vectors warm-start the next solve.
 */
interface BlockState {
  readonly block: Block;
  readonly transposed: Block;
  /** Entry of the transposed block for each entry of the block. */
  readonly tpos: Int32Array;
  u: Float64Array;
  v: Float64Array | undefined;
  rho: number;
}

/** The pieces of the greedy loop. */
interface Placement {
  readonly input: GuardPlacementInput;
  readonly groups: Groups;
  readonly k: Float64Array;
  readonly picked: Uint8Array;
  components: Components;
  readonly states: Map<number, BlockState>;
  readonly localOf: Int32Array;
}

/** Greedy placement on K; returns the picks and the final weights. */
export function placeGuards(input: GuardPlacementInput): {
  recommended: GuardRecommendation[];
  rBefore: number;
  rAfter: number;
  weights: Float64Array;
} {
  const { g, residual, unit, maxGuards } = input;
  const groups = input.groups ?? topLevelGroups(g);
  const p: Placement = {
    input,
    groups,
    k: input.k.slice(),
    picked: new Uint8Array(unit === "node" ? groups.names.length : input.k.length),
    components: input.components,
    states: new Map(),
    localOf: new Int32Array(g.n),
  };
  solveAll(p, RHO_TOLERANCE);
  const rBefore = maxState(p)[1]?.rho ?? 0;
  let r = rBefore;
  const recommended: GuardRecommendation[] = [];
  const preset = unit === "node" ? (input.preset ?? []) : [];
  if (preset.length > 0) {
    for (const { group } of preset) scaleGroup(p, group);
    if (residual === 0) p.components = graphComponents(g, p.k);
    solveAll(p, RANKING_TOLERANCE);
    r = maxState(p)[1]?.rho ?? 0;
    preset.forEach(({ group, node, reason, sensitivity }, i) => {
      const name = groups.names[group]!;
      const at = g.ids[node]!;
      const rAfter = i === preset.length - 1 ? r : rBefore + ((r - rBefore) * (i + 1)) / preset.length;
      recommended.push({ node: name, ...(at !== name ? { at } : {}), reason: reason ?? "relay", sensitivity: sensitivity ?? 0, rAfter });
    });
  }
  // Guarding everything scales R by the residual at best: when even that stays ≥ 1, show
  // only the few most effective guards rather than a long list that cannot succeed.
  const cap = residual * rBefore >= 1 ? Math.min(maxGuards, preset.length + 3) : maxGuards;
  while (r >= 1 && recommended.length < cap) {
    const [c, state] = maxState(p);
    if (!state) break;
    const large = state.block.members.length > BATCH_FROM;
    const tolerance = large ? BATCH_TOLERANCE : RANKING_TOLERANCE;
    const ranked = rankCandidates(p, state, large ? cap - recommended.length : 1, tolerance);
    if (ranked.length === 0) break;
    // Large blocks: take as many as the first-order drops say are needed to get below 1.
    const picks = ranked.slice(0, large ? predictedCount(ranked, r, residual) : 1);
    const saved = save(p, state);
    for (const pick of picks) applyPick(p, c, pick.unit);
    r = resolve(p, c, tolerance);
    if (r < 1 && picks.length > 1) r = trimBatch(p, c, picks, saved, tolerance);
    pushPicks(p, recommended, picks, recommended.length === 0 ? rBefore : recommended[recommended.length - 1]!.rAfter, r);
  }
  if (recommended.length > 0) {
    // The exact R after the last guard, to full precision.
    const [, last] = maxState(p);
    r = last ? perron(last.block, last.u, FINAL_TOLERANCE).rho : 0;
    const final = recommended.pop()!;
    recommended.push({ ...final, rAfter: r });
  }
  return { recommended, rBefore, rAfter: r, weights: p.k };
}

/** Scales a group's leaving edges in K (before the blocks are built). */
function scaleGroup(p: Placement, key: number): void {
  const { g, residual } = p.input;
  p.picked[key] = 1;
  const { start, members } = p.groups;
  for (let x = start[key]!; x < start[key + 1]!; x++) {
    const a = members[x]!;
    for (let e = g.outStart[a]!; e < g.outStart[a + 1]!; e++) if (scales(g, p.groups, a, e)) p.k[e]! *= residual;
  }
}

/**
 * How many of the ranked picks the first-order drops (1 − residual)·score say bring R from `r`
 * below 1 (all of them when they do not), at least one.
 */
function predictedCount(ranked: readonly Pick[], r: number, residual: number): number {
  let drop = 0;
  for (let i = 0; i < ranked.length; i++) {
    drop += (1 - residual) * ranked[i]!.score;
    if (r - drop < 1) return i + 1;
  }
  return ranked.length;
}

/** The transpose of a block and, for each entry, where it went. */
function transposeWithMap(b: Block): { transposed: Block; tpos: Int32Array } {
  const transposed = transposeBlock(b);
  const size = b.members.length;
  const tpos = new Int32Array(b.col.length);
  const fill = transposed.rowStart.slice(0, size);
  for (let i = 0; i < size; i++) {
    for (let q = b.rowStart[i]!; q < b.rowStart[i + 1]!; q++) tpos[q] = fill[b.col[q]!]!++;
  }
  return { transposed, tpos };
}

function solveAll(p: Placement, tolerance: number): void {
  const { g, warm } = p.input;
  p.states.clear();
  const comps = p.components;
  for (let c = 0; c < comps.count; c++) {
    const size = comps.start[c + 1]! - comps.start[c]!;
    if (size === 1 && g.selfLoop[comps.members[comps.start[c]!]!] === 0) continue;
    const block = buildBlock(g, comps, c, p.k, p.localOf);
    if (block.col.length === 0) continue;
    const result = perron(block, warm?.get(c), tolerance);
    p.states.set(c, { block, transposed: block, tpos: new Int32Array(0), u: result.vector, v: undefined, rho: result.rho });
  }
}

function maxState(p: Placement): [number, BlockState | undefined] {
  let best: [number, BlockState | undefined] = [-1, undefined];
  for (const [c, s] of p.states) if (!best[1] || s.rho > best[1].rho) best = [c, s];
  return best;
}

interface Pick {
  /** Group index (node unit) or out-edge slot (edge unit). */
  readonly unit: number;
  /** The node (node unit) whose score made the group win. */
  readonly node: number;
  readonly score: number;
}

/** Scores every eligible candidate in a block from its Perron vectors; returns the `count` best. */
function rankCandidates(p: Placement, state: BlockState, count: number, tolerance: number): Pick[] {
  if (state.tpos.length === 0) Object.assign(state, transposeWithMap(state.block));
  const { block } = state;
  const u = state.u;
  const v = (state.v = perron(state.transposed, state.v, tolerance).vector);
  let vu = 0;
  for (let i = 0; i < u.length; i++) vu += v[i]! * u[i]!;
  if (!(vu > 0)) return [];
  const { g, eligible, unit } = p.input;
  const size = unit === "node" ? p.groups.names.length : p.k.length;
  const score = new Float64Array(size);
  const bestNode = new Int32Array(size).fill(-1);
  const bestPart = new Float64Array(size);
  const touched: number[] = [];
  for (let a = 0; a < block.members.length; a++) {
    const node = block.members[a]!;
    if (eligible[node] === 0) continue;
    for (let q = block.rowStart[a]!; q < block.rowStart[a + 1]!; q++) {
      const slot = block.slot[q]!;
      const key = unit === "node" ? p.groups.of[node]! : slot;
      if (p.picked[key] || (unit === "node" && !scales(g, p.groups, node, slot))) continue;
      const s = (v[a]! * block.w[q]! * u[block.col[q]!]!) / vu;
      if (bestNode[key] === -1) touched.push(key);
      score[key]! += s;
      if (s > bestPart[key]! || bestNode[key] === -1) {
        bestPart[key] = s;
        bestNode[key] = node;
      }
    }
  }
  return topScores(touched, score, count).map((key) => ({ unit: key, node: bestNode[key]!, score: score[key]! }));
}

/** The `count` keys with the highest positive score (ties: lower key first), best first. */
function topScores(keys: readonly number[], score: Float64Array, count: number): number[] {
  const top: number[] = [];
  const better = (a: number, b: number) => score[a]! > score[b]! || (score[a] === score[b] && a < b);
  for (const key of keys) {
    if (!(score[key]! > 0)) continue;
    if (top.length === count && !better(key, top[count - 1]!)) continue;
    let j = Math.min(top.length, count - 1);
    if (top.length < count) top.push(key);
    while (j > 0 && better(key, top[j - 1]!)) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = key;
  }
  return top;
}

/** Scales the picked group's leaving edges (or the picked edge) in K and in block `c`. */
function applyPick(p: Placement, c: number, key: number): void {
  const { g, residual, unit } = p.input;
  p.picked[key] = 1;
  const state = p.states.get(c)!;
  const scale = (a: number, e: number) => {
    p.k[e]! *= residual;
    if (p.components.comp[a] !== c || p.components.comp[g.outTarget[e]!] !== c) return;
    const local = p.localOf[a]!;
    for (let q = state.block.rowStart[local]!; q < state.block.rowStart[local + 1]!; q++) {
      if (state.block.slot[q] !== e) continue;
      state.block.w[q]! *= residual;
      state.transposed.w[state.tpos[q]!]! *= residual;
    }
  };
  if (unit === "edge") {
    scale(sourceOfSlot(g, key), key);
    return;
  }
  const { start, members } = p.groups;
  for (let x = start[key]!; x < start[key + 1]!; x++) {
    const a = members[x]!;
    for (let e = g.outStart[a]!; e < g.outStart[a + 1]!; e++) if (scales(g, p.groups, a, e)) scale(a, e);
  }
}

/** Solves the changed block again (all blocks when a residual of 0 splits components); returns R. */
function resolve(p: Placement, c: number, tolerance: number): number {
  if (p.input.residual === 0) {
    p.components = graphComponents(p.input.g, p.k);
    solveAll(p, tolerance);
  } else {
    const state = p.states.get(c)!;
    // localOf must map this block's members (another block may have been built since).
    for (let a = 0; a < state.block.members.length; a++) p.localOf[state.block.members[a]!] = a;
    const result = perron(state.block, state.u, tolerance);
    state.u = result.vector;
    state.rho = result.rho;
  }
  return maxState(p)[1]?.rho ?? 0;
}

interface Saved {
  readonly k: Float64Array;
  readonly w: Float64Array;
  readonly tw: Float64Array;
  readonly u: Float64Array;
}

function save(p: Placement, state: BlockState): Saved {
  for (let a = 0; a < state.block.members.length; a++) p.localOf[state.block.members[a]!] = a;
  return { k: p.k.slice(), w: state.block.w.slice(), tw: state.transposed.w.slice(), u: state.u.slice() };
}

/** Keeps the shortest prefix of a batch that brings R below 1 (binary search, one solve a step). */
function trimBatch(p: Placement, c: number, picks: Pick[], saved: Saved, tolerance: number): number {
  const state = p.states.get(c)!;
  const apply = (count: number): number => {
    p.k.set(saved.k);
    state.block.w.set(saved.w);
    state.transposed.w.set(saved.tw);
    state.u = saved.u.slice();
    for (const pick of picks) p.picked[pick.unit] = 0;
    for (const pick of picks.slice(0, count)) applyPick(p, c, pick.unit);
    return resolve(p, c, tolerance);
  };
  let lo = 1;
  let hi = picks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (apply(mid) < 1) hi = mid;
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
      out.push({ node, ...(at !== node ? { at } : {}), reason: "cascade", sensitivity, rAfter });
    } else {
      const source = sourceOfSlot(g, pick.unit);
      out.push({ edge: [g.ids[source]!, g.ids[g.outTarget[pick.unit]!]!], reason: "cascade", sensitivity, rAfter });
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
