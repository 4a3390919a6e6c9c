/**
 * Relay depth: the longest chain of distinct agents that hand work to each other with no
 * verifier or human in between. Relaying prose loses ~8.5 accuracy points per stage
 * (arXiv:2603.26993); "at most 3 sequential agents without verification" is a design
 * heuristic, not a theorem, so the limit is an option.
 *
 * Model: tools and routers pass content through; verifiers and humans reset the chain; a
 * guard node counts as its producer (one agent) and resets the chain after it. A cycle
 * through two or more distinct agents with no verifier or human on it is an unbounded
 * relay. A loop back into the same agent (a ReAct agent and its tools) is that agent's own
 * iteration, counted once.
 */
import { finding, formatPath, type TopologyFinding } from "./findings.js";
import { indexTopology, type IndexedGraph } from "./graph-index.js";
import { stronglyConnectedComponents, type Components } from "./scc.js";
import type { Topology, TopologyNode } from "./topology.js";

/** Default maximum relay depth (a heuristic from arXiv:2603.26993, not a theorem). */
export const DEFAULT_MAX_RELAY_DEPTH = 3;

/** Options of {@link analyzeRelayDepth}. */
export interface RelayDepthOptions {
  /** Longest allowed chain of agents without a verifier or human. @default 3 */
  maxRelayDepth?: number;
}

/** The relay-depth result. */
export interface RelayReport {
  /** The limit checked against. */
  readonly limit: number;
  /** Distinct agents on the longest unverified chain, or `"unbounded"`. */
  readonly depth: number | "unbounded";
  /** The chain (or, when unbounded, the cycle, first node not repeated) as node ids. */
  readonly path: readonly string[];
  /** Whether the depth is within the limit. */
  readonly ok: boolean;
  /** Every unbounded cycle found (one per offending component). */
  readonly unboundedCycles: readonly (readonly string[])[];
  /** Agents that loop back into themselves only (through tools or routers). */
  readonly selfLoops: readonly string[];
}

/** How a node takes part in a relay: it adds an agent, passes content, resets the chain, or is a guard (one agent, then a reset). */
export type RelayKind = "agent" | "pass" | "reset" | "guard";
type Kind = RelayKind;

/** The relay kind of a node. */
export function kindOf(node: TopologyNode): Kind {
  if (node.guard) return "guard";
  switch (node.role) {
    case "agent":
      return "agent";
    case "tool":
    case "router":
      return "pass";
    default:
      return "reset";
  }
}

/**
 * Measures the longest unverified agent chain of a topology.
 *
 * @example
 * ```ts
 * const t = createTopology({ edges: [["a", "b"], ["b", "c"], ["c", "d"]] });
 * analyzeRelayDepth(t, { maxRelayDepth: 3 }); // { depth: 4, ok: false, path: ["a", "b", "c", "d"], … }
 * ```
 */
export function analyzeRelayDepth(topology: Topology, options: RelayDepthOptions = {}): RelayReport {
  return relayIndexed(indexTopology(topology), options);
}

/**
 * {@link analyzeRelayDepth} on an already indexed graph; `all` (the components of the whole
 * graph) is reused when every node passes content through.
 */
export function relayIndexed(g: IndexedGraph, options: RelayDepthOptions = {}, all?: Components): RelayReport {
  const limit = normaliseLimit(options.maxRelayDepth);
  const kinds = g.nodes.map(kindOf);
  const comps = passThroughComponents(g, kinds, all);
  const agents = agentsPerComponent(kinds, comps);
  const { unboundedCycles, selfLoops } = cyclicRelays(g, comps, agents);
  if (unboundedCycles.length > 0) {
    return { limit, depth: "unbounded", path: unboundedCycles[0]!, ok: false, unboundedCycles, selfLoops };
  }
  const chains = longestChains(g, comps, agents.count);
  const end = chainEnd(g, kinds, comps, chains.best);
  const path = end.comp >= 0 ? chainPath(g, kinds, comps, agents.first, chains.viaEdge, end) : [];
  if (end.guard >= 0) path.push(end.guard);
  return {
    limit,
    depth: end.depth,
    path: path.map((i) => g.ids[i]!),
    ok: end.depth <= limit,
    unboundedCycles: [],
    selfLoops,
  };
}

/** The strongly connected components of the subgraph of agents and pass-through nodes. */
function passThroughComponents(g: IndexedGraph, kinds: readonly Kind[], all?: Components): Components {
  const inH = new Uint8Array(g.n);
  let everyNode = true;
  for (let i = 0; i < g.n; i++) {
    if (kinds[i] === "agent" || kinds[i] === "pass") inH[i] = 1;
    else everyNode = false;
  }
  return everyNode && all ? all : stronglyConnectedComponents(g.n, g.outStart, g.outTarget, inH);
}

/** Per component: how many agents it holds, and its first two agents (-1 when none). */
interface ComponentAgents {
  readonly count: Int32Array;
  readonly first: Int32Array;
  readonly second: Int32Array;
}

function agentsPerComponent(kinds: readonly Kind[], comps: Components): ComponentAgents {
  const count = new Int32Array(comps.count);
  const first = new Int32Array(comps.count).fill(-1);
  const second = new Int32Array(comps.count).fill(-1);
  for (let i = 0; i < kinds.length; i++) {
    const c = comps.comp[i]!;
    if (c < 0 || kinds[i] !== "agent") continue;
    count[c]!++;
    if (first[c] === -1) first[c] = i;
    else if (second[c] === -1) second[c] = i;
  }
  return { count, first, second };
}

/**
 * Cyclic components: one through two or more agents is an unbounded relay (reported as a cycle
 * through its first two agents, shortest first); one through a single agent is its self-loop.
 */
function cyclicRelays(g: IndexedGraph, comps: Components, agents: ComponentAgents): { unboundedCycles: string[][]; selfLoops: string[] } {
  const unboundedCycles: string[][] = [];
  const selfLoops: string[] = [];
  for (let c = 0; c < comps.count; c++) {
    const size = comps.start[c + 1]! - comps.start[c]!;
    const cyclic = size > 1 || g.selfLoop[comps.members[comps.start[c]!]!] === 1;
    if (!cyclic) continue;
    if (agents.count[c]! >= 2) {
      const a = agents.first[c]!;
      const b = agents.second[c]!;
      const there = shortestPath(g, comps.comp, c, a, b);
      const back = shortestPath(g, comps.comp, c, b, a);
      unboundedCycles.push([...there, ...back.slice(1, -1)].map((i) => g.ids[i]!));
    } else if (agents.count[c] === 1) {
      selfLoops.push(g.ids[agents.first[c]!]!);
    }
  }
  unboundedCycles.sort((x, y) => x.length - y.length);
  return { unboundedCycles, selfLoops };
}

/**
 * Longest chain (in agents) ending in each component, over the condensation of the
 * pass-through subgraph, and the in-edge slot it enters by (-1 for a chain's start).
 */
function longestChains(g: IndexedGraph, comps: Components, agentsIn: Int32Array): { best: Int32Array; viaEdge: Int32Array } {
  const best = new Int32Array(comps.count);
  const viaEdge = new Int32Array(comps.count).fill(-1);
  // Components are numbered sinks first, so iterate from the highest number (sources) down.
  for (let c = comps.count - 1; c >= 0; c--) {
    let bestPred = 0;
    let bestSlot = -1;
    for (let k = comps.start[c]!; k < comps.start[c + 1]!; k++) {
      const v = comps.members[k]!;
      for (let p = g.inStart[v]!; p < g.inStart[v + 1]!; p++) {
        const cu = comps.comp[g.inSource[p]!]!;
        if (cu < 0 || cu === c) continue;
        if (best[cu]! > bestPred || (bestSlot === -1 && best[cu]! >= bestPred)) {
          bestPred = best[cu]!;
          bestSlot = p;
        }
      }
    }
    best[c] = agentsIn[c]! + bestPred;
    viaEdge[c] = bestSlot;
  }
  return { best, viaEdge };
}

/** Where the longest chain ends: its depth, last component, and the guard closing it (-1 when none) with the guard's producer. */
interface ChainEnd {
  readonly depth: number;
  readonly comp: number;
  readonly guard: number;
  readonly guardPred: number;
}

function chainEnd(g: IndexedGraph, kinds: readonly Kind[], comps: Components, best: Int32Array): ChainEnd {
  let end: ChainEnd = { depth: 0, comp: -1, guard: -1, guardPred: -1 };
  for (let c = 0; c < comps.count; c++) {
    if (best[c]! > end.depth) end = { depth: best[c]!, comp: c, guard: -1, guardPred: -1 };
  }
  // A guard counts as one agent after its best predecessor.
  for (let i = 0; i < g.n; i++) {
    if (kinds[i] !== "guard") continue;
    let bestPred = 0;
    let pred = -1;
    for (let p = g.inStart[i]!; p < g.inStart[i + 1]!; p++) {
      const u = g.inSource[p]!;
      const cu = comps.comp[u]!;
      if (cu >= 0 && best[cu]! > bestPred) {
        bestPred = best[cu]!;
        pred = u;
      }
    }
    if (bestPred + 1 > end.depth) end = { depth: bestPred + 1, comp: pred >= 0 ? comps.comp[pred]! : -1, guard: i, guardPred: pred };
  }
  return end;
}

/** The chosen chain as node indices: walked back through `viaEdge`, then routed through each component. */
function chainPath(
  g: IndexedGraph,
  kinds: readonly Kind[],
  comps: Components,
  firstAgent: Int32Array,
  viaEdge: Int32Array,
  end: ChainEnd,
): number[] {
  const hops: { c: number; entry: number; exit: number }[] = [];
  let c = end.comp;
  let exit = end.guard >= 0 ? end.guardPred : firstAgent[c]! >= 0 ? firstAgent[c]! : comps.members[comps.start[c]!]!;
  for (;;) {
    const slot = viaEdge[c]!;
    const entry = slot >= 0 ? (g.outTarget[g.inEdge[slot]!] ?? exit) : firstAgent[c]! >= 0 ? firstAgent[c]! : exit;
    hops.push({ c, entry, exit });
    if (slot < 0) break;
    const u = g.inSource[slot]!;
    c = comps.comp[u]!;
    exit = u;
  }
  hops.reverse();
  const path: number[] = [];
  for (const hop of hops) {
    const agent = firstAgent[hop.c]!;
    const segment =
      agent >= 0 && agent !== hop.entry && agent !== hop.exit
        ? [...shortestPath(g, comps.comp, hop.c, hop.entry, agent), ...shortestPath(g, comps.comp, hop.c, agent, hop.exit).slice(1)]
        : shortestPath(g, comps.comp, hop.c, hop.entry, hop.exit);
    path.push(...segment);
  }
  // Trim pass-through nodes before the first and after the last agent.
  while (path.length > 0 && kinds[path[0]!] !== "agent") path.shift();
  if (end.guard < 0) while (path.length > 0 && kinds[path[path.length - 1]!] !== "agent") path.pop();
  return path;
}

/** The relay limit in use: a whole number ≥ 0, else the default. */
export function normaliseLimit(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value < 0) return DEFAULT_MAX_RELAY_DEPTH;
  return Math.floor(value);
}

/** Shortest path from `a` to `b` inside component `c` (inclusive); [a] when a === b. */
function shortestPath(g: IndexedGraph, comp: Int32Array, c: number, a: number, b: number): number[] {
  if (a === b) return [a];
  // One predecessor array per graph size, reset after each search (only the nodes it touched).
  if (scratch.length < g.n) scratch = new Int32Array(g.n).fill(UNSEEN);
  const prev = scratch;
  prev[a] = -1;
  const queue: number[] = [a];
  let found: number[] | undefined;
  for (let head = 0; head < queue.length && !found; head++) {
    const v = queue[head]!;
    for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
      const w = g.outTarget[e]!;
      if (comp[w] !== c || prev[w] !== UNSEEN) continue;
      prev[w] = v;
      queue.push(w);
      if (w === b) {
        found = [];
        for (let u = b; u !== -1; u = prev[u]!) found.push(u);
        found.reverse();
        break;
      }
    }
  }
  for (const v of queue) prev[v] = UNSEEN;
  return found ?? [a, b];
}

const UNSEEN = -2;
let scratch = new Int32Array(0);

/**
 * RELAY_UNBOUNDED / RELAY_DEPTH_EXCEEDED errors and AGENT_SELF_LOOP notes for a relay report.
 * When guard placement found guards that cut the relay, the fix names them.
 */
export function relayFindings(relay: RelayReport, guards?: { readonly recommended: readonly { readonly node?: string; readonly reason: string }[]; readonly relay?: { readonly ok: boolean } } | null): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const cuts = guards?.relay?.ok ? guards.recommended.filter((r) => r.reason === "relay" && r.node !== undefined).map((r) => r.node!) : [];
  const guardFix = cuts.length > 0 ? `Guard ${cuts.join(", ")} (see GUARDS_RECOMMENDED: ${cuts.map((n) => `guardNodeInPlace(builder, "${n}", { challenger })`).join("; ")}), or ` : "";
  if (relay.depth === "unbounded") {
    for (const cycle of relay.unboundedCycles) {
      out.push(
        finding(
          "RELAY_UNBOUNDED",
          "error",
          `Agents ${formatPath([...cycle, cycle[0]!])} hand work around a loop with no verifier or human on it: an unbounded relay (each stage loses accuracy, arXiv:2603.26993).`,
          `${guardFix}${guardFix ? "put" : "Put"} a verifier node (role "verifier") or a human gate on the loop, or wrap one of its agents in a guard.`,
          { path: cycle },
        ),
      );
    }
  } else if (!relay.ok) {
    out.push(
      finding(
        "RELAY_DEPTH_EXCEEDED",
        "error",
        `${relay.depth} agents relay work without verification (${formatPath(relay.path)}); the limit is ${relay.limit} (a heuristic, arXiv:2603.26993).`,
        `${guardFix}${guardFix ? "insert" : "Insert"} a verifier node (role "verifier") in the middle of the chain, hand over structured posteriors, or raise maxRelayDepth deliberately.`,
        { path: relay.path },
      ),
    );
  }
  for (const agent of relay.selfLoops) {
    out.push(
      finding(
        "AGENT_SELF_LOOP",
        "info",
        `Agent "${agent}" loops back to itself (through tools or routers): only the recursion limit bounds it.`,
        "Make sure a condition routes out of the loop; set recursionLimit deliberately.",
        { node: agent },
      ),
    );
  }
  return out;
}
