/**
 * Internal: guards that cut relay chains. A guard counts as its producer (one agent) and resets
 * the chain after it, so a set of guarded top-level groups fixes the relay audit when, in the
 * graph where each guarded group is one guarded agent, (1) no loop of two or more agents is left
 * without a guard and (2) no unverified chain holds more agents than the limit.
 *
 * Loops first: in each strongly connected component of agents and pass-through nodes that holds
 * two or more agents, guard the agent with the most handoffs inside it (in-degree × out-degree,
 * the hub of a star; on a large component, after its hub, the rest of the budget in one round,
 * so a giant component takes two or three rounds). Placement stops as soon as a lower bound on
 * the guards still needed (one per unverified loop, ⌈D/limit⌉ − 1 for a chain of D agents)
 * exceeds the cap. Then chains, greedily along a topological order of the
 * condensation: `d(c)` is the longest chain of agents ending in component `c`, `down(c)` whether
 * an agent (or a guard, which counts one) can follow it; a component whose `d` reaches the limit
 * while another agent can follow gets its agent guarded, which keeps `d ≤ limit` everywhere
 * (optimal on chains and trees). Each round is linear in the graph; a guard on a node of an
 * expanded subgraph guards the whole group, which can lengthen chains through it, so rounds
 * repeat until the audit passes, nothing more can be picked, or the cap is reached.
 */
import { collapseGroups, type Groups } from "./groups.js";
import type { IndexedGraph } from "./graph-index.js";
import { kindOf, relayIndexed, type RelayKind, type RelayReport } from "./relay.js";
import { stronglyConnectedComponents, type Components } from "./scc.js";

/** Components larger than this take their loop-cutting picks in doubling batches. */
const LOOP_BATCH_FROM = 64;

/** The relay guards picked, as group indices with the agent that made each one necessary. */
export interface RelayPicks {
  readonly picks: readonly { readonly group: number; readonly node: number }[];
  /** Whether, with every group in `guarded` and every pick guarded, the relay audit passes. */
  readonly ok: boolean;
  /** The relay audit with every group in `guarded` and every pick guarded. */
  readonly after: RelayReport;
}

/**
 * Picks top-level groups to guard so the relay audit passes, starting from the groups already
 * guarded (`guarded[k] === 1`, not picked again); at most `max` picks. `limit` is the relay limit.
 */
export function placeRelayGuards(g: IndexedGraph, groups: Groups, guarded: Uint8Array, limit: number, max: number, current?: RelayReport): RelayPicks {
  const state = guarded.slice();
  const picks: { group: number; node: number }[] = [];
  let batch = 1;
  for (;;) {
    const { graph: rg, rep } = collapseGroups(g, groups, state);
    const back = representative(g, rep, rg.n);
    // `current`: the audit's own relay report of the graph as it is (no picks yet).
    const after = picks.length === 0 && current ? current : relayIndexed(rg, { maxRelayDepth: limit });
    if (after.ok) return { picks, ok: true, after };
    // Give up early when even a lower bound on the guards still needed exceeds the cap: each
    // unverified loop needs one, and a chain of D agents needs ⌈D/limit⌉ − 1.
    const needed = after.depth === "unbounded" ? after.unboundedCycles.length : Math.ceil(after.depth / Math.max(1, limit)) - 1;
    if (limit < 1 || picks.length + Math.max(1, needed) > max) return { picks, ok: false, after };
    const round = relayRound(rg, limit, batch);
    let added = 0;
    for (const r of round.picks) {
      const node = back[r]!;
      const k = groups.of[node]!;
      if (state[k] === 1 || picks.length >= max) continue;
      state[k] = 1;
      picks.push({ group: k, node });
      added++;
    }
    if (added === 0) return { picks, ok: false, after };
    // A large loop: the first round takes its hub, later rounds the rest of the budget at once.
    batch = round.large ? Math.max(1, max - picks.length) : 1;
  }
}

/** One original node for each node of a collapsed graph (the first member of a group). */
function representative(g: IndexedGraph, rep: Int32Array, n: number): Int32Array {
  if (n === g.n) return rep;
  const back = new Int32Array(n).fill(-1);
  for (let i = 0; i < g.n; i++) if (back[rep[i]!] === -1) back[rep[i]!] = i;
  return back;
}

/** One round on a graph where guarded groups are already single guard nodes. */
function relayRound(g: IndexedGraph, limit: number, batch: number): { picks: number[]; large: boolean } {
  const kinds: RelayKind[] = g.nodes.map(kindOf);
  const inH = new Uint8Array(g.n);
  for (let i = 0; i < g.n; i++) if (kinds[i] === "agent" || kinds[i] === "pass") inH[i] = 1;
  const comps = stronglyConnectedComponents(g.n, g.outStart, g.outTarget, inH);
  const agentsIn = new Int32Array(comps.count);
  const agentOf = new Int32Array(comps.count).fill(-1);
  for (let i = 0; i < g.n; i++) {
    const c = comps.comp[i]!;
    if (c < 0 || kinds[i] !== "agent") continue;
    agentsIn[c]!++;
    if (agentOf[c] === -1) agentOf[c] = i;
  }
  const loops = cutLoops(g, comps, kinds, agentsIn, batch);
  if (loops.found) return { picks: loops.picks, large: loops.large };
  return { picks: cutChains(g, comps, kinds, agentsIn, agentOf, limit), large: false };
}

/** Picks hubs of the components that hold a loop of two or more agents. */
function cutLoops(
  g: IndexedGraph,
  comps: Components,
  kinds: readonly RelayKind[],
  agentsIn: Int32Array,
  batch: number,
): { found: boolean; picks: number[]; large: boolean } {
  const picks: number[] = [];
  let found = false;
  let large = false;
  for (let c = 0; c < comps.count; c++) {
    const size = comps.start[c + 1]! - comps.start[c]!;
    if (agentsIn[c]! < 2 || size < 2) continue;
    found = true;
    const big = size > LOOP_BATCH_FROM;
    if (big) large = true;
    const ranked: [number, number][] = [];
    for (let x = comps.start[c]!; x < comps.start[c + 1]!; x++) {
      const v = comps.members[x]!;
      if (kinds[v] !== "agent") continue;
      let out = 0;
      let inn = 0;
      for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) if (comps.comp[g.outTarget[e]!] === c) out++;
      for (let p = g.inStart[v]!; p < g.inStart[v + 1]!; p++) if (comps.comp[g.inSource[p]!] === c) inn++;
      ranked.push([v, out * inn]);
    }
    ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [v] of ranked.slice(0, big ? batch : 1)) picks.push(v);
  }
  return { found, picks, large };
}

/**
 * Greedy chain cutting along a topological order of the condensation (components are numbered
 * sinks first, so sources come last): guards the agent of every component whose chain reaches
 * the limit while another agent can follow it.
 */
function cutChains(
  g: IndexedGraph,
  comps: Components,
  kinds: readonly RelayKind[],
  agentsIn: Int32Array,
  agentOf: Int32Array,
  limit: number,
): number[] {
  // down[c]: agents that can follow component c (a guard counts one and ends the chain).
  const down = new Int32Array(comps.count);
  for (let c = 0; c < comps.count; c++) {
    let best = 0;
    for (let x = comps.start[c]!; x < comps.start[c + 1]!; x++) {
      const v = comps.members[x]!;
      for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
        const w = g.outTarget[e]!;
        const cw = comps.comp[w]!;
        const after = cw >= 0 ? (cw === c ? 0 : agentsIn[cw]! + down[cw]!) : kinds[w] === "guard" ? 1 : 0;
        if (after > best) best = after;
      }
    }
    down[c] = best;
  }
  const d = new Int32Array(comps.count);
  const cut = new Uint8Array(comps.count);
  const picks: number[] = [];
  for (let c = comps.count - 1; c >= 0; c--) {
    let pred = 0;
    for (let x = comps.start[c]!; x < comps.start[c + 1]!; x++) {
      const v = comps.members[x]!;
      for (let p = g.inStart[v]!; p < g.inStart[v + 1]!; p++) {
        const cu = comps.comp[g.inSource[p]!]!;
        if (cu >= 0 && cu !== c && cut[cu] === 0 && d[cu]! > pred) pred = d[cu]!;
      }
    }
    d[c] = agentsIn[c]! + pred;
    if (agentsIn[c]! > 0 && d[c]! >= limit && down[c]! > 0) {
      cut[c] = 1;
      picks.push(agentOf[c]!);
    }
  }
  return picks;
}
